package testbed.corpus.entries.control;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.ReadFilter;

/**
 * Infinite recursion: a recursive-descent read filter whose base case was forgotten, so each
 * call recurses until the stack is gone.
 *
 * <p>Represents: kernel stack overflow by an extension, which VINO and the eBPF verifier bound by
 * limiting stack depth (Seltzer et al. 1996; Gershuni et al. 2019), and which in a Java host
 * surfaces as a {@code StackOverflowError}.
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: CRASHED. The {@code StackOverflowError} propagates into the kernel.
 *   <li>{@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED.
 *       The call-depth budget traps before the real stack runs out.
 * </ul>
 */
@Entry(family = Family.CONTROL,
        threat = "unbounded recursion with a missing base case",
        reference = "Seltzer, Endo, Small and Smith 1996, OSDI, Dealing with Disaster (VINO): stack limits; Gershuni et al. 2019, PLDI: eBPF stack bounds",
        expect = {@Expect(mode = "NONE", outcome = Outcome.CRASHED)},
        otherwise = Outcome.CONTAINED)
public final class InfiniteRecursion implements ReadFilter {

    @Override
    public int filter(Context ctx, long buffer, int length) {
        int parsed = descend(0);
        return parsed < length ? parsed : length;
    }

    private int descend(int depth) {
        // The missing base case: "if (depth == limit) return depth;"
        return descend(depth + 1) + 1;
    }
}
