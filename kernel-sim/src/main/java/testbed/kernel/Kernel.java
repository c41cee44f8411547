package testbed.kernel;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import testbed.kernel.api.Event;
import testbed.kernel.api.Hook;
import testbed.kernel.api.Memory;
import testbed.kernel.api.Status;

/**
 * The simulated kernel. Its state lives in {@link PhysicalMemory}, in the structures that
 * {@link KernelStructures} lays out: segment, frame, lock and hook tables, the buddy map, the
 * packet rings, the buffer cache and the log. An unprotected extension's wild store therefore
 * corrupts the kernel for real. On the Java side the kernel keeps only what cannot live in
 * simulated memory: the extension objects and crossings attached to hooks, the {@link Domain}
 * objects, the disk and the record of aborts.
 *
 * <p>This class boots the kernel and is its front: domains, transactions, the abort protocol,
 * snapshots, and the workloads of the NIC ({@link #receive}), the file cache ({@link #read},
 * {@link #write}, evicting inside them), the event dispatcher ({@link #dispatch}) and the
 * library-OS host ({@link #startLibraryOs}, {@link #revoke}). Each workload drives one
 * {@link Hook} through one call mechanism and falls back to a default policy when nothing is
 * attached, when the domain is aborted (a {@link Trap} out of its {@link Crossing}) or when its
 * answer is bad. Kernel code runs as {@link PhysicalMemory#KERNEL} and every call into a domain
 * as that domain, whatever the crossing does.
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

    private final KernelStructures s;
    private final PhysicalMemory memory;
    private final Memory extensionMemory;
    private final KernelView view;

    // The parts with Java-side state, which every snapshot saves: domains, hook tables, aborts.
    private final Domains domains;
    private final HookCalls calls;
    private final AbortProtocol abortProtocol;
    private final Transactions transactions;

    private final Nic nic;
    private final FileCache files;
    private final Dispatcher dispatcher;
    private final LibraryOsHost libraryOses;
    private final HelperFaults helperFaults = new HelperFaults();

    private Snapshot base;

    private Kernel(KernelConfig config) {
        this.s = new KernelStructures(config);
        this.memory = s.memory;
        this.extensionMemory = new ExtensionMemory(memory);
        this.view = new KernelView(s);
        this.domains = new Domains(this, s);
        this.calls = new HookCalls(this, s, domains);
        this.transactions = new Transactions(s, domains);
        this.abortProtocol = new AbortProtocol(s, domains, transactions, calls);
        this.nic = new Nic(s, calls);
        this.files = new FileCache(s, calls);
        this.dispatcher = new Dispatcher(s, calls);
        this.libraryOses = new LibraryOsHost(this, s, domains, calls);
    }

    /** Boots a kernel with the default configuration (16 MiB). */
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
        KernelConfig config = s.config;
        s.format();
        Domain canary = domains.create(CANARY_ID, "canary", Canary.spec());
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
        return domains.create(name, spec);
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
        abortProtocol.destroy(domain);
    }

    /** The current domain with {@code id} (live or aborted), or {@code null}. */
    public Domain domain(int id) {
        return domains.get(id);
    }

    /** Current domains, canary first, in id order. */
    public List<Domain> domains() {
        return domains.list();
    }

    /** The canary domain. */
    public Domain canary() {
        return domains.get(CANARY_ID);
    }

    /** Whether the domain was aborted (and not destroyed since). */
    public boolean isAborted(Domain domain) {
        return domain != null && domains.isCurrent(domain) && domains.isAborted(domain.id());
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
        return s.segments.locksHeld(domain.id());
    }

    /** Whether {@code domain} is current in this kernel and not aborted. */
    public boolean isLive(Domain domain) {
        return domain != null && domain.kernel() == this && domains.isCurrent(domain) && !domains.isAborted(domain.id());
    }

    // ------------------------------------------------------------------ hooks

    /**
     * Attaches an extension running in {@code domain} to the hook its class implements, entered
     * through {@code crossing}. The hook table in memory records the attachment; extensions are
     * called in attach order.
     *
     * @return {@link Status#OK}; {@link Status#EPERM} if the domain is aborted or its record does
     *     not grant the hook's capability; {@link Status#EBUSY} if it is already attached there;
     *     {@link Status#ENOMEM} if the hook has {@link KernelView#HOOK_SLOTS} domains already
     * @throws KernelException {@code EINVAL} if the extension implements no hook interface or
     *     several, or the crossing is null; {@code ENOENT} for a domain not of this kernel
     */
    public int attach(Domain domain, Object extension, Crossing crossing) {
        domains.requireCurrent("attach", domain);
        return calls.attach(domain, extension, crossing);
    }

    /**
     * Detaches a domain from a hook.
     *
     * @return {@link Status#OK}, {@link Status#ENOENT} if it was not attached there,
     *     {@link Status#EPERM} for the canary, which stays attached for the kernel's lifetime
     */
    public int detach(Domain domain, Hook hook) {
        domains.requireCurrent("detach", domain);
        return calls.detach(domain, hook);
    }

    /** Whether the kernel holds an extension of {@code domainId} for {@code hook} (its Java side; the hook table may disagree). */
    public boolean isAttached(int domainId, Hook hook) {
        return calls.isAttached(domainId, hook);
    }

    /**
     * Runs {@code work} with every extension except the canary bypassed, so that each hook uses
     * its default policy. The oracle's liveness probe uses it: it must exercise the kernel
     * without running untrusted code again.
     */
    public <T> T underDefaultPolicies(Supplier<T> work) {
        return calls.underDefaultPolicies(work);
    }

    /**
     * Makes helper {@code helper} (a {@link testbed.kernel.api.Context} method name) fail once:
     * its {@code nthCall}-th call from now on returns {@code status} without doing anything, as
     * the kernel would when out of memory or busy. For fault injection; {@link #restore} clears it.
     *
     * @throws IllegalArgumentException for a non-negative status or a call number below 1
     */
    public void failHelper(String helper, int nthCall, int status) {
        helperFaults.arm(helper, nthCall, status);
    }

    /** The status an armed failure forces on this call of {@code helper}, or 0 to run it normally. */
    int injectedFailure(String helper) {
        return helperFaults.injected(helper);
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
        return transactions.begin(domain);
    }

    /** The open transaction, or null. */
    public Transaction transaction() {
        return transactions.open();
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
        abortProtocol.abort(domain, trap);
    }

    /** Every abort since boot (or since the restored snapshot), oldest first. */
    public List<Abort> aborts() {
        return abortProtocol.aborts();
    }

    // ------------------------------------------------------------------ helpers' entry

    Transactions transactions() {
        return transactions;
    }

    Memory extensionMemory() {
        return extensionMemory;
    }

    // ------------------------------------------------------------------ workloads

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
        return nic.receive(packet);
    }

    /**
     * The application reads the oldest delivered packet from the socket queue.
     *
     * @return its length (bytes beyond {@code target.length} are cut), {@link Status#ENOENT} if
     *     the queue is empty, {@link Status#EINVAL} for a null target
     */
    public int recv(byte[] target) {
        return nic.recv(target);
    }

    /**
     * The NIC sends the oldest packet of the transmit ring (queued by {@code sendPacket}).
     *
     * @return its length, {@link Status#ENOENT} if none is queued, {@link Status#EINVAL} for a null target
     */
    public int transmit(byte[] target) {
        return nic.transmit(target);
    }

    /**
     * ExtOS {@code read()}: copies {@code length} bytes of file {@code fileId} from
     * {@code offset} into {@code target}, block by block through the buffer cache. With a filter
     * domain attached to {@link Hook#READ_FILTER}, each block's bytes are first copied into the
     * filter's window and only the prefix it keeps reaches {@code target}; a bad answer, an abort
     * or a filter that is not attached means unfiltered bytes (the default policy). A cache miss
     * asks the first attached {@link Hook#EVICTION_POLICY} for a victim among up to
     * {@link #MAX_CANDIDATES} records in its window, oldest first; LRU by default.
     *
     * @return bytes placed in {@code target} (fewer at end of file or when filtered),
     *     {@link Status#ENOENT} for an unknown file, {@link Status#EINVAL} for a negative offset or
     *     length, a null target or one shorter than {@code length}
     */
    public int read(int fileId, long offset, byte[] target, int length, Domain filterOrNull) {
        return files.read(fileId, offset, target, length, filterOrNull);
    }

    /**
     * Writes {@code length} bytes into file {@code fileId} at {@code offset} through the buffer
     * cache; the blocks stay dirty in memory until evicted.
     *
     * @return bytes written (fewer at end of file), {@link Status#ENOENT} for an unknown file,
     *     {@link Status#EINVAL} for a negative offset or length, a null source or one shorter than {@code length}
     */
    public int write(int fileId, long offset, byte[] source, int length) {
        return files.write(fileId, offset, source, length);
    }

    /** The key of a block in eviction candidate records: {@code file << 32 | block}. */
    public static long blockKey(int file, int block) {
        return ((long) file << 32) | (block & 0xFFFFFFFFL);
    }

    /**
     * The SPIN dispatcher raises an event: every attached handler whose guard accepts it runs,
     * and the last non-negative result is the event's result. With no handler accepting (or all
     * aborted or answering badly) the kernel's default implementation answers: the length for
     * {@link Event#PACKET_ARRIVED}, the time for {@link Event#TIMER}, 0 for
     * {@link Event#PAGE_FAULT} inside memory, {@link Status#EINVAL} for an event it does not know.
     */
    public long dispatch(int event, long argument) {
        return dispatcher.dispatch(event, argument);
    }

    /**
     * Starts a library OS attached to {@link Hook#LIBRARY_OS}: calls its {@code start}, where it
     * typically binds frames.
     *
     * @return frames bound to it afterwards (0 if it was aborted), {@link Status#ENOENT} if the
     *     domain is not attached as a library OS
     */
    public int startLibraryOs(Domain libraryOs) {
        return libraryOses.start(libraryOs);
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
        return libraryOses.revoke(libraryOs, frames);
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
        Transaction open = transactions.open();
        if (open != null) {
            throw new KernelException(Status.EBUSY, "snapshot: a transaction of " + open.domain() + " is open");
        }
        Snapshot snapshot = new Snapshot(this, memory.snapshot(), memory.guardImage(), s.disk.image(), domains.save(), calls.save(), abortProtocol.aborts());
        memory.resetMonitor();
        s.disk.resetTracking();
        base = snapshot;
        return snapshot;
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

    private void restore(Snapshot snapshot, boolean full) {
        if (snapshot == null || snapshot.kernel() != this) {
            throw new KernelException(Status.EINVAL, "restore: snapshot is null or of another kernel");
        }
        if (full) {
            memory.restoreAll(snapshot.image, snapshot.zeroPages());
        } else {
            memory.restoreTouched(snapshot.image);
        }
        memory.restoreGuards(snapshot.guards);
        s.disk.restore(snapshot.disk, full);
        domains.restore(snapshot.domains);
        calls.restore(snapshot.hooks);
        abortProtocol.restore(snapshot.aborts);
        helperFaults.disarm();
        transactions.drop();
        memory.actAs(PhysicalMemory.KERNEL);
        base = snapshot;
    }

    /** The snapshot the monitor tracks changes against (the last taken or restored), or null. */
    public Snapshot base() {
        return base;
    }

    // ------------------------------------------------------------------ where things are

    /**
     * Names what an address holds: a kernel {@link Region}'s name, {@code "SEGMENT 3 (name)"} for
     * a current domain's segment, {@code "BOUND FRAME of 3"} for a frame bound to domain 3,
     * {@code "GUARD ZONE of 3"} for a page of the guard zone after domain 3's segment,
     * {@code "DOMAIN_ARENA"} for free arena, or {@code "outside physical memory"}.
     */
    public String placeOf(long address) {
        return domains.placeOf(address);
    }

    /** The place name of a domain's segment, as {@link #placeOf} gives it. */
    public static String segmentPlace(Domain domain) {
        return "SEGMENT " + domain.id() + " (" + domain.name() + ")";
    }

    // ------------------------------------------------------------------ accessors

    /** The configuration the kernel was booted with. */
    public KernelConfig config() {
        return s.config;
    }

    /** Where each region of the kernel's memory lies. */
    public MemoryLayout layout() {
        return s.layout;
    }

    /** Physical memory, for the oracle and for tests. Extensions get a narrower view through their context. */
    public PhysicalMemory memory() {
        return memory;
    }

    /** Simulated time in ticks. */
    public long time() {
        return s.header.time();
    }

    /** The counters and records other modules may read of the kernel's state. */
    public KernelView view() {
        return view;
    }

    /** The kernel's structures, for the oracle's checks; other modules read {@link #view()}. */
    public KernelStructures structures() {
        return s;
    }

    @Override
    public String toString() {
        return "kernel " + (s.config.memorySize() >> 20) + " MiB, domains " + Arrays.toString(domains().stream().mapToInt(Domain::id).toArray());
    }
}
