package testbed.kernel;

import java.util.ArrayList;
import java.util.List;
import testbed.kernel.api.Status;

/**
 * The kernel's domains: their creation (a segment from the buddy allocator, its frames marked,
 * a segment-table record) and the Java-side record of the {@link Domain} object each id stands
 * for and whether it is aborted. The segment table in simulated memory holds the rest; the
 * oracle checks the two against each other. The record is saved and restored with every
 * snapshot.
 */
final class Domains {
    private final Kernel kernel;
    private final KernelStructures s;
    private final Domain[] byId = new Domain[MemoryLayout.DOMAIN_IDS];
    private final boolean[] aborted = new boolean[MemoryLayout.DOMAIN_IDS];

    Domains(Kernel kernel, KernelStructures s) {
        this.kernel = kernel;
        this.s = s;
    }

    /** See {@link Kernel#createDomain}. */
    Domain create(String name, DomainSpec spec) {
        if (name == null || name.isBlank()) {
            throw new KernelException(Status.EINVAL, "createDomain: a domain needs a non-empty name");
        }
        if (spec == null) {
            throw new KernelException(Status.EINVAL, "createDomain: spec is null");
        }
        long size = spec.segmentSize();
        if (Long.bitCount(size) != 1 || size < PhysicalMemory.PAGE_SIZE) {
            throw new KernelException(Status.EINVAL, "createDomain: segment size " + size
                    + " is not a power of two of at least 4096 bytes (segments are size-aligned)");
        }
        if ((spec.guarded() ? 2 * size : size) > s.layout.size(Region.DOMAIN_ARENA)) {
            throw new KernelException(Status.EINVAL, "createDomain: segment size " + size + (spec.guarded() ? " with its guard zone" : "")
                    + " exceeds the domain arena of " + s.layout.size(Region.DOMAIN_ARENA) + " bytes");
        }
        if (spec.frameQuota() < 0 || spec.heapQuota() < 0 || spec.lockQuota() < 0) {
            throw new KernelException(Status.EINVAL, "createDomain: quotas must not be negative: " + spec);
        }
        int id = -1;
        for (int i = Kernel.FIRST_DOMAIN_ID; i < byId.length; i++) {
            if (byId[i] == null) {
                id = i;
                break;
            }
        }
        if (id < 0) {
            throw new KernelException(Status.ENOMEM, "createDomain: all domain ids 2.." + PhysicalMemory.MAX_DOMAIN_ID + " are in use");
        }
        int prev = s.memory.actAs(PhysicalMemory.KERNEL);
        try {
            return create(id, name, spec);
        } finally {
            s.memory.actAs(prev);
        }
    }

    /** Creates domain {@code id} (the canary's at boot), unchecked, as the current principal. */
    Domain create(int id, String name, DomainSpec spec) {
        int segmentOrder = FrameAllocator.orderOf(spec.segmentSize());
        int order = segmentOrder + (spec.guarded() ? 1 : 0);
        int first = s.allocator.allocate(segmentOrder + 1);
        if (first >= 0 && !spec.guarded()) {
            // Every segment starts where a guarded one of its size would, whatever the mode: a
            // program that stores an address then leaves the same image in every mode. The block's
            // second half goes back to the arena at once.
            s.allocator.free(first + (1 << segmentOrder), segmentOrder);
        } else if (first < 0 && !spec.guarded()) {
            first = s.allocator.allocate(order);
        }
        if (first < 0) {
            throw new KernelException(Status.ENOMEM, "createDomain: no free aligned block of " + (PhysicalMemory.PAGE_SIZE << order)
                    + " bytes in the arena" + (spec.guarded() ? " (a segment of " + spec.segmentSize() + " and its guard zone)" : ""));
        }
        Segment segment = new Segment((long) first << PhysicalMemory.PAGE_SHIFT, spec.segmentSize());
        int pages = (int) (spec.segmentSize() >>> PhysicalMemory.PAGE_SHIFT);
        s.frames.setRange(first, pages, FrameTable.SEGMENT, id);
        if (spec.guarded()) { // the block's second half: the guard zone
            s.frames.setRange(first + pages, pages, FrameTable.GUARD, id);
            s.memory.guard(first + pages, pages, true);
        }
        s.segments.create(id, segment, spec);
        s.memory.fill(segment.base(), segment.size(), (byte) 0);
        Domain d = new Domain(kernel, id, name, segment, spec);
        byId[id] = d;
        aborted[id] = false;
        return d;
    }

    /** Throws unless {@code domain} is a current domain of this kernel. */
    void requireCurrent(String operation, Domain domain) {
        if (domain == null) {
            throw new KernelException(Status.EINVAL, operation + ": domain is null");
        }
        if (domain.kernel() != kernel || byId[domain.id()] != domain) {
            throw new KernelException(Status.ENOENT, operation + ": " + domain + " is not a current domain of this kernel");
        }
    }

    /** The current domain with {@code id}, or null (also for an id out of range). */
    Domain get(int id) {
        return id < 0 || id >= byId.length ? null : byId[id];
    }

    boolean isAborted(int id) {
        return aborted[id];
    }

    /** Whether {@code domain} is the current domain with its id. */
    boolean isCurrent(Domain domain) {
        return byId[domain.id()] == domain;
    }

    void remove(int id) {
        byId[id] = null;
        aborted[id] = false;
    }

    void markAborted(int id) {
        aborted[id] = true;
    }

    /** Current domains in id order. */
    List<Domain> list() {
        return listOf(byId);
    }

    /** See {@link Kernel#placeOf}. */
    String placeOf(long address) {
        Region r = s.layout.regionOf(address);
        if (r == null) {
            return "outside physical memory";
        }
        if (r != Region.DOMAIN_ARENA) {
            return r.name();
        }
        for (Domain d : byId) {
            if (d != null && d.segment().contains(address, 1)) {
                return Kernel.segmentPlace(d);
            }
        }
        int frame = (int) (address >>> PhysicalMemory.PAGE_SHIFT);
        if (s.frames.use(frame) == FrameTable.BOUND) {
            return "BOUND FRAME of " + s.frames.owner(frame);
        }
        if (s.frames.use(frame) == FrameTable.GUARD) {
            return "GUARD ZONE of " + s.frames.owner(frame);
        }
        return Region.DOMAIN_ARENA.name();
    }

    /** A copy for a snapshot. */
    Saved save() {
        return new Saved(byId.clone(), aborted.clone());
    }

    void restore(Saved saved) {
        System.arraycopy(saved.byId, 0, byId, 0, byId.length);
        System.arraycopy(saved.aborted, 0, aborted, 0, aborted.length);
    }

    private static List<Domain> listOf(Domain[] byId) {
        List<Domain> list = new ArrayList<>();
        for (Domain d : byId) {
            if (d != null) {
                list.add(d);
            }
        }
        return list;
    }

    /** The record as a snapshot keeps it. */
    record Saved(Domain[] byId, boolean[] aborted) {
        /** The domains that were current, in id order. */
        List<Domain> list() {
            return listOf(byId);
        }
    }
}
