package testbed.faults;

import java.util.Arrays;
import testbed.kernel.Domain;
import testbed.kernel.api.Hook;
import testbed.kernel.Kernel;
import testbed.kernel.api.Event;

/**
 * The kernel work that drives one attached extension through its hook in a trial, and the
 * digest of everything the kernel produced while doing it. The inputs are fixed, so the digest
 * of an unfaulted extension in a mode is the reference a faulted run is compared with.
 */
final class Workload {
    /** Ethernet + IPv4 + UDP/TCP frames of a few sizes and ports, built once. */
    private static final byte[][] PACKETS = {
            Packets.udp(53, 12), Packets.tcp(80, 40), Packets.udp(9999, 200), Packets.tcp(22, 0),
            Packets.udp(53, 512), Packets.tcp(443, 1200), Packets.udp(123, 48), Packets.tcp(80, 3)};

    private final byte[] buffer = new byte[64 << 10];
    private final byte[][] packets;

    Workload() {
        packets = PACKETS;
    }

    private Workload(byte[][] packets) {
        this.packets = packets;
    }

    /** The same workload whose packets carry IPv4 total lengths that lie as {@code corruption} says. */
    Workload lyingAboutLengths(testbed.faults.environment.TrialEnvironment.PacketLength corruption, long seed) {
        return new Workload(Packets.withBadLengths(PACKETS, corruption, seed));
    }

    /**
     * Runs the hook's workload against {@code domain}; exceptions from an unprotected extension
     * propagate, as they would out of a real kernel.
     *
     * @param revokeAt when an extra revocation of {@code revokeFrames} hits a library OS (an
     *     environment fault): 0 right after its start, {@code n} just before invocation {@code n}
     *     (invocations are the kernel's revocation requests), -1 never
     */
    long drive(Kernel kernel, Domain domain, Hook hook, int revokeAt, int revokeFrames) {
        // One case per row of the hook table: a hook added there without a workload here does not compile.
        return switch (hook) {
            case PACKET_FILTER -> receive(kernel);
            case READ_FILTER -> readFiltered(kernel, domain);
            case EVENT_HANDLER -> dispatch(kernel, domain);
            case EVICTION_POLICY -> readThroughCache(kernel);
            case LIBRARY_OS -> startAndRevoke(kernel, domain, revokeAt, revokeFrames);
        };
    }

    private long receive(Kernel kernel) {
        Digest d = new Digest();
        for (byte[] p : packets) {
            d.add(kernel.receive(p));
        }
        drainNic(kernel, d);
        return d.value();
    }

    private long readFiltered(Kernel kernel, Domain domain) {
        Digest d = new Digest();
        long fileSize = kernel.config().fileSize();
        for (int file = 0; file < 2; file++) {
            int n = kernel.read(file, 0, buffer, (int) Math.min(fileSize, buffer.length), domain);
            d.add(n);
            d.add(buffer, Math.max(n, 0));
        }
        return d.value();
    }

    private long dispatch(Kernel kernel, Domain domain) {
        Digest d = new Digest();
        d.add(kernel.dispatch(Event.PACKET_ARRIVED, 64));
        d.add(kernel.dispatch(Event.TIMER, kernel.time()));
        d.add(kernel.dispatch(Event.PAGE_FAULT, domain.segment().base() + 4096));
        d.add(kernel.dispatch(Event.PACKET_ARRIVED, 1500));
        d.add(kernel.dispatch(Event.TIMER, kernel.time() + 10));
        drainNic(kernel, d);
        return d.value();
    }

    /** Reading every file through a cache smaller than the files makes it evict. */
    private long readThroughCache(Kernel kernel) {
        Digest d = new Digest();
        long fileSize = kernel.config().fileSize();
        for (int round = 0; round < 2; round++) {
            for (int file = 0; file < kernel.config().files(); file++) {
                int n = kernel.read(file, 0, buffer, (int) Math.min(fileSize, buffer.length), null);
                d.add(n);
                d.add(buffer, Math.max(n, 0));
            }
        }
        return d.value();
    }

    private long startAndRevoke(Kernel kernel, Domain domain, int revokeAt, int revokeFrames) {
        Digest d = new Digest();
        d.add(kernel.startLibraryOs(domain));
        int[] asks = {2, 1};
        for (int invocation = 1; invocation <= asks.length; invocation++) {
            if (revokeAt == invocation || (invocation == 1 && revokeAt == 0)) {
                d.add(kernel.revoke(domain, revokeFrames));
            }
            d.add(kernel.revoke(domain, asks[invocation - 1]));
        }
        return d.value();
    }

    private void drainNic(Kernel kernel, Digest d) {
        for (int n; (n = kernel.recv(buffer)) >= 0; ) {
            d.add(n);
            d.add(buffer, Math.min(n, buffer.length));
        }
        for (int n; (n = kernel.transmit(buffer)) >= 0; ) {
            d.add(n);
            d.add(buffer, Math.min(n, buffer.length));
        }
    }

    /** FNV-1a over what the kernel produced. */
    private static final class Digest {
        private long h = 0xcbf29ce484222325L;

        void add(long v) {
            h = (h ^ v) * 0x100000001b3L;
        }

        void add(byte[] bytes, int length) {
            for (int i = 0; i < length; i++) {
                h = (h ^ bytes[i]) * 0x100000001b3L;
            }
        }

        long value() {
            return h;
        }
    }

    /** Synthetic frames for the packet workloads. */
    static final class Packets {
        private Packets() {
        }

        static byte[] udp(int port, int payload) {
            return frame(17, port, 8, payload);
        }

        static byte[] tcp(int port, int payload) {
            return frame(6, port, 20, payload);
        }

        private static byte[] frame(int protocol, int port, int transportHeader, int payload) {
            int ipLength = 20 + transportHeader + payload;
            byte[] f = new byte[14 + ipLength];
            f[12] = 0x08;                           // EtherType IPv4
            f[14] = 0x45;                           // version 4, IHL 5
            f[16] = (byte) (ipLength >>> 8);
            f[17] = (byte) ipLength;
            f[22] = 64;                             // TTL
            f[23] = (byte) protocol;
            f[26] = 10; f[29] = 1;                  // 10.0.0.1
            f[30] = 10; f[33] = 2;                  // 10.0.0.2
            f[34] = (byte) (40000 >>> 8);
            f[35] = (byte) 40000;
            f[36] = (byte) (port >>> 8);
            f[37] = (byte) port;
            for (int i = 14 + 20 + transportHeader; i < f.length; i++) {
                f[i] = (byte) (i * 31 + port);
            }
            return f;
        }

        /** The same frames with an IPv4 total length that lies as {@code corruption} says; the frames keep their size. */
        static byte[][] withBadLengths(byte[][] frames, testbed.faults.environment.TrialEnvironment.PacketLength corruption, long seed) {
            byte[][] out = new byte[frames.length][];
            for (int i = 0; i < frames.length; i++) {
                byte[] f = Arrays.copyOf(frames[i], frames[i].length);
                long draw = Math.abs(testbed.faults.Fault.draw(seed, i) % 1000);
                int ipLength = f.length - 14;
                int lie = switch (corruption) {
                    case LONGER_THAN_FRAME -> Math.min(0xFFFF, ipLength + 1 + (int) draw);
                    case SHORTER_THAN_HEADER -> 1 + (int) (draw % 19);
                    case ZERO -> 0;
                    case MAXIMUM -> 0xFFFF;
                };
                f[16] = (byte) (lie >>> 8);
                f[17] = (byte) lie;
                out[i] = f;
            }
            return out;
        }
    }
}
