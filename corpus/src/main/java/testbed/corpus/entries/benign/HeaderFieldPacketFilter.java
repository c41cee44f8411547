package testbed.corpus.entries.benign;

import testbed.corpus.Entry;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.Memory;
import testbed.kernel.api.PacketFilter;

/**
 * Benign packet filter matching header fields: delivers Ethernet frames that carry IPv4
 * (EtherType {@code 0x0800}) with protocol UDP (17), drops everything else. It reads only the
 * packet it was handed, within its length.
 *
 * <p>Represents: the canonical BPF example, "ip and udp", a filter over fixed header offsets
 * (McCanne and Jacobson 1993; Mogul, Rashid and Accetta 1987).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}, {@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode:
 *       OK. Any other outcome is a false alarm of the mechanism or the oracle.
 * </ul>
 */
@Entry(family = Family.BENIGN,
        threat = "control: delivers IPv4 UDP packets by matching the EtherType and protocol fields",
        reference = "McCanne and Jacobson 1993, USENIX Winter, The BSD Packet Filter; Mogul, Rashid and Accetta 1987, SOSP, The Packet Filter",
        expect = {},
        otherwise = Outcome.OK)
public final class HeaderFieldPacketFilter implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        if (length < 34) { // Ethernet header (14) and the smallest IPv4 header (20)
            return 0;
        }
        Memory mem = ctx.memory();
        int etherType = ((mem.load8(packet + 12) & 0xFF) << 8) | (mem.load8(packet + 13) & 0xFF);
        if (etherType != 0x0800) {
            return 0;
        }
        int protocol = mem.load8(packet + 23) & 0xFF;
        return protocol == 17 ? length : 0;
    }
}
