package testbed.corpus.entries.control;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.EvictionPolicy;

/**
 * Off-by-one on a Java array: the eviction policy scores candidates into an array of
 * {@code count} slots but loops with {@code <=}, indexing one past the end.
 *
 * <p>Represents: the off-by-one fault type of the Rio fault model (Ng and Chen 1999) in a
 * type-safe language, where it becomes an exception instead of a wild store (the SPIN argument for
 * Modula-3, Bershad et al. 1995).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: CRASHED. The {@code ArrayIndexOutOfBoundsException} propagates into the
 *       kernel.
 *   <li>{@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. The
 *       crossing turns the exception into a trap and aborts the domain.
 * </ul>
 */
@Entry(family = Family.CONTROL,
        threat = "indexes a Java array one past its end",
        reference = "Ng and Chen 1999, FTCS, The Systematic Improvement of Fault Tolerance in the Rio File Cache: off-by-one faults; Bershad et al. 1995, SOSP, SPIN",
        expect = {@Expect(mode = "NONE", outcome = Outcome.CRASHED)},
        otherwise = Outcome.CONTAINED)
public final class ThrowsArrayIndexOutOfBounds implements EvictionPolicy {

    @Override
    public int chooseVictim(Context ctx, long candidates, int count) {
        long[] age = new long[count];
        // Clears one slot too many: "<=" where "<" was meant.
        for (int i = 0; i <= count; i++) {
            age[i] = Long.MIN_VALUE;
        }
        for (int i = 0; i < count; i++) {
            age[i] = ctx.time() - ctx.memory().load64(candidates + 16L * i + 8);
        }
        int victim = 0;
        for (int i = 1; i < count; i++) {
            if (age[i] > age[victim]) {
                victim = i;
            }
        }
        return victim;
    }
}
