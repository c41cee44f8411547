package testbed.kernel;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a fault domain is given when it is created: a segment size, capabilities, quotas and
 * whether a guard zone follows the segment. Immutable; build one in stages,
 * {@code DomainSpec.segment(64 << 10).allow(HEAP, LOG).frames(8)}. The kernel checks it when
 * creating the domain ({@link Kernel#createDomain}).
 *
 * @param segmentSize bytes: a power of two, at least 4 KiB
 * @param capabilities helpers and hooks the domain may use
 * @param frameQuota most frames it may hold bound at once
 * @param heapQuota most bytes of heap blocks it may hold at once
 * @param lockQuota most kernel locks it may hold at once
 * @param guarded whether the segment is followed by a guard zone as large as itself, whose pages
 *     fault on any access ({@link #withGuardZone()})
 */
public record DomainSpec(long segmentSize, Set<Capability> capabilities, int frameQuota, long heapQuota, int lockQuota,
                         boolean guarded) {

    public DomainSpec {
        if (capabilities == null) {
            throw new IllegalArgumentException("capabilities must not be null; use an empty set");
        }
        capabilities = capabilities.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(capabilities));
    }

    /** A spec without a guard zone. */
    public DomainSpec(long segmentSize, Set<Capability> capabilities, int frameQuota, long heapQuota, int lockQuota) {
        this(segmentSize, capabilities, frameQuota, heapQuota, lockQuota, false);
    }

    /** A segment of {@code size} bytes, no capabilities, 16 frames, the whole heap area, 4 locks, no guard zone. */
    public static DomainSpec segment(long size) {
        return new DomainSpec(size, Set.of(), 16, Math.max(0, size - Domain.WINDOW_SIZE), 4);
    }

    /**
     * The same spec with a guard zone after the segment (Wahbe et al. 1993): the kernel takes a
     * block twice the segment's size, the segment its first half and the second half guard pages
     * that make any access touching them a {@link MachineCheck}, whatever the principal. Address
     * sandboxing then needs no clamp for the access width: {@code (addr & mask) | base} of an
     * access that starts inside the segment can end at most 7 bytes past it, inside the guard.
     */
    public DomainSpec withGuardZone() {
        return new DomainSpec(segmentSize, capabilities, frameQuota, heapQuota, lockQuota, true);
    }

    /** The same spec with {@code more} capabilities added. */
    public DomainSpec allow(Capability... more) {
        EnumSet<Capability> set = EnumSet.noneOf(Capability.class);
        set.addAll(capabilities);
        set.addAll(Arrays.asList(more));
        return new DomainSpec(segmentSize, set, frameQuota, heapQuota, lockQuota, guarded);
    }

    /** The same spec with every capability. */
    public DomainSpec allowAll() {
        return allow(Capability.values());
    }

    public DomainSpec frames(int quota) {
        return new DomainSpec(segmentSize, capabilities, quota, heapQuota, lockQuota, guarded);
    }

    public DomainSpec heap(long quota) {
        return new DomainSpec(segmentSize, capabilities, frameQuota, quota, lockQuota, guarded);
    }

    public DomainSpec locks(int quota) {
        return new DomainSpec(segmentSize, capabilities, frameQuota, heapQuota, quota, guarded);
    }
}
