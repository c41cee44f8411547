package testbed.bpf.trial;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The built-in workload of BPF trials: a handful of Ethernet frames that exercise the usual
 * filter paths (IPv4 TCP and UDP, a fragment, IPv6 TCP, ARP), the shortest frame worth a header,
 * and one of the NIC's full MTU. Deterministic, so a trial's outcome depends on the program and
 * the mode alone.
 */
public final class Frames {
    private Frames() {
    }

    /** The frames, in the order the NIC receives them. */
    public static List<byte[]> standard() {
        return List.of(ipv4(6, 18080, 80, 0, 40), ipv4(17, 53, 15354, 0, 120), ipv4(6, 443, 18081, 0x2000, 0),
                ipv6(6, 18081, 1000, 64), arp(), new byte[] {(byte) 0xff, (byte) 0xff, 0, 1, 2, 3, 4, 5, 6, 7},
                ipv4(17, 9, 9, 0, 1514 - 14 - 20 - 8));
    }

    private static ByteBuffer ethernet(int size, int etherType) {
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(new byte[] {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2}).putShort((short) etherType);
        return b;
    }

    private static byte[] ipv4(int protocol, int sport, int dport, int fragment, int payload) {
        int transport = protocol == 6 ? 20 : 8;
        int total = 20 + transport + payload;
        ByteBuffer b = ethernet(14 + total, 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) total).putShort((short) 7).putShort((short) fragment)
                .put((byte) 64).put((byte) protocol).putShort((short) 0).putInt(0x7f000001).putInt(0x7f000001);
        b.putShort((short) sport).putShort((short) dport);
        if (protocol == 6) {
            b.putInt(1).putInt(0).put((byte) 0x50).put((byte) 0x02).putShort((short) 65535).putInt(0);
        } else {
            b.putShort((short) (8 + payload)).putShort((short) 0);
        }
        fill(b);
        return b.array();
    }

    private static byte[] ipv6(int next, int sport, int dport, int payload) {
        ByteBuffer b = ethernet(14 + 40 + 20 + payload, 0x86dd);
        b.putInt(0x60000000).putShort((short) (20 + payload)).put((byte) next).put((byte) 64);
        b.putLong(0).putLong(1).putLong(0).putLong(1);
        b.putShort((short) sport).putShort((short) dport).putInt(1).putInt(0).put((byte) 0x50).put((byte) 0x12)
                .putShort((short) 65535).putInt(0);
        fill(b);
        return b.array();
    }

    private static byte[] arp() {
        ByteBuffer b = ethernet(42, 0x0806);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
        fill(b);
        return b.array();
    }

    private static void fill(ByteBuffer b) {
        int i = 0;
        while (b.hasRemaining()) {
            b.put((byte) (i++ * 31 + 7));
        }
    }
}
