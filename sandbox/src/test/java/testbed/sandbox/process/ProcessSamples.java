package testbed.sandbox.process;

import testbed.kernel.api.Context;
import testbed.kernel.api.EventHandler;
import testbed.kernel.api.Memory;
import testbed.kernel.api.PacketFilter;

/** Extensions for the PROCESS tests that need more than {@code testbed.sandbox.Samples} has. */
public final class ProcessSamples {
    private ProcessSamples() {
    }

    /**
     * Hashes its packet and adds the hash into one of eight cells on eight pages of its heap,
     * answering from what the cell held before: the answer depends on every earlier call, so the
     * segment must stay coherent across calls, and the cells end up spread over several pages.
     */
    public static final class Accumulator implements PacketFilter {
        @Override
        public int filter(Context ctx, long packet, int length) {
            Memory mem = ctx.memory();
            long sum = 0;
            for (int i = 0; i < length; i++) {
                sum = sum * 31 + mem.load8(packet + i);
            }
            int slot = (int) (sum & 7);
            long cell = ctx.segmentBase() + 4096L * (2 + slot) + 8L * slot;
            long total = mem.load64(cell) + sum;
            mem.store64(cell, total);
            return (int) ((total & 0x7FFFFFFF) % (length + 1));
        }
    }

    /**
     * Writes a message into its segment and logs it, then allocates: the helpers run in the
     * kernel's JVM and must see the bytes the process wrote just before.
     */
    public static final class Logger implements EventHandler {
        @Override
        public boolean guard(Context ctx, int event, long argument) {
            return true;
        }

        @Override
        public long handle(Context ctx, int event, long argument) {
            Memory mem = ctx.memory();
            long message = ctx.segmentBase() + 3 * 4096 + 100;
            for (int i = 0; i < 8; i++) {
                mem.store8(message + i, (byte) ('a' + i + event));
            }
            int logged = ctx.log(message, 8);
            long block = ctx.alloc(64);
            return logged == 0 && block > 0 ? block : -1;
        }
    }

    /** Polls the clock for ever: a loop of helper calls, each a round trip to the kernel. */
    public static final class ClockWatcher implements PacketFilter {
        @Override
        public int filter(Context ctx, long packet, int length) {
            long polls = 0;
            while (ctx.time() >= 0) {
                polls++;
            }
            return (int) polls;
        }
    }
}
