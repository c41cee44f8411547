package testbed.kernel;

/**
 * The owner of every 4 KiB frame of physical memory, two bytes per frame: its use (free,
 * kernel, segment, bound) and the domain id that owns it. Public methods read without being
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

    private final PhysicalMemory memory;
    private final KernelMemory kernel;
    private final long base;
    private final int frames;

    FrameTable(PhysicalMemory memory, KernelMemory kernel, MemoryLayout layout) {
        this.memory = memory;
        this.kernel = kernel;
        this.base = layout.base(Region.FRAME_TABLE);
        this.frames = layout.pages();
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

    /** Four entries, of frames {@code frame..frame+3} ({@code frame} a multiple of 4), in one kernel read. */
    long quad(int frame) {
        return kernel.get64(entryAddress(frame));
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

    /** Four raw entries, of frames {@code frame..frame+3} ({@code frame} a multiple of 4), in one read. */
    public long entries4(int frame) {
        return memory.peek64(entryAddress(frame));
    }

    /** The use of a frame: {@link #FREE}, {@link #KERNEL}, {@link #SEGMENT} or {@link #BOUND} (anything else is corrupt). */
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
            default -> "use " + use;
        };
    }
}
