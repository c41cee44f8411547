package testbed.corpus.entries.kernel_interface;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.EvictionPolicy;

/**
 * An eviction policy that names a victim that is not a candidate: it returns {@code count}, one
 * past the last candidate, the classic fencepost answer.
 *
 * <p>Represents: VINO's page-eviction graft, whose choice the kernel must check against the
 * candidates it offered before acting on it (Seltzer, Endo, Small and Smith 1996).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}, {@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode:
 *       WRONG_RESULT. The kernel rejects the index and uses its own LRU choice.
 * </ul>
 */
@Entry(family = Family.KERNEL_INTERFACE,
        threat = "returns an eviction victim index one past the candidates",
        reference = "Seltzer, Endo, Small and Smith 1996, OSDI, Dealing with Disaster (VINO): the kernel checks a graft's eviction choice",
        expect = {@Expect(mode = "NONE", outcome = Outcome.WRONG_RESULT)},
        otherwise = Outcome.WRONG_RESULT)
public final class EvictionVictimOutOfRange implements EvictionPolicy {

    @Override
    public int chooseVictim(Context ctx, long candidates, int count) {
        return count;
    }
}
