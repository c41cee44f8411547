package testbed.kernel;

/**
 * The kernel log: a circular array of fixed-size entries in simulated memory, the newest
 * overwriting the oldest, as {@code dmesg} does. Entry {@code n} (a monotonic number) lives at
 * index {@code n % entries}. Public methods read without being recorded by the monitor.
 */
public final class KernelLog {
    /** Longest message one entry holds. */
    public static final int MAX_MESSAGE = MemoryLayout.LOG_ENTRY - 16;

    static final int NEXT_AT = 0;
    static final int ENTRIES_AT = 8;
    static final int DOMAIN_AT = 0;
    static final int LENGTH_AT = 4;
    static final int TIME_AT = 8;
    static final int DATA_AT = 16;

    private final PhysicalMemory memory;
    private final KernelMemory kernel;
    private final long base;
    private final int entries;

    KernelLog(PhysicalMemory memory, KernelMemory kernel, MemoryLayout layout) {
        this.memory = memory;
        this.kernel = kernel;
        this.base = layout.base(Region.KERNEL_LOG);
        this.entries = layout.config().logEntries();
    }

    void format() {
        kernel.put32(base + ENTRIES_AT, entries);
    }

    /** Address of the entry that message {@code n} lives in. */
    public long entryAddress(long n) {
        return base + MemoryLayout.LOG_HEADER + Math.floorMod(n, (long) entries) * MemoryLayout.LOG_ENTRY;
    }

    /** Appends {@code length} bytes copied from simulated memory; false if the header is corrupt. */
    boolean append(int domain, long address, int length, long time) {
        long n = kernel.get64(base + NEXT_AT);
        if (n < 0) {
            return false;
        }
        long e = entryAddress(n);
        kernel.put32(e + DOMAIN_AT, domain);
        kernel.put32(e + LENGTH_AT, length);
        kernel.put64(e + TIME_AT, time);
        kernel.memory.copy(e + DATA_AT, address, length);
        kernel.put64(base + NEXT_AT, n + 1);
        return true;
    }

    /** Number of messages ever appended. */
    public long next() {
        return memory.peek64(base + NEXT_AT);
    }

    /** Entry count as recorded in the header. */
    public int recordedEntries() {
        return memory.peek32(base + ENTRIES_AT);
    }

    public int entries() {
        return entries;
    }

    /** Domain that wrote message {@code n}. */
    public int domain(long n) {
        return memory.peek32(entryAddress(n) + DOMAIN_AT);
    }

    /** Recorded length of message {@code n}. */
    public int length(long n) {
        return memory.peek32(entryAddress(n) + LENGTH_AT);
    }

    /** The bytes of message {@code n}, read unmonitored. */
    public byte[] message(long n) {
        int len = Math.max(0, Math.min(MAX_MESSAGE, length(n)));
        byte[] out = new byte[len];
        memory.peek(entryAddress(n) + DATA_AT, out, 0, len);
        return out;
    }
}
