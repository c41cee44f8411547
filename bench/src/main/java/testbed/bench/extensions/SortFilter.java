package testbed.bench.extensions;

import testbed.kernel.api.Context;
import testbed.kernel.api.Memory;
import testbed.kernel.api.PacketFilter;

/**
 * Workload: heapsort of {@link #COUNT} 32-bit signed integers in the segment. Each call first
 * restores the unsorted input from the copy at {@link #SAVED} to {@link #WORK} with one
 * {@link Memory#copy} (so every call sorts the same shuffled array), then sorts {@link #WORK} in
 * place with {@code load32} and {@code store32}. Ignores the packet; answers a position-weighted
 * fold of the sorted array. About 20,000 memory accesses per call, loads and stores mixed, with
 * data-dependent addresses.
 */
public final class SortFilter implements PacketFilter {
    /** Offset in the segment of the unsorted input, never written by the filter. */
    public static final int SAVED = 4096;
    /** Offset in the segment of the array that is sorted. */
    public static final int WORK = 8192;
    public static final int COUNT = 512;

    @Override
    public int filter(Context ctx, long packet, int length) {
        Memory mem = ctx.memory();
        long a = ctx.segmentBase() + WORK;
        mem.copy(a, ctx.segmentBase() + SAVED, 4L * COUNT);
        for (int start = COUNT / 2 - 1; start >= 0; start--) {
            siftDown(mem, a, start, COUNT);
        }
        for (int end = COUNT - 1; end > 0; end--) {
            int top = mem.load32(a);
            mem.store32(a, mem.load32(a + 4L * end));
            mem.store32(a + 4L * end, top);
            siftDown(mem, a, 0, end);
        }
        int fold = 0;
        for (int i = 0; i < COUNT; i++) {
            fold = fold * 31 + mem.load32(a + 4L * i);
        }
        return fold & 0x7FFFFFFF;
    }

    private static void siftDown(Memory mem, long a, int root, int end) {
        int value = mem.load32(a + 4L * root);
        int hole = root;
        int child = 2 * hole + 1;
        while (child < end) {
            int c = mem.load32(a + 4L * child);
            if (child + 1 < end) {
                int right = mem.load32(a + 4L * (child + 1));
                if (right > c) {
                    child++;
                    c = right;
                }
            }
            if (c <= value) {
                break;
            }
            mem.store32(a + 4L * hole, c);
            hole = child;
            child = 2 * hole + 1;
        }
        mem.store32(a + 4L * hole, value);
    }
}
