package testbed.kernel;

/**
 * A buddy allocator of arena frames, its state kept in {@link Region#BUDDY_MAP}: one free bitmap
 * per order, where bit {@code i} of order {@code k} says frames {@code [i*2^k, (i+1)*2^k)} form a
 * free block. Blocks are aligned to their size in physical addresses, so a segment allocated
 * from a block of its size is size-aligned, as SFI masks need. Public methods read without
 * being recorded by the monitor (for the oracle); package-private ones are the kernel's own.
 */
public final class FrameAllocator {
    private final PhysicalMemory memory;
    private final KernelMemory kernel;
    private final MemoryLayout layout;
    private final FrameTable frameTable;
    private final int firstFrame;
    private final int pages;

    FrameAllocator(PhysicalMemory memory, KernelMemory kernel, MemoryLayout layout, FrameTable frameTable) {
        this.memory = memory;
        this.kernel = kernel;
        this.layout = layout;
        this.frameTable = frameTable;
        this.firstFrame = layout.arenaFirstFrame();
        this.pages = layout.pages();
    }

    /** Splits the arena into the largest aligned blocks that fit and marks them free. */
    void format() {
        int f = firstFrame;
        while (f < pages) {
            int k = Math.min(Integer.numberOfTrailingZeros(f), layout.maxOrder());
            while (f + (1 << k) > pages) {
                k--;
            }
            setBit(k, f >>> k, true);
            f += 1 << k;
        }
    }

    /**
     * Takes a free block of {@code 2^order} frames, splitting a larger one if needed.
     *
     * @return its first frame, or -1 if no block is free
     */
    int allocate(int order) {
        for (int k = order; k <= layout.maxOrder(); k++) {
            int index = findFree(k);
            if (index >= 0) {
                setBit(k, index, false);
                while (k > order) {
                    k--;
                    index <<= 1;
                    setBit(k, index + 1, true);
                }
                return index << order;
            }
        }
        return -1;
    }

    /** Returns the block at {@code frame} of {@code 2^order} frames, merging it with free buddies. */
    void free(int frame, int order) {
        int index = frame >>> order;
        int k = order;
        while (k < layout.maxOrder()) {
            int buddy = index ^ 1;
            if (!bit(k, buddy)) {
                break;
            }
            setBit(k, buddy, false);
            index >>>= 1;
            k++;
        }
        setBit(k, index, true);
    }

    /** First index of a free block of order {@code k} that really is free arena; drops corrupt bits. */
    private int findFree(int k) {
        long bitmap = layout.buddyBitmap(k);
        int limit = pages >>> k;
        for (int w = 0; w < layout.buddyWords(k); w++) {
            long word = kernel.get64(bitmap + w * 8L);
            while (word != 0) {
                int index = w * 64 + Long.numberOfTrailingZeros(word);
                word &= word - 1;
                if (index < limit && plausible(index << k, 1 << k)) {
                    return index;
                }
                // A bit naming kernel frames or frames in use can only come from a wild write:
                // handing that block out would let a segment overlay live data, so skip it.
            }
        }
        return -1;
    }

    private boolean plausible(int frame, int count) {
        if (frame < firstFrame || frame + count > pages) {
            return false;
        }
        for (int f = frame; f < frame + count; f++) {
            if (frameTable.useOf(f) != FrameTable.FREE) {
                return false;
            }
        }
        return true;
    }

    private boolean bit(int k, int index) {
        if (index >= (pages >>> k)) {
            return false;
        }
        long word = kernel.get64(layout.buddyBitmap(k) + (index >>> 6) * 8L);
        return (word & (1L << index)) != 0;
    }

    private void setBit(int k, int index, boolean free) {
        long address = layout.buddyBitmap(k) + (index >>> 6) * 8L;
        long word = kernel.get64(address);
        kernel.put64(address, free ? word | (1L << index) : word & ~(1L << index));
    }

    /** Whether the block of {@code order} at {@code index} is marked free. */
    public boolean isFree(int order, int index) {
        if (index < 0 || index >= (pages >>> order)) {
            return false;
        }
        long word = memory.peek64(layout.buddyBitmap(order) + (index >>> 6) * 8L);
        return (word & (1L << index)) != 0;
    }

    /** Word {@code w} of the free bitmap of {@code order}. */
    public long bitmapWord(int order, int w) {
        return memory.peek64(layout.buddyBitmap(order) + w * 8L);
    }

    /** Order of a block of {@code bytes} (a power of two of at least one page). */
    public static int orderOf(long bytes) {
        return Long.numberOfTrailingZeros(bytes) - PhysicalMemory.PAGE_SHIFT;
    }
}
