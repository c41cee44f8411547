package testbed.bench.extensions;

import testbed.kernel.api.Context;
import testbed.kernel.api.Memory;
import testbed.kernel.api.PacketFilter;

/**
 * Memory-heavy workload 1: the Internet checksum (RFC 1071) over the whole packet in the domain's
 * window, one {@code load16} per 16-bit word (750 loads for a 1,500-byte packet). The sum is taken
 * over little-endian words, which gives the byte-swapped checksum (RFC 1071's byte-order
 * independence); the benchmark only needs the work and a result that depends on every load.
 * The loop counts with an {@code int} offset, as C code over a packet would (and as the corpus's
 * {@code InternetChecksumFilter} does), which lets the JIT treat it as a counted loop.
 */
public final class ChecksumFilter implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        Memory mem = ctx.memory();
        long sum = 0;
        int even = length & ~1;
        for (int i = 0; i < even; i += 2) {
            sum += mem.load16(packet + i) & 0xFFFF;
        }
        if ((length & 1) != 0) {
            sum += mem.load8(packet + even) & 0xFF;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }
}
