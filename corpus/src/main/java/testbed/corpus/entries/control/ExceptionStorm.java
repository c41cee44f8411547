package testbed.corpus.entries.control;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * An exception storm at depth: the filter recurses close to the call-depth limit, then divides by
 * zero and catches the JVM's {@code ArithmeticException}, forever. Each exception makes the JVM
 * fill in a stack trace of every frame on the thread, the kernel's below the domain included:
 * hundreds of times what a back-edge costs, so a budget that charged one unit per handler would
 * let the filter run for seconds, racing the watchdog.
 *
 * <p>Represents: resource exhaustion that the accounting does not see (Back, Hsieh and Lepreau
 * 2000, KaffeOS: every cost must be charged to the process that causes it); the termination
 * problem of language-based systems (Rudys and Wallach 2002).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: HUNG. The loop never ends; only the machine's lockup detector notices.
 *   <li>{@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. Each
 *       caught exception costs fuel in proportion to the stack it fills in, so the fuel runs out
 *       in milliseconds.
 * </ul>
 */
@Entry(family = Family.CONTROL,
        threat = "throws and catches exceptions forever near the depth limit, each filling a deep stack trace",
        reference = "Back, Hsieh and Lepreau 2000, OSDI, Processes in KaffeOS: charging every cost; Rudys and Wallach 2002, ACM TISSEC: termination",
        expect = {@Expect(mode = "NONE", outcome = Outcome.HUNG)},
        otherwise = Outcome.CONTAINED)
public final class ExceptionStorm implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        return (int) storm(180, length - length);
    }

    private long storm(int depth, int zero) {
        if (depth > 0) {
            return storm(depth - 1, zero);
        }
        long caught = 0;
        while (caught >= 0) {
            try {
                caught += 1 / zero;
            } catch (Throwable t) {
                caught++;
            }
        }
        return caught;
    }
}
