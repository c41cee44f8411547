package testbed.bench.extensions;

import testbed.kernel.api.Context;
import testbed.kernel.api.Memory;
import testbed.kernel.api.PacketFilter;

/**
 * Workload: a BPF-style packet filter that matches header fields, the job of the classic BPF
 * programs {@code tcpdump} compiles. It walks an Ethernet frame (one optional 802.1Q tag), an IPv4
 * header of any legal length and the first four bytes of the transport header, and accepts:
 * <ul>
 *   <li>TCP to port 80 or 443 from anywhere, and TCP to port 22 from 10.0.0.0/8;</li>
 *   <li>UDP from or to port 53;</li>
 * </ul>
 * never a fragment after the first, nor anything that is not IPv4. Accepted packets are delivered
 * whole; the rest are dropped. About eight loads per packet, most of them {@code load8} and
 * {@code load16}; header fields are big-endian and memory is little-endian, so 16- and 32-bit
 * fields are byte-swapped.
 */
public final class HeaderFilter implements PacketFilter {
    /** Ethernet type of IPv4. */
    public static final int IPV4 = 0x0800;
    /** Ethernet type of an 802.1Q VLAN tag. */
    public static final int VLAN = 0x8100;
    public static final int TCP = 6;
    public static final int UDP = 17;

    @Override
    public int filter(Context ctx, long packet, int length) {
        if (length < 14) {
            return 0;
        }
        Memory mem = ctx.memory();
        int l3 = 14;
        int type = Short.reverseBytes(mem.load16(packet + 12)) & 0xFFFF;
        if (type == VLAN) {
            if (length < 18) {
                return 0;
            }
            type = Short.reverseBytes(mem.load16(packet + 16)) & 0xFFFF;
            l3 = 18;
        }
        if (type != IPV4 || length < l3 + 20) {
            return 0;
        }
        int versionAndLength = mem.load8(packet + l3) & 0xFF;
        int headerLength = (versionAndLength & 0xF) << 2;
        if ((versionAndLength >>> 4) != 4 || headerLength < 20) {
            return 0;
        }
        int l4 = l3 + headerLength;
        if (length < l4 + 4) {
            return 0;
        }
        if ((Short.reverseBytes(mem.load16(packet + l3 + 6)) & 0x1FFF) != 0) {
            return 0;
        }
        int protocol = mem.load8(packet + l3 + 9) & 0xFF;
        int sourcePort = Short.reverseBytes(mem.load16(packet + l4)) & 0xFFFF;
        int destinationPort = Short.reverseBytes(mem.load16(packet + l4 + 2)) & 0xFFFF;
        boolean accept;
        if (protocol == TCP) {
            int source = Integer.reverseBytes(mem.load32(packet + l3 + 12));
            accept = destinationPort == 80 || destinationPort == 443 || (destinationPort == 22 && (source >>> 24) == 10);
        } else if (protocol == UDP) {
            accept = sourcePort == 53 || destinationPort == 53;
        } else {
            accept = false;
        }
        return accept ? length : 0;
    }
}
