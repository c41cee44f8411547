package testbed.kernel;

import testbed.kernel.api.Hook;

/**
 * What the rest of the testbed reads of a kernel's own state, besides its workloads and its
 * memory: the counters and records that show whether a trial or a benchmark round changed
 * kernel bookkeeping. Read-only, and read without being recorded by the write monitor. The
 * tables themselves ({@link KernelStructures}) are the oracle's.
 */
public final class KernelView {
    /** Most domains attached to one hook; the canary holds one slot of {@link Hook#EVENT_HANDLER}. */
    public static final int HOOK_SLOTS = HookTable.SLOTS;

    private final KernelStructures s;

    KernelView(KernelStructures s) {
        this.s = s;
    }

    /** Answers of the extensions at {@code hook} that the kernel could not use, since boot. */
    public long badAnswers(Hook hook) {
        return s.hooks.badAnswers(hook);
    }

    /** Messages ever appended to the kernel log; message {@code n} is numbered from 0. */
    public long messagesLogged() {
        return s.log.next();
    }

    /** The domain that wrote log message {@code n}. */
    public int logWriter(long n) {
        return s.log.domain(n);
    }

    /** The bytes of log message {@code n}. */
    public byte[] logMessage(long n) {
        return s.log.message(n);
    }

    /** Heap bytes domain {@code id} has allocated, as its segment-table record says. */
    public long heapUsed(int id) {
        return s.segments.heapUsed(id);
    }

    /** The domain holding kernel lock {@code lock}, 0 if free. */
    public int lockHolder(int lock) {
        return s.locks.owner(lock);
    }

    /** The transmit ring's indices and counters. */
    public Ring transmitRing() {
        return new Ring(s.tx.head(), s.tx.tail(), s.tx.accepted(), s.tx.dropped());
    }

    /**
     * A packet ring's state as its header records it.
     *
     * @param head sequence number of the oldest queued packet
     * @param tail sequence number the next packet gets
     * @param accepted packets ever queued
     * @param dropped packets refused because the ring was full
     */
    public record Ring(long head, long tail, long accepted, long dropped) {
    }
}
