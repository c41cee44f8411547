package testbed.corpus.entries.benign;

import testbed.corpus.Entry;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.Memory;
import testbed.kernel.api.PacketFilter;

/**
 * Benign packet filter computing the Internet checksum: delivers an Ethernet frame only if its
 * IPv4 header checksum verifies (the one's-complement sum of the header's 16-bit words is
 * {@code 0xFFFF}), drops it otherwise. Bounded by the header length, which it checks against the
 * packet length first.
 *
 * <p>Represents: the integrity check an application-specific handler runs on arrival (Wallach,
 * Engler and Kaashoek 1996, ASHs), with the checksum of RFC 1071 (Braden, Borman and Partridge
 * 1988).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}, {@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode:
 *       OK. Any other outcome is a false alarm of the mechanism or the oracle.
 * </ul>
 */
@Entry(family = Family.BENIGN,
        threat = "control: delivers packets whose IPv4 header checksum verifies",
        reference = "Braden, Borman and Partridge 1988, RFC 1071, Computing the Internet Checksum; Wallach, Engler and Kaashoek 1996, SIGCOMM, ASHs",
        expect = {},
        otherwise = Outcome.OK)
public final class InternetChecksumFilter implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        if (length < 34) {
            return 0;
        }
        Memory mem = ctx.memory();
        long header = packet + 14;
        int headerLength = (mem.load8(header) & 0x0F) * 4;
        if (headerLength < 20 || 14 + headerLength > length) {
            return 0;
        }
        long sum = 0;
        for (int i = 0; i < headerLength; i += 2) {
            sum += ((mem.load8(header + i) & 0xFF) << 8) | (mem.load8(header + i + 1) & 0xFF);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return sum == 0xFFFF ? length : 0;
    }
}
