package testbed.kernel;

/**
 * One record per domain id in simulated memory: state, segment, capability word, quotas and
 * current usage. The helpers read capabilities and quotas from here, so this record, not the
 * Java {@link Domain}, decides what a domain may do. Public methods read without being
 * recorded by the monitor (for the oracle); package-private ones are the kernel's own.
 */
public final class SegmentTable {
    /** No domain has this id. */
    public static final int FREE = 0;
    /** The domain runs. */
    public static final int LIVE = 1;
    /** The domain was aborted; it keeps its segment until destroyed. */
    public static final int ABORTED = 2;

    static final int STATE_AT = 0;
    static final int CAPS_AT = 4;
    static final int BASE_AT = 8;
    static final int SIZE_AT = 16;
    static final int FRAME_QUOTA_AT = 24;
    static final int FRAMES_AT = 28;
    static final int HEAP_QUOTA_AT = 32;
    static final int HEAP_USED_AT = 40;
    static final int LOCK_QUOTA_AT = 48;
    static final int LOCKS_AT = 52;
    static final int HEAP_BLOCKS_AT = 56;

    private final PhysicalMemory memory;
    private final KernelMemory kernel;
    private final long base;

    SegmentTable(PhysicalMemory memory, KernelMemory kernel, MemoryLayout layout) {
        this.memory = memory;
        this.kernel = kernel;
        this.base = layout.base(Region.SEGMENT_TABLE);
    }

    /** Address of the record of domain {@code id}. */
    public long recordAddress(int id) {
        return base + (long) id * MemoryLayout.SEGMENT_RECORD;
    }

    void create(int id, Segment segment, DomainSpec spec) {
        long r = recordAddress(id);
        kernel.put32(r + STATE_AT, LIVE);
        kernel.put32(r + CAPS_AT, Capability.bits(spec.capabilities()));
        kernel.put64(r + BASE_AT, segment.base());
        kernel.put64(r + SIZE_AT, segment.size());
        kernel.put32(r + FRAME_QUOTA_AT, spec.frameQuota());
        kernel.put32(r + FRAMES_AT, 0);
        kernel.put64(r + HEAP_QUOTA_AT, spec.heapQuota());
        kernel.put64(r + HEAP_USED_AT, 0);
        kernel.put32(r + LOCK_QUOTA_AT, spec.lockQuota());
        kernel.put32(r + LOCKS_AT, 0);
        kernel.put32(r + HEAP_BLOCKS_AT, 0);
    }

    void clear(int id) {
        long r = recordAddress(id);
        for (int off = 0; off < MemoryLayout.SEGMENT_RECORD; off += 8) {
            kernel.put64(r + off, 0);
        }
    }

    void setState(int id, int state) {
        kernel.put32(recordAddress(id) + STATE_AT, state);
    }

    /** Whether the in-memory record grants {@code capability} to a live domain. */
    boolean grants(int id, Capability capability) {
        long r = recordAddress(id);
        return kernel.get32(r + STATE_AT) == LIVE && (kernel.get32(r + CAPS_AT) & capability.bit()) != 0;
    }

    int getInt(int id, int field) {
        return kernel.get32(recordAddress(id) + field);
    }

    long getLong(int id, int field) {
        return kernel.get64(recordAddress(id) + field);
    }

    void putInt(int id, int field, int value) {
        kernel.put32(recordAddress(id) + field, value);
    }

    void putLong(int id, int field, long value) {
        kernel.put64(recordAddress(id) + field, value);
    }

    public int state(int id) {
        return memory.peek32(recordAddress(id) + STATE_AT);
    }

    /** The capability word ({@link Capability#bit()} per capability). */
    public int capabilities(int id) {
        return memory.peek32(recordAddress(id) + CAPS_AT);
    }

    public long segmentBase(int id) {
        return memory.peek64(recordAddress(id) + BASE_AT);
    }

    public long segmentSize(int id) {
        return memory.peek64(recordAddress(id) + SIZE_AT);
    }

    public int frameQuota(int id) {
        return memory.peek32(recordAddress(id) + FRAME_QUOTA_AT);
    }

    /** Frames bound to the domain, by the kernel's count. */
    public int framesBound(int id) {
        return memory.peek32(recordAddress(id) + FRAMES_AT);
    }

    public long heapQuota(int id) {
        return memory.peek64(recordAddress(id) + HEAP_QUOTA_AT);
    }

    public long heapUsed(int id) {
        return memory.peek64(recordAddress(id) + HEAP_USED_AT);
    }

    public int lockQuota(int id) {
        return memory.peek32(recordAddress(id) + LOCK_QUOTA_AT);
    }

    public int locksHeld(int id) {
        return memory.peek32(recordAddress(id) + LOCKS_AT);
    }

    public int heapBlocks(int id) {
        return memory.peek32(recordAddress(id) + HEAP_BLOCKS_AT);
    }
}
