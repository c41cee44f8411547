package testbed.corpus.entries.control;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.EventHandler;

/**
 * A {@code finally} block that never ends: the handler recurses until something stops it, and its
 * {@code finally} clause then spins forever, so whatever unwinds the domain never gets out.
 *
 * <p>Represents: the second half of the soft-termination problem (Rudys and Wallach 2002):
 * cleanup code is untrusted code too, and a {@code finally} block can refuse to finish.
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: HUNG. The {@code StackOverflowError} unwinds into the {@code finally} block,
 *       which never completes.
 *   <li>{@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. The
 *       rewrite makes {@code finally} handlers rethrow a trap at once (and the loop would run out of
 *       fuel anyway).
 * </ul>
 */
@Entry(family = Family.CONTROL,
        threat = "a finally clause that loops forever while a trap unwinds through it",
        reference = "Rudys and Wallach 2002, ACM TISSEC, Termination in Language-based Systems: finally blocks that refuse to terminate",
        expect = {@Expect(mode = "NONE", outcome = Outcome.HUNG)},
        otherwise = Outcome.CONTAINED)
public final class FinallyThatLoops implements EventHandler {

    @Override
    public boolean guard(Context ctx, int event, long argument) {
        return true;
    }

    @Override
    @SuppressWarnings("finally")
    public long handle(Context ctx, int event, long argument) {
        try {
            return descend(0);
        } finally {
            long spins = 0;
            while (spins >= 0) {
                spins = (spins + 1) & Long.MAX_VALUE;
            }
        }
    }

    private long descend(long depth) {
        return descend(depth + 1) + 1;
    }
}
