package testbed.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import testbed.kernel.api.Context;
import testbed.kernel.api.Event;
import testbed.kernel.api.EventHandler;
import testbed.kernel.api.EvictionPolicy;
import testbed.kernel.api.LibraryOs;
import testbed.kernel.api.Memory;
import testbed.kernel.api.PacketFilter;
import testbed.kernel.api.ReadFilter;
import testbed.kernel.api.Status;

/**
 * The simulated kernel. Its state lives in {@link PhysicalMemory}, laid out by
 * {@link MemoryLayout}: segment, frame, lock and hook tables, the buddy map, the packet rings,
 * the buffer cache and the log. An unprotected extension's wild store therefore corrupts the
 * kernel for real. On the Java side the kernel keeps only what cannot live in simulated memory:
 * the extension objects and crossings attached to hooks, the {@link Domain} objects, the disk and
 * the record of aborts.
 *
 * <p>The kernel runs its workloads ({@link #receive}, {@link #read}, {@link #write},
 * {@link #dispatch}, buffer-cache eviction inside reads and writes, {@link #startLibraryOs},
 * {@link #revoke});
 * each drives one {@link Hook} and falls back to a default policy when nothing is attached, when
 * the attached domain is aborted (a {@link Trap} out of its {@link Crossing}) or when its answer is
 * bad. It attributes memory accesses itself: kernel code runs as {@link PhysicalMemory#KERNEL} and
 * every call into a domain as that domain, whatever the crossing does.
 *
 * <p>{@link #snapshot()} and {@link #restore(Snapshot)} reset a kernel between trials in time
 * proportional to the pages touched since the snapshot. A kernel is not thread-safe: run one per
 * thread.
 */
public final class Kernel {
    /** Domain id of the canary, created at boot and always co-resident. */
    public static final int CANARY_ID = 1;
    /** Lowest id {@link #createDomain} hands out. */
    public static final int FIRST_DOMAIN_ID = 2;
    /** Most eviction candidates offered to an eviction policy. */
    public static final int MAX_CANDIDATES = 16;
    /** Bytes of one eviction candidate record: {@code long blockKey, long lastUse}. */
    public static final int CANDIDATE_RECORD = 16;

    /** A call into a domain ended in a trap; the hook uses its default. */
    private static final long TRAPPED = Long.MIN_VALUE;
    private static final int HOOKS = Hook.values().length;

    private final KernelConfig config;
    private final MemoryLayout layout;
    private final PhysicalMemory memory;
    private final KernelMemory kernelMemory;
    private final Memory extensionMemory;
    private final Header header;
    private final SegmentTable segments;
    private final FrameTable frames;
    private final FrameAllocator allocator;
    private final LockTable locks;
    private final HookTable hooks;
    private final HeapTable heap;
    private final PacketRing rx;
    private final PacketRing tx;
    private final PacketRing socket;
    private final BufferCache cache;
    private final KernelLog log;
    private final Disk disk;

    // Java-side state: saved and restored with every snapshot.
    private final Domain[] domains = new Domain[MemoryLayout.DOMAIN_IDS];
    private final boolean[] aborted = new boolean[MemoryLayout.DOMAIN_IDS];
    private final Object[][] extensions = new Object[HOOKS][MemoryLayout.DOMAIN_IDS];
    private final Crossing[][] crossings = new Crossing[HOOKS][MemoryLayout.DOMAIN_IDS];
    private final List<Abort> aborts = new ArrayList<>();

    private final UndoLog undo = new UndoLog();
    private Transaction open;
    private boolean defaultsOnly;
    private Snapshot base;
    private final byte[] blockBuffer;
    private final int[] candidates = new int[MAX_CANDIDATES];

    private Kernel(KernelConfig config) {
        this.config = config;
        this.layout = new MemoryLayout(config);
        this.memory = new PhysicalMemory(config.memorySize());
        this.kernelMemory = new KernelMemory(memory);
        this.extensionMemory = new ExtensionMemory(memory);
        this.header = new Header(memory, kernelMemory, layout);
        this.segments = new SegmentTable(memory, kernelMemory, layout);
        this.frames = new FrameTable(memory, kernelMemory, layout);
        this.allocator = new FrameAllocator(memory, kernelMemory, layout, frames);
        this.locks = new LockTable(memory, kernelMemory, layout);
        this.hooks = new HookTable(memory, kernelMemory, layout);
        this.heap = new HeapTable(memory, kernelMemory, layout, segments);
        this.rx = new PacketRing(memory, kernelMemory, layout, Region.RX_RING, config.rxSlots());
        this.tx = new PacketRing(memory, kernelMemory, layout, Region.TX_RING, config.txSlots());
        this.socket = new PacketRing(memory, kernelMemory, layout, Region.SOCKET_QUEUE, config.socketSlots());
        this.cache = new BufferCache(memory, kernelMemory, layout);
        this.log = new KernelLog(memory, kernelMemory, layout);
        this.disk = new Disk(config);
        this.blockBuffer = new byte[config.blockSize()];
    }

    /** Boots a kernel with the default configuration (64 MiB). */
    public static Kernel boot() {
        return boot(KernelConfig.defaults());
    }

    /**
     * Boots a kernel: formats every structure in memory, fills the files, creates and attaches the
     * canary domain, leaves some file blocks dirty in the cache and accepts a few packets, so that
     * a trial has data to lose.
     */
    public static Kernel boot(KernelConfig config) {
        Kernel k = new Kernel(config);
        k.format();
        return k;
    }

    private void format() {
        header.format(layout);
        frames.setRange(0, layout.arenaFirstFrame(), FrameTable.KERNEL, 0);
        allocator.format();
        rx.format();
        tx.format();
        socket.format();
        log.format();
        disk.fill(config.seed());

        Domain canary = create(CANARY_ID, "canary", Canary.spec());
        Canary.fill(memory, canary.segment(), config.seed());
        attach(canary, new Canary(), Crossing.DIRECT);

        SplittableRandom random = new SplittableRandom(config.seed() + 1);
        int bs = config.blockSize();
        for (int f = 0; f < Math.min(3, config.files()); f++) {
            byte[] record = new byte[bs / 4];
            random.nextBytes(record);
            write(f, (long) (f % config.fileBlocks()) * bs + bs / 8, record, record.length);
        }
        byte[] sink = new byte[2 * bs];
        read(config.files() - 1, 0, sink, (int) Math.min(sink.length, config.fileSize()), null);
        for (int p = 0; p < Math.min(4, config.socketSlots()); p++) {
            byte[] packet = new byte[60 + random.nextInt(400)];
            random.nextBytes(packet);
            receive(packet);
        }
    }

    // ------------------------------------------------------------------ domains

    /**
     * Creates a fault domain: a segment from the buddy allocator (zeroed), a segment-table record
     * with the spec's capabilities and quotas, and the lowest free id in {@code 2..63}.
     *
     * @throws KernelException {@code EINVAL} for a bad name or spec (size not a power of two,
     *     under 4 KiB or over the arena, negative quotas); {@code ENOMEM} when no id or no aligned
     *     block of that size is free
     */
    public Domain createDomain(String name, DomainSpec spec) {
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
        if (size > layout.size(Region.DOMAIN_ARENA)) {
            throw new KernelException(Status.EINVAL, "createDomain: segment size " + size + " exceeds the domain arena of "
                    + layout.size(Region.DOMAIN_ARENA) + " bytes");
        }
        if (spec.frameQuota() < 0 || spec.heapQuota() < 0 || spec.lockQuota() < 0) {
            throw new KernelException(Status.EINVAL, "createDomain: quotas must not be negative: " + spec);
        }
        int id = -1;
        for (int i = FIRST_DOMAIN_ID; i < domains.length; i++) {
            if (domains[i] == null) {
                id = i;
                break;
            }
        }
        if (id < 0) {
            throw new KernelException(Status.ENOMEM, "createDomain: all domain ids 2.." + PhysicalMemory.MAX_DOMAIN_ID + " are in use");
        }
        int prev = memory.actAs(PhysicalMemory.KERNEL);
        try {
            return create(id, name, spec);
        } finally {
            memory.actAs(prev);
        }
    }

    private Domain create(int id, String name, DomainSpec spec) {
        int order = FrameAllocator.orderOf(spec.segmentSize());
        int first = allocator.allocate(order);
        if (first < 0) {
            throw new KernelException(Status.ENOMEM, "createDomain: no free aligned block of " + spec.segmentSize() + " bytes in the arena");
        }
        Segment segment = new Segment((long) first << PhysicalMemory.PAGE_SHIFT, spec.segmentSize());
        frames.setRange(first, 1 << order, FrameTable.SEGMENT, id);
        segments.create(id, segment, spec);
        memory.fill(segment.base(), segment.size(), (byte) 0);
        Domain d = new Domain(this, id, name, segment, spec);
        domains[id] = d;
        aborted[id] = false;
        return d;
    }

    /**
     * Destroys a domain: releases its locks, bound frames and heap, detaches it from every hook,
     * and returns its segment to the buddy allocator. An open transaction of the domain is rolled
     * back first.
     *
     * @throws KernelException {@code ENOENT} if the domain is not one of this kernel's current
     *     domains; {@code EPERM} for the canary
     */
    public void destroyDomain(Domain domain) {
        requireCurrent("destroyDomain", domain);
        if (domain.id() == CANARY_ID) {
            throw new KernelException(Status.EPERM, "destroyDomain: the canary domain stays for the kernel's lifetime");
        }
        int prev = memory.actAs(PhysicalMemory.KERNEL);
        kernelMemory.record(null);
        try {
            if (open != null && open.domain() == domain) {
                closeOpen(true);
            }
            release(domain);
            int first = (int) (domain.segment().base() >>> PhysicalMemory.PAGE_SHIFT);
            int order = FrameAllocator.orderOf(domain.segment().size());
            frames.setRange(first, 1 << order, FrameTable.FREE, 0);
            allocator.free(first, order);
            segments.clear(domain.id());
            domains[domain.id()] = null;
            aborted[domain.id()] = false;
        } finally {
            memory.actAs(prev);
        }
    }

    /** The current domain with {@code id} (live or aborted), or {@code null}. */
    public Domain domain(int id) {
        return id < 0 || id >= domains.length ? null : domains[id];
    }

    /** Current domains, canary first, in id order. */
    public List<Domain> domains() {
        List<Domain> list = new ArrayList<>();
        for (Domain d : domains) {
            if (d != null) {
                list.add(d);
            }
        }
        return list;
    }

    /** The canary domain. */
    public Domain canary() {
        return domains[CANARY_ID];
    }

    /** Whether the domain was aborted (and not destroyed since). */
    public boolean isAborted(Domain domain) {
        return domain != null && domains[domain.id()] == domain && aborted[domain.id()];
    }

    /**
     * Kernel locks {@code domain} holds, counted in the lock table (not trusted to its counter):
     * what a protected crossing checks on return (VINO's rule that a graft must not return holding a lock).
     */
    public int locksHeldBy(Domain domain) {
        if (domain == null || domain.kernel() != this) {
            return 0;
        }
        // The domain's own count, kept by lock/unlock and undone with them: O(1) on every crossing.
        // fsck checks it against the lock table.
        return segments.locksHeld(domain.id());
    }

    /** Whether {@code domain} is current in this kernel and not aborted. */
    public boolean isLive(Domain domain) {
        return domain != null && domain.kernel() == this && domains[domain.id()] == domain && !aborted[domain.id()];
    }

    private void requireCurrent(String operation, Domain domain) {
        if (domain == null) {
            throw new KernelException(Status.EINVAL, operation + ": domain is null");
        }
        if (domain.kernel() != this || domains[domain.id()] != domain) {
            throw new KernelException(Status.ENOENT, operation + ": " + domain + " is not a current domain of this kernel");
        }
    }

    // ------------------------------------------------------------------ hooks

    /**
     * Attaches an extension running in {@code domain} to the hook its class implements, entered
     * through {@code crossing}. The hook table in memory records the attachment; extensions are
     * called in attach order.
     *
     * @return {@link Status#OK}; {@link Status#EPERM} if the domain is aborted or its record does
     *     not grant the hook's capability; {@link Status#EBUSY} if it is already attached there;
     *     {@link Status#ENOMEM} if the hook has {@link HookTable#SLOTS} domains already
     * @throws KernelException {@code EINVAL} if the extension implements no hook interface or
     *     several, or the crossing is null; {@code ENOENT} for a domain not of this kernel
     */
    public int attach(Domain domain, Object extension, Crossing crossing) {
        requireCurrent("attach", domain);
        Hook hook;
        try {
            hook = Hook.of(extension);
        } catch (IllegalArgumentException e) {
            throw new KernelException(Status.EINVAL, "attach: " + e.getMessage());
        }
        if (crossing == null) {
            throw new KernelException(Status.EINVAL, "attach: crossing is null; use Crossing.DIRECT for none");
        }
        int prev = memory.actAs(PhysicalMemory.KERNEL);
        try {
            if (aborted[domain.id()] || !segments.grants(domain.id(), hook.capability())) {
                return Status.EPERM;
            }
            int status = hooks.add(hook, domain.id());
            if (status == Status.OK) {
                extensions[hook.ordinal()][domain.id()] = extension;
                crossings[hook.ordinal()][domain.id()] = crossing;
            }
            return status;
        } finally {
            memory.actAs(prev);
        }
    }

    /**
     * Detaches a domain from a hook.
     *
     * @return {@link Status#OK}, {@link Status#ENOENT} if it was not attached there,
     *     {@link Status#EPERM} for the canary, which stays attached for the kernel's lifetime
     */
    public int detach(Domain domain, Hook hook) {
        requireCurrent("detach", domain);
        if (domain.id() == CANARY_ID) {
            return Status.EPERM;
        }
        int prev = memory.actAs(PhysicalMemory.KERNEL);
        try {
            boolean listed = hooks.remove(hook, domain.id());
            boolean referenced = extensions[hook.ordinal()][domain.id()] != null;
            extensions[hook.ordinal()][domain.id()] = null;
            crossings[hook.ordinal()][domain.id()] = null;
            return listed || referenced ? Status.OK : Status.ENOENT;
        } finally {
            memory.actAs(prev);
        }
    }

    /** Whether the kernel holds an extension of {@code domainId} for {@code hook} (its Java side; the hook table may disagree). */
    public boolean isAttached(int domainId, Hook hook) {
        return domainId >= 0 && domainId < domains.length && extensions[hook.ordinal()][domainId] != null;
    }

    /** The domain if the hook table lists it and the kernel can call it; else null. */
    private Domain callable(Hook hook, int id) {
        if (id <= 0 || id >= domains.length) {
            return null;
        }
        Domain d = domains[id];
        if (d == null || aborted[id] || extensions[hook.ordinal()][id] == null) {
            return null;
        }
        if (defaultsOnly && id != CANARY_ID) {
            return null;
        }
        return d;
    }

    private Domain callable(Hook hook, Domain domain) {
        if (domain == null || domain.kernel() != this || !hooks.lists(hook, domain.id())) {
            return null;
        }
        Domain d = callable(hook, domain.id());
        return d == domain ? d : null;
    }

    /**
     * One call into a domain: attributed to the domain, entered through its crossing. A trap
     * ends in the default policy (and in the abort protocol if the crossing did not run it);
     * anything else an extension throws propagates, as a fault in unprotected kernel code would.
     */
    private long call(Hook hook, Domain d, DomainCall body) {
        hooks.count(hook, HookTable.CALLS_AT);
        Crossing crossing = crossings[hook.ordinal()][d.id()];
        int prev = memory.actAs(d.id());
        long result;
        try {
            result = crossing.enter(d, body);
        } catch (Trap trap) {
            memory.actAs(PhysicalMemory.KERNEL);
            hooks.count(hook, HookTable.ABORTS_AT);
            if (domains[d.id()] == d && !aborted[d.id()] && d.id() != CANARY_ID) {
                abort(d, trap.inDomain(d.id()));
            }
            return TRAPPED;
        } finally {
            memory.actAs(prev);
        }
        return result;
    }

    /**
     * Runs {@code work} with every extension except the canary bypassed, so that each hook uses
     * its default policy. The oracle's liveness probe uses it: it must exercise the kernel
     * without running untrusted code again.
     */
    public <T> T underDefaultPolicies(Supplier<T> work) {
        boolean prev = defaultsOnly;
        defaultsOnly = true;
        try {
            return work.get();
        } finally {
            defaultsOnly = prev;
        }
    }

    // ------------------------------------------------------------------ injected helper failures

    private String failingHelper;
    private int failingCall;
    private int failingStatus;
    private int helperCalls;

    /**
     * Makes helper {@code helper} (a {@link testbed.kernel.api.Context} method name) fail once:
     * its {@code nthCall}-th call from now on returns {@code status} without doing anything, as
     * the kernel would when out of memory or busy. For fault injection; {@link #restore} clears it.
     *
     * @throws IllegalArgumentException for a non-negative status or a call number below 1
     */
    public void failHelper(String helper, int nthCall, int status) {
        if (status >= 0 || nthCall < 1 || helper == null) {
            throw new IllegalArgumentException("failHelper needs a helper name, a call number >= 1 and a negative status");
        }
        failingHelper = helper;
        failingCall = nthCall;
        failingStatus = status;
        helperCalls = 0;
    }

    /** The status an armed failure forces on this call of {@code helper}, or 0 to run it normally. */
    int injectedFailure(String helper) {
        if (failingHelper == null || !failingHelper.equals(helper) || ++helperCalls != failingCall) {
            return 0;
        }
        failingHelper = null;
        return failingStatus;
    }

    // ------------------------------------------------------------------ transactions and abort

    /**
     * Opens a transaction for one invocation of {@code domain}: until it closes, the domain's
     * helper calls record the kernel words they change.
     *
     * @throws KernelException {@code EBUSY} if a transaction is already open; {@code EPERM} if the
     *     domain is aborted; {@code ENOENT} if it is not of this kernel
     */
    public Transaction begin(Domain domain) {
        requireCurrent("begin", domain);
        if (open != null) {
            throw new KernelException(Status.EBUSY, "begin: a transaction of " + open.domain() + " is still open");
        }
        if (aborted[domain.id()]) {
            throw new KernelException(Status.EPERM, "begin: " + domain + " is aborted");
        }
        undo.clear();
        open = new Transaction(this, domain);
        return open;
    }

    /** The open transaction, or null. */
    public Transaction transaction() {
        return open;
    }

    void close(Transaction transaction, boolean rollBack) {
        if (transaction != open || !transaction.isOpen()) {
            throw new IllegalStateException("transaction of " + transaction.domain() + " is not open");
        }
        int prev = memory.actAs(PhysicalMemory.KERNEL);
        try {
            closeOpen(rollBack);
        } finally {
            memory.actAs(prev);
        }
    }

    private void closeOpen(boolean rollBack) {
        int count = undo.size();
        if (rollBack) {
            undo.rollBack(memory);
        }
        undo.clear();
        open.closed(count);
        open = null;
    }

    int undoSize() {
        return undo.size();
    }

    /**
     * The abort protocol: rolls back the domain's open transaction, releases its locks, bound
     * frames and heap blocks, detaches it from every hook, marks it aborted and records the trap.
     * The domain keeps its segment until destroyed; its helpers answer {@link Status#EPERM}.
     * Aborting an aborted domain does nothing.
     *
     * @throws KernelException {@code ENOENT} if the domain is not of this kernel; {@code EPERM}
     *     for the canary; {@code EINVAL} for a null trap
     */
    public void abort(Domain domain, Trap trap) {
        requireCurrent("abort", domain);
        if (trap == null) {
            throw new KernelException(Status.EINVAL, "abort: trap is null");
        }
        if (domain.id() == CANARY_ID) {
            throw new KernelException(Status.EPERM, "abort: the canary domain is trusted and cannot be aborted");
        }
        if (aborted[domain.id()]) {
            return;
        }
        int prev = memory.actAs(PhysicalMemory.KERNEL);
        kernelMemory.record(null);
        try {
            if (open != null && open.domain() == domain) {
                closeOpen(true);
            }
            release(domain);
            segments.setState(domain.id(), SegmentTable.ABORTED);
            aborted[domain.id()] = true;
            aborts.add(new Abort(domain.id(), domain.name(), trap.inDomain(domain.id()), header.now()));
        } finally {
            memory.actAs(prev);
        }
    }

    /** Every abort since boot (or since the restored snapshot), oldest first. */
    public List<Abort> aborts() {
        return List.copyOf(aborts);
    }

    /** Releases everything a domain holds except its segment. Runs as the kernel, unrecorded. */
    private void release(Domain domain) {
        int id = domain.id();
        for (int l = 0; l < locks.count(); l++) {
            if (locks.holderOf(l) == id) {
                locks.release(l);
            }
        }
        segments.putInt(id, SegmentTable.LOCKS_AT, 0);
        // Scans the frame table rather than trusting the bound-frame counter, skipping free runs.
        int bound = FrameTable.BOUND | id << 8;
        for (int f = frames.nextInUse(layout.arenaFirstFrame(), layout.pages()); f >= 0;
                f = f + 1 < layout.pages() ? frames.nextInUse(f + 1, layout.pages()) : -1) {
            if (frames.entry(f) == bound) {
                frames.set(f, FrameTable.FREE, 0);
                allocator.free(f, 0);
            }
        }
        segments.putInt(id, SegmentTable.FRAMES_AT, 0);
        heap.clear(id);
        for (Hook h : Hook.values()) {
            hooks.remove(h, id);
            extensions[h.ordinal()][id] = null;
            crossings[h.ordinal()][id] = null;
        }
    }

    // ------------------------------------------------------------------ helpers' entry

    /** Charges the call to the domain's helper meter, then runs the rest as the kernel; a refused charge changes nothing. */
    int enterHelper(Domain domain, String helper) {
        domain.helperMeter().charge(helper);
        int prev = memory.actAs(PhysicalMemory.KERNEL);
        kernelMemory.record(open != null && open.domain() == domain ? undo : null);
        return prev;
    }

    void exitHelper(int prev) {
        kernelMemory.record(null);
        memory.actAs(prev);
    }

    Memory extensionMemory() {
        return extensionMemory;
    }

    long now() {
        return header.now();
    }

    // ------------------------------------------------------------------ NIC

    /**
     * The NIC receives a packet: it enters the receive ring, each packet filter in turn gets a
     * copy in its window, and the first filter that answers a positive length has that many bytes
     * delivered to the socket queue. With no filter to ask (none attached, or all aborted) the
     * whole packet is delivered; a bad answer drops it.
     *
     * @return bytes delivered, 0 if dropped, {@link Status#EINVAL} for an empty or oversized (over
     *     {@link KernelConfig#MAX_PACKET}) packet, {@link Status#ENOMEM} if a ring is full
     */
    public int receive(byte[] packet) {
        if (packet == null || packet.length == 0 || packet.length > KernelConfig.MAX_PACKET) {
            return Status.EINVAL;
        }
        int prev = memory.actAs(PhysicalMemory.KERNEL);
        try {
            header.tick();
            int length = packet.length;
            long seq = rx.push(packet, length);
            if (seq < 0) {
                return Status.ENOMEM;
            }
            long data = rx.dataAddress(seq);
            int deliver = -1;
            boolean answered = false;
            for (int id : hooks.ids(Hook.PACKET_FILTER)) {
                Domain d = callable(Hook.PACKET_FILTER, id);
                if (d == null) {
                    continue;
                }
                PacketFilter filter = (PacketFilter) extensions[Hook.PACKET_FILTER.ordinal()][id];
                long window = d.window();
                memory.copy(window, data, length);
                Context ctx = d.context();
                long r = call(Hook.PACKET_FILTER, d, () -> filter.filter(ctx, window, length));
                if (r == TRAPPED) {
                    continue;
                }
                answered = true;
                if (r < 0 || r > length) {
                    hooks.count(Hook.PACKET_FILTER, HookTable.BAD_ANSWERS_AT);
                    deliver = 0;
                    break;
                }
                if (r > 0) {
                    deliver = (int) r;
                    break;
                }
            }
            if (!answered) {
                hooks.count(Hook.PACKET_FILTER, HookTable.DEFAULTS_AT);
                deliver = length;
            }
            int result = Math.max(deliver, 0);
            if (result > 0 && socket.pushFrom(data, result) < 0) {
                result = Status.ENOMEM;
            }
            while (rx.oldest() >= 0 && rx.oldest() <= seq) {
                rx.dropOldest();
            }
            return result;
        } finally {
            memory.actAs(prev);
        }
    }

    /**
     * The application reads the oldest delivered packet from the socket queue.
     *
     * @return its length (bytes beyond {@code target.length} are cut), {@link Status#ENOENT} if
     *     the queue is empty, {@link Status#EINVAL} for a null target
     */
    public int recv(byte[] target) {
        return pop(socket, target);
    }

    /**
     * The NIC sends the oldest packet of the transmit ring (queued by {@code sendPacket}).
     *
     * @return its length, {@link Status#ENOENT} if none is queued, {@link Status#EINVAL} for a null target
     */
    public int transmit(byte[] target) {
        return pop(tx, target);
    }

    private int pop(PacketRing ring, byte[] target) {
        if (target == null) {
            return Status.EINVAL;
        }
        int prev = memory.actAs(PhysicalMemory.KERNEL);
        try {
            int n = ring.pop(target);
            return n < 0 ? Status.ENOENT : n;
        } finally {
            memory.actAs(prev);
        }
    }

    // ------------------------------------------------------------------ files

    /**
     * ExtOS {@code read()}: copies {@code length} bytes of file {@code fileId} from
     * {@code offset} into {@code target}, block by block through the buffer cache. With a filter
     * domain attached to {@link Hook#READ_FILTER}, each block's bytes are first copied into the
     * filter's window and only the prefix it keeps reaches {@code target}; a bad answer, an abort
     * or a filter that is not attached means unfiltered bytes (the default policy).
     *
     * @return bytes placed in {@code target} (fewer at end of file or when filtered),
     *     {@link Status#ENOENT} for an unknown file, {@link Status#EINVAL} for a negative offset or
     *     length, a null target or one shorter than {@code length}
     */
    public int read(int fileId, long offset, byte[] target, int length, Domain filterOrNull) {
        if (fileId < 0 || fileId >= config.files()) {
            return Status.ENOENT;
        }
        if (offset < 0 || length < 0 || target == null || length > target.length) {
            return Status.EINVAL;
        }
        int prev = memory.actAs(PhysicalMemory.KERNEL);
        try {
            header.tick();
            if (offset >= config.fileSize()) {
                return 0;
            }
            int bs = config.blockSize();
            int remaining = (int) Math.min(length, config.fileSize() - offset);
            long pos = offset;
            int out = 0;
            while (remaining > 0) {
                int block = (int) (pos / bs);
                int within = (int) (pos % bs);
                int n = Math.min(bs - within, remaining);
                long source = cache.dataAddress(cached(fileId, block)) + within;
                int kept = filterOrNull == null ? -1 : filter(filterOrNull, source, n);
                if (kept >= 0) {
                    memory.read(filterOrNull.window(), target, out, kept);
                    out += kept;
                } else {
                    memory.read(source, target, out, n);
                    out += n;
                }
                pos += n;
                remaining -= n;
            }
            return out;
        } finally {
            memory.actAs(prev);
        }
    }

    /** Runs the read filter over {@code n} bytes at {@code source}; -1 means use the default. */
    private int filter(Domain domain, long source, int n) {
        Domain d = callable(Hook.READ_FILTER, domain);
        if (d == null) {
            hooks.count(Hook.READ_FILTER, HookTable.DEFAULTS_AT);
            return -1;
        }
        ReadFilter filter = (ReadFilter) extensions[Hook.READ_FILTER.ordinal()][d.id()];
        long window = d.window();
        memory.copy(window, source, n);
        Context ctx = d.context();
        long r = call(Hook.READ_FILTER, d, () -> filter.filter(ctx, window, n));
        if (r == TRAPPED) {
            hooks.count(Hook.READ_FILTER, HookTable.DEFAULTS_AT);
            return -1;
        }
        if (r < 0 || r > n) {
            hooks.count(Hook.READ_FILTER, HookTable.BAD_ANSWERS_AT);
            hooks.count(Hook.READ_FILTER, HookTable.DEFAULTS_AT);
            return -1;
        }
        return (int) r;
    }

    /**
     * Writes {@code length} bytes into file {@code fileId} at {@code offset} through the buffer
     * cache; the blocks stay dirty in memory until evicted.
     *
     * @return bytes written (fewer at end of file), {@link Status#ENOENT} for an unknown file,
     *     {@link Status#EINVAL} for a negative offset or length, a null source or one shorter than {@code length}
     */
    public int write(int fileId, long offset, byte[] source, int length) {
        if (fileId < 0 || fileId >= config.files()) {
            return Status.ENOENT;
        }
        if (offset < 0 || length < 0 || source == null || length > source.length) {
            return Status.EINVAL;
        }
        int prev = memory.actAs(PhysicalMemory.KERNEL);
        try {
            header.tick();
            if (offset >= config.fileSize()) {
                return 0;
            }
            int bs = config.blockSize();
            int remaining = (int) Math.min(length, config.fileSize() - offset);
            long pos = offset;
            int in = 0;
            while (remaining > 0) {
                int block = (int) (pos / bs);
                int within = (int) (pos % bs);
                int n = Math.min(bs - within, remaining);
                int e = cached(fileId, block);
                memory.write(cache.dataAddress(e) + within, source, in, n);
                cache.setState(e, BufferCache.DIRTY);
                in += n;
                pos += n;
                remaining -= n;
            }
            return in;
        } finally {
            memory.actAs(prev);
        }
    }

    /** The cache entry holding the block, loading it (and evicting another) if needed. */
    private int cached(int file, int block) {
        int e = cache.lookup(file, block);
        if (e >= 0) {
            cache.used(e, header.nextUse());
            return e;
        }
        e = cache.emptyEntry();
        if (e < 0) {
            e = evictionNeeded();
        }
        memory.write(cache.dataAddress(e), disk.raw(file, block), 0, config.blockSize());
        cache.install(e, file, block, BufferCache.CLEAN, header.nextUse());
        return e;
    }

    /**
     * The buffer cache needs an entry: the least recently used blocks (up to
     * {@link #MAX_CANDIDATES}, oldest first) are offered to the first attached eviction policy as
     * 16-byte records in its window; a bad answer or an abort means the oldest (LRU). A dirty
     * victim is written back to disk first.
     */
    private int evictionNeeded() {
        int count = 0;
        for (int e = 0; e < cache.entries(); e++) {
            int st = cache.stateOf(e);
            if (st != BufferCache.CLEAN && st != BufferCache.DIRTY) {
                continue;
            }
            long use = cache.lastUseOf(e);
            // Insertion into the sorted candidate list, keeping the oldest MAX_CANDIDATES.
            int at = count;
            while (at > 0 && cache.lastUseOf(candidates[at - 1]) > use) {
                at--;
            }
            if (at < MAX_CANDIDATES) {
                int last = Math.min(count, MAX_CANDIDATES - 1);
                System.arraycopy(candidates, at, candidates, at + 1, last - at);
                candidates[at] = e;
                count = Math.min(count + 1, MAX_CANDIDATES);
            }
        }
        if (count == 0) {
            return 0;
        }
        int victim = 0;
        boolean asked = false;
        for (int id : hooks.ids(Hook.EVICTION_POLICY)) {
            Domain d = callable(Hook.EVICTION_POLICY, id);
            if (d == null) {
                continue;
            }
            EvictionPolicy policy = (EvictionPolicy) extensions[Hook.EVICTION_POLICY.ordinal()][id];
            long window = d.window();
            for (int i = 0; i < count; i++) {
                int e = candidates[i];
                memory.store64(window + (long) i * CANDIDATE_RECORD, blockKey(cache.fileOf(e), cache.blockOf(e)));
                memory.store64(window + (long) i * CANDIDATE_RECORD + 8, cache.lastUseOf(e));
            }
            Context ctx = d.context();
            int offered = count;
            long r = call(Hook.EVICTION_POLICY, d, () -> policy.chooseVictim(ctx, window, offered));
            if (r != TRAPPED) {
                asked = true;
                if (r >= 0 && r < count) {
                    victim = (int) r;
                } else {
                    hooks.count(Hook.EVICTION_POLICY, HookTable.BAD_ANSWERS_AT);
                }
            }
            break;
        }
        if (!asked) {
            hooks.count(Hook.EVICTION_POLICY, HookTable.DEFAULTS_AT);
        }
        int e = candidates[victim];
        if (cache.stateOf(e) == BufferCache.DIRTY) {
            int file = cache.fileOf(e);
            int block = cache.blockOf(e);
            // A map entry a wild store scribbled on names no real block: its data is lost, and the
            // oracle reports that; writing it somewhere would spread the damage to the disk.
            if (file >= 0 && file < config.files() && block >= 0 && block < config.fileBlocks()) {
                memory.read(cache.dataAddress(e), blockBuffer, 0, blockBuffer.length);
                disk.write(file, block, blockBuffer);
            }
        }
        cache.setState(e, BufferCache.EMPTY);
        return e;
    }

    /** The key of a block in eviction candidate records: {@code file << 32 | block}. */
    public static long blockKey(int file, int block) {
        return ((long) file << 32) | (block & 0xFFFFFFFFL);
    }

    // ------------------------------------------------------------------ events

    /**
     * The SPIN dispatcher raises an event: every attached handler whose guard accepts it runs,
     * and the last non-negative result is the event's result. With no handler accepting (or all
     * aborted or answering badly) the kernel's default implementation answers: the length for
     * {@link Event#PACKET_ARRIVED}, the time for {@link Event#TIMER}, 0 for
     * {@link Event#PAGE_FAULT} inside memory, {@link Status#EINVAL} for an event it does not know.
     */
    public long dispatch(int event, long argument) {
        int prev = memory.actAs(PhysicalMemory.KERNEL);
        try {
            header.tick();
            long result = 0;
            boolean handled = false;
            for (int id : hooks.ids(Hook.EVENT_HANDLER)) {
                Domain d = callable(Hook.EVENT_HANDLER, id);
                if (d == null) {
                    continue;
                }
                EventHandler handler = (EventHandler) extensions[Hook.EVENT_HANDLER.ordinal()][id];
                Context ctx = d.context();
                long wants = call(Hook.EVENT_HANDLER, d, () -> handler.guard(ctx, event, argument) ? 1 : 0);
                if (wants != 1 || callable(Hook.EVENT_HANDLER, id) == null) {
                    continue;
                }
                long r = call(Hook.EVENT_HANDLER, d, () -> handler.handle(ctx, event, argument));
                if (r == TRAPPED) {
                    continue;
                }
                if (r < 0) {
                    hooks.count(Hook.EVENT_HANDLER, HookTable.BAD_ANSWERS_AT);
                    continue;
                }
                result = r;
                handled = true;
            }
            if (!handled) {
                hooks.count(Hook.EVENT_HANDLER, HookTable.DEFAULTS_AT);
                result = defaultEvent(event, argument);
            }
            return result;
        } finally {
            memory.actAs(prev);
        }
    }

    private long defaultEvent(int event, long argument) {
        return switch (event) {
            case Event.PACKET_ARRIVED -> argument >= 0 ? argument : Status.EINVAL;
            case Event.TIMER -> header.now();
            case Event.PAGE_FAULT -> argument >= 0 && argument < config.memorySize() ? 0 : Status.EFAULT;
            default -> Status.EINVAL;
        };
    }

    // ------------------------------------------------------------------ library OS

    /**
     * Starts a library OS attached to {@link Hook#LIBRARY_OS}: calls its {@code start}, where it
     * typically binds frames.
     *
     * @return frames bound to it afterwards (0 if it was aborted), {@link Status#ENOENT} if the
     *     domain is not attached as a library OS
     */
    public int startLibraryOs(Domain libraryOs) {
        int prev = memory.actAs(PhysicalMemory.KERNEL);
        try {
            Domain d = callable(Hook.LIBRARY_OS, libraryOs);
            if (d == null) {
                return Status.ENOENT;
            }
            header.tick();
            LibraryOs os = (LibraryOs) extensions[Hook.LIBRARY_OS.ordinal()][d.id()];
            Context ctx = d.context();
            call(Hook.LIBRARY_OS, d, () -> {
                os.start(ctx);
                return 0;
            });
            return aborted[d.id()] ? 0 : segments.getInt(d.id(), SegmentTable.FRAMES_AT);
        } finally {
            memory.actAs(prev);
        }
    }

    /**
     * Visible revocation (Exokernel): asks the library OS to give back {@code frames} of its bound
     * frames. If it has not released them when it returns, or it is aborted, the abort protocol
     * takes all its frames by force ({@link Trap.Kind#REVOCATION_TIMEOUT}).
     *
     * @return frames reclaimed, {@link Status#EINVAL} for a negative count,
     *     {@link Status#ENOENT} if the domain is not attached as a library OS
     */
    public int revoke(Domain libraryOs, int frames) {
        if (frames < 0) {
            return Status.EINVAL;
        }
        int prev = memory.actAs(PhysicalMemory.KERNEL);
        try {
            Domain d = callable(Hook.LIBRARY_OS, libraryOs);
            if (d == null) {
                return Status.ENOENT;
            }
            header.tick();
            int id = d.id();
            int before = Math.max(0, segments.getInt(id, SegmentTable.FRAMES_AT));
            int wanted = Math.min(frames, before);
            LibraryOs os = (LibraryOs) extensions[Hook.LIBRARY_OS.ordinal()][id];
            Context ctx = d.context();
            call(Hook.LIBRARY_OS, d, () -> os.revoke(ctx, wanted));
            if (!aborted[id]) {
                int kept = segments.getInt(id, SegmentTable.FRAMES_AT);
                if (before - kept < wanted) {
                    abort(d, new Trap(Trap.Kind.REVOCATION_TIMEOUT, id, "Kernel.revoke",
                            "library OS " + d.name() + " released " + (before - kept) + " of " + wanted + " frames asked for"));
                }
            }
            int after = aborted[id] ? 0 : segments.getInt(id, SegmentTable.FRAMES_AT);
            return before - after;
        } finally {
            memory.actAs(prev);
        }
    }

    // ------------------------------------------------------------------ snapshots

    /**
     * A copy of the whole kernel state, memory and Java side. Taking one costs a copy of memory;
     * it also becomes the kernel's {@linkplain #base() base}: the write monitor and the disk track
     * changes from here on, so that restoring it costs O(pages touched).
     *
     * @throws KernelException {@code EBUSY} while a transaction is open
     */
    public Snapshot snapshot() {
        if (open != null) {
            throw new KernelException(Status.EBUSY, "snapshot: a transaction of " + open.domain() + " is open");
        }
        Snapshot s = new Snapshot(this);
        memory.resetMonitor();
        disk.resetTracking();
        base = s;
        return s;
    }

    /**
     * Returns the kernel to {@code snapshot}. If it is the base, only pages the monitor saw
     * touched and disk blocks written since are copied back; otherwise everything is. An open
     * transaction is dropped. Afterwards {@code snapshot} is the base.
     *
     * @throws KernelException {@code EINVAL} for a snapshot of another kernel
     */
    public void restore(Snapshot snapshot) {
        restore(snapshot, snapshot != base);
    }

    /**
     * Returns the kernel to {@code snapshot} by copying all of memory: needed after a write that
     * bypassed the monitor (the oracle reports one as {@code CORRUPTED_PAGE}).
     */
    public void restoreFully(Snapshot snapshot) {
        restore(snapshot, true);
    }

    private void restore(Snapshot s, boolean full) {
        if (s == null || s.kernel != this) {
            throw new KernelException(Status.EINVAL, "restore: snapshot is null or of another kernel");
        }
        if (full) {
            memory.restoreAll(s.image);
        } else {
            memory.restoreTouched(s.image);
        }
        disk.restore(s.disk, full);
        System.arraycopy(s.domains, 0, domains, 0, domains.length);
        System.arraycopy(s.aborted, 0, aborted, 0, aborted.length);
        for (int h = 0; h < HOOKS; h++) {
            System.arraycopy(s.extensions[h], 0, extensions[h], 0, domains.length);
            System.arraycopy(s.crossings[h], 0, crossings[h], 0, domains.length);
        }
        aborts.clear();
        aborts.addAll(s.aborts);
        failingHelper = null;
        if (open != null) {
            open.closed(0);
            open = null;
        }
        undo.clear();
        kernelMemory.record(null);
        defaultsOnly = false;
        memory.actAs(PhysicalMemory.KERNEL);
        base = s;
    }

    /** The snapshot the monitor tracks changes against (the last taken or restored), or null. */
    public Snapshot base() {
        return base;
    }

    /**
     * A saved kernel state. Opaque except for the checksums of its memory pages, computed once on
     * first use, which the oracle compares untouched pages with.
     */
    public static final class Snapshot {
        private final Kernel kernel;
        private final byte[] image;
        private final byte[][] disk;
        private final Domain[] domains;
        private final boolean[] aborted;
        private final Object[][] extensions;
        private final Crossing[][] crossings;
        private final List<Abort> aborts;
        private long[] pageChecksums;

        private Snapshot(Kernel k) {
            this.kernel = k;
            this.image = k.memory.snapshot();
            this.disk = k.disk.image();
            this.domains = k.domains.clone();
            this.aborted = k.aborted.clone();
            this.extensions = new Object[HOOKS][];
            this.crossings = new Crossing[HOOKS][];
            for (int h = 0; h < HOOKS; h++) {
                extensions[h] = k.extensions[h].clone();
                crossings[h] = k.crossings[h].clone();
            }
            this.aborts = List.copyOf(k.aborts);
        }

        /** The kernel this snapshot belongs to. */
        public Kernel kernel() {
            return kernel;
        }

        /**
         * Whether {@code length} bytes of {@code memory} from {@code address} equal the saved
         * memory at the same address, read without recording. A comparison of the bytes
         * themselves: cheaper than checksumming both sides, and blind to no collision.
         */
        public boolean matches(PhysicalMemory memory, long address, int length) {
            return memory.mismatch(address, image, Math.toIntExact(address), length) < 0;
        }

        /** Checksum of one page of the saved memory, {@link PhysicalMemory#pageChecksum} style. */
        public long pageChecksum(int page) {
            if (pageChecksums == null) {
                long[] sums = new long[image.length >>> PhysicalMemory.PAGE_SHIFT];
                for (int p = 0; p < sums.length; p++) {
                    sums[p] = PhysicalMemory.checksum(image, p << PhysicalMemory.PAGE_SHIFT, PhysicalMemory.PAGE_SIZE);
                }
                pageChecksums = sums;
            }
            return pageChecksums[page];
        }

        /** Domains that existed when the snapshot was taken. */
        public List<Domain> domains() {
            List<Domain> list = new ArrayList<>();
            for (Domain d : domains) {
                if (d != null) {
                    list.add(d);
                }
            }
            return list;
        }
    }

    // ------------------------------------------------------------------ where things are

    /**
     * Names what an address holds: a kernel {@link Region}'s name, {@code "SEGMENT 3 (name)"} for
     * a current domain's segment, {@code "BOUND FRAME of 3"} for a frame bound to domain 3,
     * {@code "DOMAIN_ARENA"} for free arena, or {@code "outside physical memory"}.
     */
    public String placeOf(long address) {
        Region r = layout.regionOf(address);
        if (r == null) {
            return "outside physical memory";
        }
        if (r != Region.DOMAIN_ARENA) {
            return r.name();
        }
        for (Domain d : domains) {
            if (d != null && d.segment().contains(address, 1)) {
                return segmentPlace(d);
            }
        }
        int frame = (int) (address >>> PhysicalMemory.PAGE_SHIFT);
        if (frames.use(frame) == FrameTable.BOUND) {
            return "BOUND FRAME of " + frames.owner(frame);
        }
        return Region.DOMAIN_ARENA.name();
    }

    /** The place name of a domain's segment, as {@link #placeOf} gives it. */
    public static String segmentPlace(Domain domain) {
        return "SEGMENT " + domain.id() + " (" + domain.name() + ")";
    }

    // ------------------------------------------------------------------ accessors

    public KernelConfig config() {
        return config;
    }

    public MemoryLayout layout() {
        return layout;
    }

    /** Physical memory, for the oracle and for tests. Extensions get a narrower view through their context. */
    public PhysicalMemory memory() {
        return memory;
    }

    /** Simulated time in ticks. */
    public long time() {
        return header.time();
    }

    public Header header() {
        return header;
    }

    public SegmentTable segmentTable() {
        return segments;
    }

    public FrameTable frameTable() {
        return frames;
    }

    public FrameAllocator frameAllocator() {
        return allocator;
    }

    public LockTable lockTable() {
        return locks;
    }

    public HookTable hookTable() {
        return hooks;
    }

    public HeapTable heapTable() {
        return heap;
    }

    public PacketRing rxRing() {
        return rx;
    }

    public PacketRing txRing() {
        return tx;
    }

    public PacketRing socketQueue() {
        return socket;
    }

    public BufferCache bufferCache() {
        return cache;
    }

    public KernelLog kernelLog() {
        return log;
    }

    public Disk disk() {
        return disk;
    }

    @Override
    public String toString() {
        return "kernel " + (config.memorySize() >> 20) + " MiB, domains " + Arrays.toString(domains().stream().mapToInt(Domain::id).toArray());
    }
}
