package testbed.kernel;

import testbed.kernel.api.BootHeader;

/**
 * The kernel header page. It starts with the memory map the kernel publishes at physical address
 * 0 ({@link BootHeader}: magic, region count, base and size of each published region); the
 * kernel's own fields follow at {@link #FIELDS}: memory size, simulated time, the buffer cache's
 * use clock and the arena base. Public methods read without being recorded by the monitor (for
 * the oracle); package-private ones are the kernel's own, monitored accesses.
 */
public final class Header {
    /** The boot map's magic, {@link BootHeader#MAGIC}. */
    public static final long MAGIC = BootHeader.MAGIC;
    /** Offset of the kernel's own fields, past the boot map. */
    public static final int FIELDS = 256;
    static final int MAGIC_AT = 0;
    static final int SIZE_AT = FIELDS;
    static final int TIME_AT = FIELDS + 8;
    static final int CLOCK_AT = FIELDS + 16;
    static final int ARENA_AT = FIELDS + 24;
    /** The regions the boot map publishes, in {@link BootHeader}'s index order. */
    private static final Region[] PUBLISHED = new Region[BootHeader.REGION_COUNT];

    static {
        PUBLISHED[BootHeader.HEADER] = Region.HEADER;
        PUBLISHED[BootHeader.FRAME_TABLE] = Region.FRAME_TABLE;
        PUBLISHED[BootHeader.SEGMENT_TABLE] = Region.SEGMENT_TABLE;
        PUBLISHED[BootHeader.LOCK_TABLE] = Region.LOCK_TABLE;
        PUBLISHED[BootHeader.HOOK_TABLE] = Region.HOOK_TABLE;
        PUBLISHED[BootHeader.RX_RING] = Region.RX_RING;
        PUBLISHED[BootHeader.TX_RING] = Region.TX_RING;
        PUBLISHED[BootHeader.BUFFER_CACHE] = Region.BUFFER_CACHE;
        PUBLISHED[BootHeader.KERNEL_LOG] = Region.KERNEL_LOG;
        PUBLISHED[BootHeader.DOMAIN_ARENA] = Region.DOMAIN_ARENA;
    }

    private final PhysicalMemory memory;
    private final KernelMemory kernel;
    private final long base;

    Header(PhysicalMemory memory, KernelMemory kernel, MemoryLayout layout) {
        this.memory = memory;
        this.kernel = kernel;
        this.base = layout.base(Region.HEADER);
    }

    void format(MemoryLayout layout) {
        kernel.put64(base + MAGIC_AT, MAGIC);
        kernel.put64(base + BootHeader.REGION_COUNT_OFFSET, BootHeader.REGION_COUNT);
        for (int i = 0; i < PUBLISHED.length; i++) {
            kernel.put64(base + BootHeader.baseOf(i), layout.base(PUBLISHED[i]));
            kernel.put64(base + BootHeader.sizeOf(i), layout.size(PUBLISHED[i]));
        }
        kernel.put64(base + SIZE_AT, layout.config().memorySize());
        kernel.put64(base + ARENA_AT, layout.base(Region.DOMAIN_ARENA));
    }

    /** Advances simulated time by one tick. */
    long tick() {
        long t = kernel.get64(base + TIME_AT) + 1;
        kernel.put64(base + TIME_AT, t);
        return t;
    }

    long now() {
        return kernel.get64(base + TIME_AT);
    }

    /** The next value of the cache's use clock: a total order of block uses. */
    long nextUse() {
        long c = kernel.get64(base + CLOCK_AT) + 1;
        kernel.put64(base + CLOCK_AT, c);
        return c;
    }

    /** The region published at boot-map index {@code index} ({@link BootHeader}'s constants). */
    public static Region published(int index) {
        return PUBLISHED[index];
    }

    /** The region count the boot map records. */
    public long publishedCount() {
        return memory.peek64(base + BootHeader.REGION_COUNT_OFFSET);
    }

    /** The base the boot map records for index {@code index}. */
    public long publishedBase(int index) {
        return memory.peek64(base + BootHeader.baseOf(index));
    }

    /** The size the boot map records for index {@code index}. */
    public long publishedSize(int index) {
        return memory.peek64(base + BootHeader.sizeOf(index));
    }

    public long magic() {
        return memory.peek64(base + MAGIC_AT);
    }

    public long memorySize() {
        return memory.peek64(base + SIZE_AT);
    }

    public long time() {
        return memory.peek64(base + TIME_AT);
    }

    public long cacheClock() {
        return memory.peek64(base + CLOCK_AT);
    }

    public long arenaBase() {
        return memory.peek64(base + ARENA_AT);
    }
}
