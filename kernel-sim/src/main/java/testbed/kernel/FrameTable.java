package testbed.kernel;

/**
 * The owner of every 4 KiB frame of physical memory, two bytes per frame: its use (free,
 * kernel, segment, bound, guard) and the domain id that owns it. Public methods read without being
 * recorded by the monitor (for the oracle); package-private ones are the kernel's own.
 */
public final class FrameTable {
    /** Free arena frame. */
    public static final int FREE = 0;
    /** Frame of a kernel region. */
    public static final int KERNEL = 1;
    /** Frame of a domain's segment. */
    public static final int SEGMENT = 2;
    /** Arena frame bound to a domain by {@code bindFrame} (an Exokernel secure binding). */
    public static final int BOUND = 3;
    /**
     * Frame of the guard zone right after a guarded domain's segment ({@link DomainSpec#withGuardZone()}):
     * reserved for the domain and freed with it; physical memory faults on any access to it.
     */
    public static final int GUARD = 4;

    private final PhysicalMemory memory;
    private final KernelMemory kernel;
    private final long base;
    private final int frames;
    /** As many zero bytes as the table has: what a free frame's entry is. */
    private final byte[] zeros;

    FrameTable(PhysicalMemory memory, KernelMemory kernel, MemoryLayout layout) {
        this.memory = memory;
        this.kernel = kernel;
        this.base = layout.base(Region.FRAME_TABLE);
        this.frames = layout.pages();
        this.zeros = new byte[frames * MemoryLayout.FRAME_ENTRY];
    }

    /** Address of the entry of {@code frame}. */
    public long entryAddress(int frame) {
        return base + (long) frame * MemoryLayout.FRAME_ENTRY;
    }

    /** Number of frames. */
    public int frames() {
        return frames;
    }

    void set(int frame, int use, int owner) {
        kernel.put16(entryAddress(frame), use | (owner << 8));
    }

    void setRange(int first, int count, int use, int owner) {
        for (int f = first; f < first + count; f++) {
            set(f, use, owner);
        }
    }

    /**
     * The first frame in {@code [from, to)} whose entry is not zero (not a free frame without
     * owner), or -1: one comparison of the table's bytes with zeros, read without being recorded,
     * instead of a read per entry. Most of the arena is free, so scans of it are mostly this.
     */
    public int nextInUse(int from, int to) {
        if (from < 0 || to > frames || from > to) {
            throw new IndexOutOfBoundsException("frames [" + from + ", " + to + ") of " + frames);
        }
        int at = memory.mismatch(entryAddress(from), zeros, 0, (to - from) * MemoryLayout.FRAME_ENTRY);
        return at < 0 ? -1 : from + at / MemoryLayout.FRAME_ENTRY;
    }

    int useOf(int frame) {
        return kernel.get16(entryAddress(frame)) & 0xFF;
    }

    int ownerOf(int frame) {
        return kernel.get16(entryAddress(frame)) >>> 8;
    }

    /** The raw entry of a frame: {@code use | owner << 8}. */
    public int entry(int frame) {
        return memory.peek16(entryAddress(frame)) & 0xFFFF;
    }

    /** The use of a frame: {@link #FREE}, {@link #KERNEL}, {@link #SEGMENT}, {@link #BOUND} or {@link #GUARD} (anything else is corrupt). */
    public int use(int frame) {
        return memory.peek16(entryAddress(frame)) & 0xFF;
    }

    /** The owning domain id of a frame. */
    public int owner(int frame) {
        return (memory.peek16(entryAddress(frame)) >>> 8) & 0xFF;
    }

    /** A readable name for a use value. */
    public static String useName(int use) {
        return switch (use) {
            case FREE -> "free";
            case KERNEL -> "kernel";
            case SEGMENT -> "segment";
            case BOUND -> "bound";
            case GUARD -> "guard";
            default -> "use " + use;
        };
    }
}
