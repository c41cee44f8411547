package testbed.bench.extensions;

import testbed.kernel.api.Context;
import testbed.kernel.api.Memory;
import testbed.kernel.api.PacketFilter;

/**
 * Memory-heavy workload 2: copies 8 KiB inside the domain's own segment with one {@code load64}
 * and one {@code store64} per word (1,024 of each), from {@code segmentBase + SOURCE} to
 * {@code segmentBase + SOURCE + BYTES}. Ignores the packet; answers a fold of the words copied.
 * Needs a segment of at least {@code SOURCE + 2 * BYTES} bytes (20 KiB).
 */
public final class CopyFilter implements PacketFilter {
    /** Offset of the source block in the segment: past the 2 KiB packet window. */
    public static final int SOURCE = 4096;
    /** Bytes copied per call. */
    public static final int BYTES = 8192;

    @Override
    public int filter(Context ctx, long packet, int length) {
        Memory mem = ctx.memory();
        long src = ctx.segmentBase() + SOURCE;
        long dst = src + BYTES;
        long fold = 0;
        for (int off = 0; off < BYTES; off += 8) {
            long v = mem.load64(src + off);
            mem.store64(dst + off, v);
            fold ^= v;
        }
        return (int) (fold ^ (fold >>> 32)) & 0x7FFFFFFF;
    }
}
