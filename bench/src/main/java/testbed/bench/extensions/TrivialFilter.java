package testbed.bench.extensions;

import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * The cheapest filter there is, for the crossing benchmark: touches neither memory nor kernel
 * state, and answers 0 (drop) for every valid length, so the kernel's receive path delivers
 * nothing and its socket queue never fills. The answer depends on the argument so that a caller
 * cannot fold it to a constant.
 */
public final class TrivialFilter implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        return length >>> 31;
    }
}
