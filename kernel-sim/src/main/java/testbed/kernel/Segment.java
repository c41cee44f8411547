package testbed.kernel;

/**
 * A power-of-two sized, size-aligned region of physical memory owned by one fault domain.
 * Isolation rewrites derive their constants from it: {@code (addr & mask()) | base()} always
 * lands inside the segment.
 */
public record Segment(long base, long size) {

    public Segment {
        if (Long.bitCount(size) != 1 || size < PhysicalMemory.PAGE_SIZE) {
            throw new IllegalArgumentException("segment size must be a power of two of at least 4 KiB, got " + size);
        }
        if ((base & (size - 1)) != 0) {
            throw new IllegalArgumentException("segment base 0x" + Long.toHexString(base) + " is not aligned to its size " + size);
        }
    }

    /** Offset mask: {@code size - 1}. */
    public long mask() {
        return size - 1;
    }

    /** Exclusive end address. */
    public long end() {
        return base + size;
    }

    /** log2 of the size: the number of low address bits the segment spans. */
    public int shift() {
        return Long.numberOfTrailingZeros(size);
    }

    /** Whether {@code [address, address + length)} lies inside the segment (no overflow for any inputs). */
    public boolean contains(long address, long length) {
        return length >= 0 && address >= base && length <= size && address - base <= size - length;
    }

    @Override
    public String toString() {
        return "[0x" + Long.toHexString(base) + ", 0x" + Long.toHexString(end()) + ")";
    }
}
