package testbed.bench.extensions;

import testbed.kernel.api.Context;
import testbed.kernel.api.Memory;
import testbed.kernel.api.ReadFilter;

/**
 * Workload: an ExtOS read filter, {@code grep} in the kernel. File data comes as records of
 * {@link #RECORD} bytes; the filter keeps the records that contain the four bytes {@link #PATTERN}
 * (as a little-endian {@code int}, the bytes {@code "EXT!"}) at any offset, and compacts them to the
 * front of the buffer. A naive scan: one unaligned {@code load32} per byte offset, so about 1,900
 * loads for a 2 KiB block, plus four {@code load64} and {@code store64} per record kept.
 */
public final class PatternReadFilter implements ReadFilter {
    /** {@code "EXT!"} read as a little-endian {@code int}. */
    public static final int PATTERN = 'E' | 'X' << 8 | 'T' << 16 | '!' << 24;
    public static final int RECORD = 32;

    @Override
    public int filter(Context ctx, long buffer, int length) {
        Memory mem = ctx.memory();
        int kept = 0;
        for (int r = 0; r + RECORD <= length; r += RECORD) {
            boolean match = false;
            for (int i = 0; i <= RECORD - 4 && !match; i++) {
                match = mem.load32(buffer + r + i) == PATTERN;
            }
            if (match) {
                if (kept != r) {
                    for (int w = 0; w < RECORD; w += 8) {
                        mem.store64(buffer + kept + w, mem.load64(buffer + r + w));
                    }
                }
                kept += RECORD;
            }
        }
        return kept;
    }
}
