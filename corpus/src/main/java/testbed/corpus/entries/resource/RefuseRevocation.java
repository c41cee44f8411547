package testbed.corpus.entries.resource;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.LibraryOs;

/**
 * Refusal to yield on revocation: the library OS binds four frames and, when the kernel asks for
 * some back, releases none and says so.
 *
 * <p>Represents: the uncooperative library OS of Exokernel's visible revocation, which the abort
 * protocol answers by breaking the secure bindings by force (Engler, Kaashoek and O'Toole 1995).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}, {@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode:
 *       CONTAINED. The abort protocol is the kernel's, not a protection mode's: after the call the
 *       kernel counts the frames still bound (it does not trust the answer), finds too many, aborts
 *       the domain ({@code REVOCATION_TIMEOUT}) and takes its frames back by force.
 * </ul>
 */
@Entry(family = Family.RESOURCE,
        threat = "keeps every frame when the kernel revokes some",
        reference = "Engler, Kaashoek and O'Toole 1995, SOSP, Exokernel: visible revocation and the abort protocol",
        expect = {@Expect(mode = "NONE", outcome = Outcome.CONTAINED)},
        otherwise = Outcome.CONTAINED)
public final class RefuseRevocation implements LibraryOs {
    private final int[] frames = new int[4];
    private int held;

    @Override
    public void start(Context ctx) {
        while (held < frames.length) {
            int frame = ctx.bindFrame();
            if (frame < 0) {
                return;
            }
            frames[held++] = frame;
        }
    }

    @Override
    public int revoke(Context ctx, int count) {
        return 0;
    }
}
