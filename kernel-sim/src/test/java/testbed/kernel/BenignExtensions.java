package testbed.kernel;

import testbed.kernel.api.Context;
import testbed.kernel.api.EventHandler;
import testbed.kernel.api.EvictionPolicy;
import testbed.kernel.api.LibraryOs;
import testbed.kernel.api.Memory;
import testbed.kernel.api.PacketFilter;
import testbed.kernel.api.ReadFilter;
import testbed.kernel.api.Status;

/** Well-behaved extensions, one per hook: they stay in their segments and release what they take. */
public final class BenignExtensions {
    private BenignExtensions() {
    }

    /** Delivers the first half of packets whose first byte is even; logs, allocates and sends a reply on the way. */
    public static final class HalfOfEvenPackets implements PacketFilter {
        @Override
        public int filter(Context ctx, long packet, int length) {
            Memory m = ctx.memory();
            long scratch = ctx.alloc(64);
            if (scratch > 0) {
                m.copy(scratch, packet, Math.min(64, length));
                ctx.log(scratch, 16);
                ctx.sendPacket(scratch, Math.min(64, length));
                ctx.free(scratch);
            }
            return (m.load8(packet) & 1) == 0 ? Math.max(1, length / 2) : 0;
        }
    }

    /** Keeps the bytes below 128, compacted to the front. */
    public static final class LowBytes implements ReadFilter {
        @Override
        public int filter(Context ctx, long buffer, int length) {
            Memory m = ctx.memory();
            int kept = 0;
            for (int i = 0; i < length; i++) {
                byte b = m.load8(buffer + i);
                if (b >= 0) {
                    m.store8(buffer + kept++, b);
                }
            }
            return kept;
        }
    }

    /** Handles timer events under a kernel lock; answers the argument plus one. */
    public static final class LockedTimer implements EventHandler {
        @Override
        public boolean guard(Context ctx, int event, long argument) {
            return event == testbed.kernel.api.Event.TIMER;
        }

        @Override
        public long handle(Context ctx, int event, long argument) {
            if (ctx.lock(5) != Status.OK) {
                return Status.EBUSY;
            }
            long result = argument + 1;
            ctx.unlock(5);
            return result;
        }
    }

    /** Evicts the most recently used candidate (MRU), reading the kernel's records in its window. */
    public static final class MostRecentlyUsed implements EvictionPolicy {
        @Override
        public int chooseVictim(Context ctx, long candidates, int count) {
            int best = 0;
            for (int i = 1; i < count; i++) {
                if (ctx.memory().load64(candidates + 16L * i + 8) > ctx.memory().load64(candidates + 16L * best + 8)) {
                    best = i;
                }
            }
            return best;
        }
    }

    /** Binds four frames at start and gives back exactly what is asked for. */
    public static final class Cooperative implements LibraryOs {
        private final int[] frames = new int[16];
        private int count;

        @Override
        public void start(Context ctx) {
            for (int i = 0; i < 4; i++) {
                int f = ctx.bindFrame();
                if (f >= 0) {
                    frames[count++] = f;
                }
            }
        }

        @Override
        public int revoke(Context ctx, int wanted) {
            int released = 0;
            while (released < wanted && count > 0) {
                if (ctx.releaseFrame(frames[--count]) == Status.OK) {
                    released++;
                }
            }
            return released;
        }
    }
}
