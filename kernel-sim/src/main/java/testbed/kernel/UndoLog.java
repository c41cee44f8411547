package testbed.kernel;

import java.util.Arrays;

/**
 * Old values of the kernel words a helper overwrote during one invocation, newest last.
 * Rolling back writes them back in reverse order, which restores every word even when one was
 * written several times. Reused across transactions so an invocation allocates nothing.
 */
final class UndoLog {
    private long[] addresses = new long[64];
    private long[] values = new long[64];
    private byte[] widths = new byte[64];
    private int size;

    void record(long address, int width, long oldValue) {
        if (size == addresses.length) {
            addresses = Arrays.copyOf(addresses, size * 2);
            values = Arrays.copyOf(values, size * 2);
            widths = Arrays.copyOf(widths, size * 2);
        }
        addresses[size] = address;
        values[size] = oldValue;
        widths[size] = (byte) width;
        size++;
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }

    /** Writes the old values back, newest first, as the current principal. */
    void rollBack(PhysicalMemory memory) {
        for (int k = size - 1; k >= 0; k--) {
            long a = addresses[k];
            long v = values[k];
            switch (widths[k]) {
                case 1 -> memory.store8(a, (byte) v);
                case 2 -> memory.store16(a, (short) v);
                case 4 -> memory.store32(a, (int) v);
                default -> memory.store64(a, v);
            }
        }
        size = 0;
    }
}
