package testbed.bpf;

import java.util.List;
import testbed.bpf.capture.Frame;
import testbed.kernel.Kernel;
import testbed.kernel.KernelConfig;

/**
 * A capture as the simulated NIC's workload: each frame is received by the kernel
 * ({@code Kernel.receive}, which runs the packet hook's filters), and whatever the filters deliver
 * is read back from the socket queue at once, so the queue never fills.
 *
 * <p>The simulated NIC takes frames of at most {@link KernelConfig#MAX_PACKET} bytes (an Ethernet
 * MTU); a longer captured frame (loopback frames reach 64 KiB) is cut to that length, as a
 * capture with that snap length would hold it. {@link #fits} tells which frames those are.
 */
public final class Nic {
    private final Kernel kernel;
    private final byte[] socket = new byte[KernelConfig.MAX_PACKET];

    public Nic(Kernel kernel) {
        this.kernel = kernel;
    }

    /** Whether the NIC takes {@code frame} whole. */
    public static boolean fits(Frame frame) {
        return frame.data().length <= KernelConfig.MAX_PACKET;
    }

    /** The bytes of {@code frame} the NIC takes. */
    public static byte[] bytesOf(Frame frame) {
        return fits(frame) ? frame.data() : java.util.Arrays.copyOf(frame.data(), KernelConfig.MAX_PACKET);
    }

    /**
     * Receives one frame's bytes (at most {@link KernelConfig#MAX_PACKET}) and drains the socket queue.
     *
     * @return the bytes delivered (0: dropped), or the kernel's negative status
     */
    public int receive(byte[] packet) {
        int delivered = kernel.receive(packet);
        while (kernel.recv(socket) >= 0) {
            // drained: the differential looks only at what the filter let through
        }
        return delivered;
    }

    /** Receives every frame in order; entry {@code i} is what {@link #receive} returned for frame {@code i}. */
    public int[] receiveAll(List<byte[]> packets) {
        int[] delivered = new int[packets.size()];
        for (int i = 0; i < delivered.length; i++) {
            delivered[i] = receive(packets.get(i));
        }
        return delivered;
    }
}
