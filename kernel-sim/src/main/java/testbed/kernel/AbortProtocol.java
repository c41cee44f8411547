package testbed.kernel;

import java.util.ArrayList;
import java.util.List;
import testbed.kernel.api.Status;

/**
 * The abort protocol (Exokernel's, VINO's graft abort): the kernel rolls back the stopped
 * domain's open transaction, takes back its locks, bound frames and heap blocks, detaches it
 * from every hook and records why. Destroying a domain takes back the same and then its segment.
 * Runs as the kernel, unrecorded.
 */
final class AbortProtocol {
    private final KernelStructures s;
    private final Domains domains;
    private final Transactions transactions;
    private final HookCalls calls;
    private final List<Abort> aborts = new ArrayList<>();

    AbortProtocol(KernelStructures s, Domains domains, Transactions transactions, HookCalls calls) {
        this.s = s;
        this.domains = domains;
        this.transactions = transactions;
        this.calls = calls;
    }

    /** See {@link Kernel#abort}. */
    void abort(Domain domain, Trap trap) {
        domains.requireCurrent("abort", domain);
        if (trap == null) {
            throw new KernelException(Status.EINVAL, "abort: trap is null");
        }
        if (domain.id() == Kernel.CANARY_ID) {
            throw new KernelException(Status.EPERM, "abort: the canary domain is trusted and cannot be aborted");
        }
        if (domains.isAborted(domain.id())) {
            return;
        }
        int prev = s.memory.actAs(PhysicalMemory.KERNEL);
        s.kernelMemory.record(null);
        try {
            transactions.rollBackFor(domain);
            release(domain);
            s.segments.setState(domain.id(), SegmentTable.ABORTED);
            domains.markAborted(domain.id());
            aborts.add(new Abort(domain.id(), domain.name(), trap.inDomain(domain.id()), s.header.now()));
        } finally {
            s.memory.actAs(prev);
        }
    }

    /** See {@link Kernel#destroyDomain}. */
    void destroy(Domain domain) {
        domains.requireCurrent("destroyDomain", domain);
        if (domain.id() == Kernel.CANARY_ID) {
            throw new KernelException(Status.EPERM, "destroyDomain: the canary domain stays for the kernel's lifetime");
        }
        int prev = s.memory.actAs(PhysicalMemory.KERNEL);
        s.kernelMemory.record(null);
        try {
            transactions.rollBackFor(domain);
            release(domain);
            int first = (int) (domain.segment().base() >>> PhysicalMemory.PAGE_SHIFT);
            int order = FrameAllocator.orderOf(domain.segment().size()) + (domain.spec().guarded() ? 1 : 0);
            s.memory.guard(first, 1 << order, false);
            s.frames.setRange(first, 1 << order, FrameTable.FREE, 0);
            s.allocator.free(first, order);
            s.segments.clear(domain.id());
            domains.remove(domain.id());
        } finally {
            s.memory.actAs(prev);
        }
    }

    /** Releases everything a domain holds except its segment. */
    private void release(Domain domain) {
        int id = domain.id();
        for (int l = 0; l < s.locks.count(); l++) {
            if (s.locks.holderOf(l) == id) {
                s.locks.release(l);
            }
        }
        s.segments.putInt(id, SegmentTable.LOCKS_AT, 0);
        // Scans the frame table rather than trusting the bound-frame counter, skipping free runs.
        int bound = FrameTable.BOUND | id << 8;
        int pages = s.layout.pages();
        for (int f = s.frames.nextInUse(s.layout.arenaFirstFrame(), pages); f >= 0;
                f = f + 1 < pages ? s.frames.nextInUse(f + 1, pages) : -1) {
            if (s.frames.entry(f) == bound) {
                s.frames.set(f, FrameTable.FREE, 0);
                s.allocator.free(f, 0);
            }
        }
        s.segments.putInt(id, SegmentTable.FRAMES_AT, 0);
        s.heap.clear(id);
        calls.detachAll(id);
    }

    /** Every abort recorded, oldest first. */
    List<Abort> aborts() {
        return List.copyOf(aborts);
    }

    /** Puts back the record a snapshot kept. */
    void restore(List<Abort> saved) {
        aborts.clear();
        aborts.addAll(saved);
    }
}
