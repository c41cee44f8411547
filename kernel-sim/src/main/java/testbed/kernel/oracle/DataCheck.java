package testbed.kernel.oracle;

import java.util.List;
import testbed.kernel.BufferCache;
import testbed.kernel.Disk;
import testbed.kernel.Kernel;
import testbed.kernel.PacketRing;
import testbed.kernel.PhysicalMemory;

/**
 * No data lost: every file block's content as the kernel would serve it (the cached copy if the
 * block map has one, dirty or clean, else the disk's) and every packet accepted into the socket
 * queue before the trial must be as it was. The record it compares with is kept outside
 * simulated memory ({@link Baseline}).
 */
final class DataCheck {
    private DataCheck() {
    }

    /** Checksums of every block's current content; {@code places}, if given, receives where each lives (-1 for disk). */
    static long[] blockSums(Kernel kernel, long[] places) {
        Disk disk = kernel.structures().disk();
        BufferCache cache = kernel.structures().bufferCache();
        PhysicalMemory memory = kernel.memory();
        long[] sums = new long[disk.files() * disk.fileBlocks()];
        for (int f = 0; f < disk.files(); f++) {
            for (int b = 0; b < disk.fileBlocks(); b++) {
                int i = f * disk.fileBlocks() + b;
                int e = cache.find(f, b);
                if (e >= 0) {
                    sums[i] = memory.checksum(cache.dataAddress(e), disk.blockSize());
                } else {
                    sums[i] = disk.checksum(f, b);
                }
                if (places != null) {
                    places[i] = e >= 0 ? cache.dataAddress(e) : -1;
                }
            }
        }
        return sums;
    }

    /** @return the current block checksums, for the liveness probe to compare a read with */
    static long[] check(Kernel kernel, Baseline baseline, List<Violation> out) {
        Disk disk = kernel.structures().disk();
        long[] places = new long[disk.files() * disk.fileBlocks()];
        long[] now = blockSums(kernel, places);
        for (int i = 0; i < now.length; i++) {
            if (now[i] != baseline.blockSums[i]) {
                int f = i / disk.fileBlocks();
                int b = i % disk.fileBlocks();
                boolean cached = places[i] >= 0;
                int e = cached ? kernel.structures().bufferCache().find(f, b) : -1;
                String where = cached ? (kernel.structures().bufferCache().state(e) == BufferCache.DIRTY ? "dirty" : "clean") + " in the buffer cache"
                        : "on disk (no cache entry holds it)";
                out.add(Violation.at(Violation.Kind.DATA_LOST, places[i], cached ? "BUFFER_CACHE" : "DISK", -1,
                        "file " + f + " block " + b + " differs from before the trial; it is now " + where));
            }
        }
        PacketRing socket = kernel.structures().socketQueue();
        long head = socket.head();
        long tail = socket.tail();
        for (int i = 0; i < baseline.socketSums.length; i++) {
            long seq = baseline.socketHead + i;
            if (seq < head && head <= tail) {
                continue; // consumed by the application: not lost
            }
            boolean present = seq >= head && seq < tail && socket.recordedSeq(seq) == seq;
            if (!present || socket.checksum(seq) != baseline.socketSums[i]) {
                out.add(Violation.at(Violation.Kind.DATA_LOST, socket.slotAddress(seq), "SOCKET_QUEUE", -1,
                        "accepted packet " + seq + (present ? " changed" : " is gone from the socket queue")));
            }
        }
        return now;
    }
}
