package testbed.corpus.entries.resource;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.LibraryOs;

/**
 * Frame hoarding: the library OS binds physical frames until the kernel refuses, far more than it
 * needs, trying to starve the kernel and every other domain. It does give frames back when
 * revoked.
 *
 * <p>Represents: resource hoarding by an extension, which VINO bounds with per-graft quotas
 * (Seltzer et al. 1996) and Exokernel with visible revocation of secure bindings (Engler,
 * Kaashoek and O'Toole 1995). Quotas are the kernel's, kept in its segment table and enforced by
 * {@code bindFrame} itself, so no protection mode is needed to stop this one.
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}, {@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode:
 *       OK. The domain's frame quota makes {@code bindFrame} refuse with {@code ENOMEM} long before
 *       the pool runs dry; the library OS stops there and honours revocation.
 * </ul>
 */
@Entry(family = Family.RESOURCE,
        threat = "binds physical frames until the kernel refuses",
        reference = "Seltzer et al. 1996, OSDI, Dealing with Disaster (VINO): resource hoarding and quotas; Engler, Kaashoek and O'Toole 1995, SOSP, Exokernel: revocation",
        expect = {@Expect(mode = "NONE", outcome = Outcome.OK)},
        otherwise = Outcome.OK)
public final class HoardFrames implements LibraryOs {
    private int[] frames = new int[64];
    private int held;

    @Override
    public void start(Context ctx) {
        int frame = ctx.bindFrame();
        while (frame >= 0) {
            if (held == frames.length) {
                int[] larger = new int[held * 2];
                for (int i = 0; i < held; i++) {
                    larger[i] = frames[i];
                }
                frames = larger;
            }
            frames[held++] = frame;
            frame = ctx.bindFrame();
        }
    }

    @Override
    public int revoke(Context ctx, int count) {
        int released = 0;
        while (released < count && held > 0) {
            if (ctx.releaseFrame(frames[--held]) >= 0) {
                released++;
            }
        }
        return released;
    }
}
