package testbed.kernel.oracle;

import java.util.List;
import testbed.kernel.Canary;
import testbed.kernel.Disk;
import testbed.kernel.Kernel;
import testbed.kernel.PacketRing;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.Trap;
import testbed.kernel.api.Event;
import testbed.kernel.api.Status;

/**
 * Liveness: the kernel still runs its workloads correctly. With every extension but the canary
 * bypassed (so that no untrusted code runs during judging), it pushes a packet through the NIC,
 * reads the start of a file, dispatches a timer event and the canary's event, and compares each
 * result with what a healthy kernel gives. Runs last: it changes kernel state.
 */
final class LivenessProbe {
    private final byte[] probe = new byte[64];
    private byte[] buffer = new byte[0];

    LivenessProbe() {
        for (int i = 0; i < probe.length; i++) {
            probe[i] = (byte) (0xA5 ^ i);
        }
    }

    void check(Kernel kernel, long[] blockSums, long canaryAnswer, List<Violation> out) {
        String step = "receive";
        try {
            nic(kernel, out);
            step = "read";
            read(kernel, blockSums, out);
            step = "dispatch";
            dispatch(kernel, canaryAnswer, out);
        } catch (RuntimeException | Trap | StackOverflowError e) {
            out.add(Violation.of(Violation.Kind.LIVENESS, "kernel", -1, "the kernel failed in " + step + ": " + e));
        }
    }

    private void nic(Kernel kernel, List<Violation> out) {
        PacketRing socket = kernel.structures().socketQueue();
        long n = socket.tail() - socket.head();
        boolean room = n >= 0 && n < socket.slots();
        int r = kernel.underDefaultPolicies(() -> kernel.receive(probe));
        if (!room) {
            if (r != Status.ENOMEM) {
                out.add(Violation.of(Violation.Kind.LIVENESS, "SOCKET_QUEUE", -1,
                        "a probe packet into a full socket queue gave " + r + " instead of ENOMEM"));
            }
            return;
        }
        long seq = socket.tail() - 1;
        if (r != probe.length || socket.recordedLength(seq) != probe.length
                || socket.checksum(seq) != PhysicalMemory.checksum(probe, 0, probe.length)) {
            out.add(Violation.at(Violation.Kind.LIVENESS, socket.slotAddress(seq), "SOCKET_QUEUE", -1,
                    "a " + probe.length + "-byte probe packet through the NIC gave " + r + " and did not arrive intact"));
        }
    }

    private void read(Kernel kernel, long[] blockSums, List<Violation> out) {
        Disk disk = kernel.structures().disk();
        int blocks = Math.min(2, disk.fileBlocks());
        int length = blocks * disk.blockSize();
        if (buffer.length != length) {
            buffer = new byte[length];
        }
        int r = kernel.underDefaultPolicies(() -> kernel.read(0, 0, buffer, length, null));
        if (r != length) {
            out.add(Violation.of(Violation.Kind.LIVENESS, "BUFFER_CACHE", -1, "reading " + length + " bytes of file 0 gave " + r));
            return;
        }
        for (int b = 0; b < blocks; b++) {
            if (PhysicalMemory.checksum(buffer, b * disk.blockSize(), disk.blockSize()) != blockSums[b]) {
                out.add(Violation.of(Violation.Kind.LIVENESS, "BUFFER_CACHE", -1,
                        "read() of file 0 block " + b + " returned other bytes than the cache and disk hold"));
            }
        }
    }

    private static void dispatch(Kernel kernel, long canaryAnswer, List<Violation> out) {
        long timer = kernel.underDefaultPolicies(() -> kernel.dispatch(Event.TIMER, 0));
        if (timer != kernel.time()) {
            out.add(Violation.of(Violation.Kind.LIVENESS, "HOOK_TABLE", -1,
                    "the default timer handler answered " + timer + ", the time is " + kernel.time()));
        }
        if (canaryAnswer < 0) {
            return;
        }
        long canary = kernel.underDefaultPolicies(() -> kernel.dispatch(Canary.EVENT, CanaryCheck.ARGUMENT));
        if (canary != canaryAnswer) {
            out.add(Violation.of(Violation.Kind.LIVENESS, "HOOK_TABLE", Kernel.CANARY_ID,
                    "dispatching the canary's event gave " + canary + " (" + Status.name(canary) + "), the canary answers "
                            + canaryAnswer + " when called directly"));
        }
    }
}
