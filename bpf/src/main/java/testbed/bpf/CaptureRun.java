package testbed.bpf;

import java.util.Arrays;
import java.util.List;
import testbed.bpf.capture.Capture;
import testbed.bpf.capture.Frame;
import testbed.kernel.Kernel;
import testbed.sandbox.FaultDomain;
import testbed.sandbox.Sandbox;
import testbed.sandbox.verify.Rejection;
import testbed.sfi.ProtectionMode;

/**
 * One filter over one capture in one protection mode: the filter is attached to a fresh
 * kernel's packet hook and the capture is the NIC's workload, several rounds over so that the
 * JVM has compiled the filter by the last; the verdicts are from the first round and the cost
 * from the last (wall-clock time of {@code Kernel.receive} per packet, the kernel's own work and
 * the crossing included: a rough figure; JMH gives the measured ones).
 */
public final class CaptureRun {
    /**
     * @param delivered bytes the kernel delivered for each frame (0: dropped)
     * @param nanosPerPacket mean wall-clock cost of one packet in the last round
     * @param aborts how many times the domain was aborted (a trap in a protected mode)
     */
    public record Result(ProtectionMode mode, int[] delivered, double nanosPerPacket, int aborts, int cutFrames) {
        public int matches() {
            return (int) Arrays.stream(delivered).filter(d -> d > 0).count();
        }
    }

    private CaptureRun() {
    }

    /**
     * Runs {@code program} over {@code capture}.
     *
     * @throws IllegalArgumentException if the capture's link type is not Ethernet, the only one the NIC has
     */
    public static Result run(FilterProgram program, Capture capture, ProtectionMode mode, int rounds)
            throws CheckException, Rejection {
        if (capture.linkType() != Capture.ETHERNET) {
            throw new IllegalArgumentException("the capture has link type " + capture.linkType()
                    + "; the simulated NIC is Ethernet (link type " + Capture.ETHERNET + ")");
        }
        List<Frame> frames = capture.frames();
        List<byte[]> packets = frames.stream().map(Nic::bytesOf).toList();
        Kernel kernel = Kernel.boot();
        Nic nic = new Nic(kernel);
        try (Sandbox sandbox = Sandbox.on(kernel, mode); FaultDomain domain = FilterLoader.attach(sandbox, program)) {
            int[] first = nic.receiveAll(packets);
            long nanos = 0;
            for (int r = 1; r < rounds; r++) {
                long start = System.nanoTime();
                nic.receiveAll(packets);
                nanos = System.nanoTime() - start;
            }
            double perPacket = packets.isEmpty() || rounds < 2 ? Double.NaN : (double) nanos / packets.size();
            int cut = (int) frames.stream().filter(f -> !Nic.fits(f)).count();
            return new Result(mode, first, perPacket, kernel.aborts().size(), cut);
        }
    }
}
