package testbed.kernel.oracle;

import testbed.kernel.Domain;
import testbed.kernel.Kernel;
import testbed.kernel.PacketRing;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.Snapshot;

/**
 * What the kernel held just before a trial, kept outside simulated memory: the domains, the
 * lock holders, a checksum of every file block's content (dirty cached data included), the
 * accepted packets, and the canary's segment and answer. Page checksums are not here: they belong
 * to the kernel's base snapshot and are computed once per snapshot.
 */
final class Baseline {
    final Snapshot snapshot;
    final Domain[] domains;
    final int[] lockOwners;
    final long[] blockSums;
    final long socketHead;
    final long socketTail;
    final long[] socketSums;
    /** The canary's segment at the baseline, or null where it is the snapshot's ({@link CanaryCheck#segmentNow}). */
    final byte[] canarySegment;
    final long canaryAnswer;

    /**
     * @param canarySegment the canary's segment now, null where it is the snapshot's
     * @param blockSums the block checksums if known for this state (never changed by the baseline), else null
     */
    Baseline(Kernel kernel, Snapshot snapshot, byte[] canarySegment, long canaryAnswer, long[] blockSums) {
        this.snapshot = snapshot;
        this.domains = new Domain[PhysicalMemory.MAX_DOMAIN_ID + 1];
        for (Domain d : kernel.domains()) {
            domains[d.id()] = d;
        }
        this.lockOwners = new int[kernel.structures().lockTable().count()];
        for (int l = 0; l < lockOwners.length; l++) {
            lockOwners[l] = kernel.structures().lockTable().owner(l);
        }
        this.blockSums = blockSums != null ? blockSums : DataCheck.blockSums(kernel, null);
        PacketRing socket = kernel.structures().socketQueue();
        this.socketHead = socket.head();
        long tail = socket.tail();
        long n = tail - socketHead;
        this.socketTail = n >= 0 && n <= socket.slots() ? tail : socketHead;
        this.socketSums = new long[(int) (socketTail - socketHead)];
        for (int i = 0; i < socketSums.length; i++) {
            socketSums[i] = socket.checksum(socketHead + i);
        }
        this.canarySegment = canarySegment;
        this.canaryAnswer = canaryAnswer;
    }

    /** The domain with {@code id} now, or, if it was destroyed during the trial, before it. */
    Domain domain(Kernel kernel, int id) {
        Domain now = kernel.domain(id);
        return now != null ? now : domains[id];
    }
}
