package testbed.corpus.entries.control;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * Catch-and-continue after a trap: the filter recurses until something stops it, catches whatever
 * was thrown with {@code catch (Throwable t)} and tries again, forever. Whatever the host throws
 * to stop it (a call-depth trap, a fuel trap, a thread death) is swallowed unless the rewrite
 * prevents it.
 *
 * <p>Represents: the termination problem of language-based systems (Rudys and Wallach 2002, soft
 * termination): untrusted code that catches the exception meant to kill it and keeps running.
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: HUNG. Each {@code StackOverflowError} is caught and the loop goes on; only the
 *       watchdog notices.
 *   <li>{@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. The
 *       rewrite makes the handler rethrow a trap at once, so the first budget trap ends the domain.
 * </ul>
 */
@Entry(family = Family.CONTROL,
        threat = "catches every Throwable, including traps, and keeps looping",
        reference = "Rudys and Wallach 2002, ACM TISSEC, Termination in Language-based Systems: code that catches its own termination",
        expect = {@Expect(mode = "NONE", outcome = Outcome.HUNG)},
        otherwise = Outcome.CONTAINED)
public final class CatchTrapAndContinue implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        long swallowed = 0;
        while (swallowed >= 0) {
            try {
                descend(0);
            } catch (Throwable t) {
                swallowed = (swallowed + 1) & Long.MAX_VALUE;
            }
        }
        return length;
    }

    private int descend(int depth) {
        return descend(depth + 1) + 1;
    }
}
