package testbed.kernel;

/**
 * Kernel locks in simulated memory: per lock, the id of the domain holding it (0 when free)
 * and the time it was taken. Public methods read without being recorded by the monitor (for
 * the oracle); package-private ones are the kernel's own.
 */
public final class LockTable {
    static final int OWNER_AT = 0;
    static final int TAKEN_AT = 8;

    private final PhysicalMemory memory;
    private final KernelMemory kernel;
    private final long base;
    private final int locks;

    LockTable(PhysicalMemory memory, KernelMemory kernel, MemoryLayout layout) {
        this.memory = memory;
        this.kernel = kernel;
        this.base = layout.base(Region.LOCK_TABLE);
        this.locks = layout.config().locks();
    }

    /** Number of locks. */
    public int count() {
        return locks;
    }

    /** Address of the record of {@code lock}. */
    public long recordAddress(int lock) {
        return base + (long) lock * MemoryLayout.LOCK_RECORD;
    }

    int holderOf(int lock) {
        return kernel.get32(recordAddress(lock) + OWNER_AT);
    }

    void take(int lock, int domain, long time) {
        kernel.put32(recordAddress(lock) + OWNER_AT, domain);
        kernel.put64(recordAddress(lock) + TAKEN_AT, time);
    }

    void release(int lock) {
        kernel.put32(recordAddress(lock) + OWNER_AT, 0);
        kernel.put64(recordAddress(lock) + TAKEN_AT, 0);
    }

    /** The domain holding {@code lock}, 0 if free. */
    public int owner(int lock) {
        return memory.peek32(recordAddress(lock) + OWNER_AT);
    }

    /** When {@code lock} was taken. */
    public long takenAt(int lock) {
        return memory.peek64(recordAddress(lock) + TAKEN_AT);
    }
}
