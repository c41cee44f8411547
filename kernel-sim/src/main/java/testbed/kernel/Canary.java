package testbed.kernel;

import java.util.SplittableRandom;
import testbed.kernel.api.Context;
import testbed.kernel.api.EventHandler;
import testbed.kernel.api.Memory;

/**
 * The canary domain's extension: a trusted event handler booted as domain
 * {@link Kernel#CANARY_ID} beside every trial. Its segment holds a seeded pattern; asked with
 * {@link #EVENT} it hashes that pattern, so its answer changes if anything disturbed its
 * segment. The oracle checks both the segment and the answer after each trial; it also reaches
 * the canary through the dispatcher as part of the liveness probe.
 */
public final class Canary implements EventHandler {
    /** The private event only the canary's guard accepts. */
    public static final int EVENT = 0x43414E59;
    /** The canary's segment size. */
    public static final long SEGMENT_SIZE = 8 << 10;

    @Override
    public boolean guard(Context ctx, int event, long argument) {
        return event == EVENT;
    }

    @Override
    public long handle(Context ctx, int event, long argument) {
        Memory m = ctx.memory();
        long h = 0xcbf29ce484222325L ^ argument;
        long end = ctx.segmentBase() + ctx.segmentSize();
        for (long a = ctx.segmentBase() + Domain.WINDOW_SIZE; a < end; a += 8) {
            h ^= m.load64(a);
            h *= 0x100000001b3L;
        }
        return h & Long.MAX_VALUE;
    }

    /** The spec the kernel creates the canary with: only the event hook. */
    static DomainSpec spec() {
        return DomainSpec.segment(SEGMENT_SIZE).allow(Capability.EVENT_HANDLER).frames(0).locks(0).heap(0);
    }

    /** Fills the canary's whole segment with a pattern derived from {@code seed}, as the kernel. */
    static void fill(PhysicalMemory memory, Segment segment, long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ 0xCA9A);
        for (long a = segment.base(); a < segment.end(); a += 8) {
            memory.store64(a, random.nextLong());
        }
    }
}
