package testbed.bench.extensions;

import testbed.kernel.api.Context;
import testbed.kernel.api.LibraryOs;
import testbed.kernel.api.Memory;
import testbed.kernel.api.Status;

/**
 * Workload of the Exokernel revocation experiment: a library OS that binds frames until it holds
 * {@link #TARGET} and keeps their numbers in its segment. How it answers a revocation is the
 * word at {@link #POLICY}, written by the host before it starts: {@link #COOPERATE} releases the
 * newest frames at once, {@link #SLOW} first writes each one's page out (a 4 KiB copy inside its
 * segment, as a library OS saving a dirty page would) and then releases it, {@link #REFUSE}
 * releases nothing, so the kernel's abort protocol takes the frames by force.
 */
public final class FrameHoldingLibraryOs implements LibraryOs {
    /** Offset in the segment of the policy word. */
    public static final int POLICY = 2048;
    /** Offset of the count of frames held, then their numbers (4 bytes each). */
    public static final int HELD = 2056;
    public static final int COOPERATE = 0;
    public static final int SLOW = 1;
    public static final int REFUSE = 2;
    /** Frames the library OS binds when started. */
    public static final int TARGET = 16;
    /** Where a slow library OS writes a page out to, and how much. */
    static final int SAVE_AREA = 8192;
    static final int PAGE = 4096;

    @Override
    public void start(Context ctx) {
        Memory mem = ctx.memory();
        long base = ctx.segmentBase();
        int held = mem.load32(base + HELD);
        while (held < TARGET) {
            int frame = ctx.bindFrame();
            if (frame < 0) {
                break;
            }
            mem.store32(base + HELD + 4 + 4L * held, frame);
            held++;
        }
        mem.store32(base + HELD, held);
    }

    @Override
    public int revoke(Context ctx, int frames) {
        Memory mem = ctx.memory();
        long base = ctx.segmentBase();
        int policy = mem.load32(base + POLICY);
        if (policy == REFUSE) {
            return 0;
        }
        int held = mem.load32(base + HELD);
        int released = 0;
        while (released < frames && held > 0) {
            if (policy == SLOW) {
                mem.copy(base + SAVE_AREA + PAGE, base + SAVE_AREA, PAGE);
            }
            held--;
            if (ctx.releaseFrame(mem.load32(base + HELD + 4 + 4L * held)) == Status.OK) {
                released++;
            }
        }
        mem.store32(base + HELD, held);
        return released;
    }
}
