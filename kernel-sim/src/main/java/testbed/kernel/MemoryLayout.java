package testbed.kernel;

import java.util.EnumMap;
import java.util.Map;
import testbed.kernel.api.Hook;

/**
 * Where each {@link Region} lies in physical memory for one {@link KernelConfig}. Regions are
 * page-aligned and follow each other in {@link Region} order from address 0; the domain arena
 * takes what is left up to the end of memory.
 */
public final class MemoryLayout {
    /** Bytes of a segment-table record. */
    public static final int SEGMENT_RECORD = 64;
    /** Bytes of a frame-table entry. */
    public static final int FRAME_ENTRY = 2;
    /** Bytes of a lock-table record. */
    public static final int LOCK_RECORD = 16;
    /** Bytes of a hook-table record. */
    public static final int HOOK_RECORD = 128;
    /** Heap block records per domain. */
    public static final int HEAP_RECORDS = 32;
    /** Bytes of a heap block record. */
    public static final int HEAP_RECORD = 16;
    /** Bytes of a ring header (the slots follow it). */
    public static final int RING_HEADER = 64;
    /** Bytes of a ring slot: a 16-byte header and the packet. */
    public static final int RING_SLOT = 2048;
    /** Bytes of a buffer-cache block-map entry. */
    public static final int CACHE_ENTRY = 32;
    /** Bytes of a kernel-log header. */
    public static final int LOG_HEADER = 64;
    /** Bytes of a kernel-log entry: a 16-byte header and the message. */
    public static final int LOG_ENTRY = 256;
    /** Number of domain ids, {@code 0..63}. */
    public static final int DOMAIN_IDS = PhysicalMemory.MAX_DOMAIN_ID + 1;

    private final KernelConfig config;
    private final Map<Region, long[]> placement = new EnumMap<>(Region.class);
    private final int pages;
    private final int maxOrder;
    private final long[] buddyOffsets;
    private final int[] buddyWords;
    private final long cacheData;

    public MemoryLayout(KernelConfig config) {
        this.config = config;
        this.pages = (int) (config.memorySize() >>> PhysicalMemory.PAGE_SHIFT);
        this.maxOrder = Integer.numberOfTrailingZeros(pages);
        this.buddyOffsets = new long[maxOrder + 1];
        this.buddyWords = new int[maxOrder + 1];
        long buddyBytes = 0;
        for (int k = 0; k <= maxOrder; k++) {
            buddyOffsets[k] = buddyBytes;
            buddyWords[k] = Math.max(1, ((pages >>> k) + 63) / 64);
            buddyBytes += buddyWords[k] * 8L;
        }
        long cacheMap = pageAlign((long) config.cacheBlocks() * CACHE_ENTRY);
        long cursor = 0;
        cursor = place(Region.HEADER, cursor, PhysicalMemory.PAGE_SIZE);
        cursor = place(Region.SEGMENT_TABLE, cursor, (long) DOMAIN_IDS * SEGMENT_RECORD);
        cursor = place(Region.FRAME_TABLE, cursor, (long) pages * FRAME_ENTRY);
        cursor = place(Region.BUDDY_MAP, cursor, buddyBytes);
        cursor = place(Region.LOCK_TABLE, cursor, (long) config.locks() * LOCK_RECORD);
        cursor = place(Region.HOOK_TABLE, cursor, (long) Hook.values().length * HOOK_RECORD);
        cursor = place(Region.HEAP_TABLE, cursor, (long) DOMAIN_IDS * HEAP_RECORDS * HEAP_RECORD);
        cursor = place(Region.RX_RING, cursor, RING_HEADER + (long) config.rxSlots() * RING_SLOT);
        cursor = place(Region.TX_RING, cursor, RING_HEADER + (long) config.txSlots() * RING_SLOT);
        cursor = place(Region.SOCKET_QUEUE, cursor, RING_HEADER + (long) config.socketSlots() * RING_SLOT);
        long cacheBase = cursor;
        cursor = place(Region.BUFFER_CACHE, cursor, cacheMap + (long) config.cacheBlocks() * config.blockSize());
        this.cacheData = cacheBase + cacheMap;
        cursor = place(Region.KERNEL_LOG, cursor, LOG_HEADER + (long) config.logEntries() * LOG_ENTRY);
        long arena = config.memorySize() - cursor;
        if (arena < 16 * PhysicalMemory.PAGE_SIZE) {
            throw new IllegalArgumentException("kernel structures take " + cursor + " bytes of " + config.memorySize()
                    + ": less than 64 KiB is left for the domain arena; use more memory or smaller structures");
        }
        place(Region.DOMAIN_ARENA, cursor, arena);
    }

    private long place(Region region, long base, long size) {
        long aligned = pageAlign(size);
        placement.put(region, new long[] {base, aligned});
        return base + aligned;
    }

    private static long pageAlign(long bytes) {
        return (bytes + PhysicalMemory.PAGE_SIZE - 1) & -PhysicalMemory.PAGE_SIZE;
    }

    public KernelConfig config() {
        return config;
    }

    /** First address of a region. */
    public long base(Region region) {
        return placement.get(region)[0];
    }

    /** Size of a region in bytes, a whole number of pages. */
    public long size(Region region) {
        return placement.get(region)[1];
    }

    /** Exclusive end address of a region. */
    public long end(Region region) {
        return base(region) + size(region);
    }

    /** The region an address falls in, or {@code null} if it is outside physical memory. */
    public Region regionOf(long address) {
        if (address < 0 || address >= config.memorySize()) {
            return null;
        }
        for (Region r : Region.values()) {
            if (address < end(r)) {
                return r;
            }
        }
        throw new AssertionError("regions cover memory");
    }

    /** Number of 4 KiB pages (frames) of physical memory. */
    public int pages() {
        return pages;
    }

    /** Frame number of the first arena frame. */
    public int arenaFirstFrame() {
        return (int) (base(Region.DOMAIN_ARENA) >>> PhysicalMemory.PAGE_SHIFT);
    }

    /** Number of arena frames. */
    public int arenaFrames() {
        return pages - arenaFirstFrame();
    }

    /** Highest buddy order: a block of order {@code k} spans {@code 2^k} frames. */
    public int maxOrder() {
        return maxOrder;
    }

    /** Address of the first word of the free bitmap of {@code order}. */
    public long buddyBitmap(int order) {
        return base(Region.BUDDY_MAP) + buddyOffsets[order];
    }

    /** Number of 64-bit words in the free bitmap of {@code order}. */
    public int buddyWords(int order) {
        return buddyWords[order];
    }

    /** Address of the first cached data block (the block map precedes it). */
    public long cacheData() {
        return cacheData;
    }

    /** A table of the regions: name, base, size, one line each. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Region r : Region.values()) {
            sb.append(String.format("%-14s 0x%08x %10d%n", r, base(r), size(r)));
        }
        return sb.toString();
    }
}
