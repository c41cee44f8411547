package testbed.bench.extensions;

import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * The control workload: {@link #ROUNDS} rounds of a 64-bit mixing function over the packet's
 * offset in its page (the same wherever the kernel placed the segment: a masked domain's lies
 * elsewhere, after its guard zone) and length, and no memory access at all. The address-confining rewrites have nothing to
 * change here, so its ratios to {@code NONE} show what the rest of the rewrite (metering's
 * back-edge counter, the changed method shape) costs by itself. Answers a non-negative fold.
 */
public final class ComputeFilter implements PacketFilter {
    public static final int ROUNDS = 1024;

    @Override
    public int filter(Context ctx, long packet, int length) {
        long x = (packet & 0xFFF) ^ ((long) length << 32);
        for (int i = 0; i < ROUNDS; i++) {
            x += 0x9E3779B97F4A7C15L;
            long z = x;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            x ^= z ^ (z >>> 31);
        }
        return (int) (x ^ (x >>> 32)) & 0x7FFFFFFF;
    }
}
