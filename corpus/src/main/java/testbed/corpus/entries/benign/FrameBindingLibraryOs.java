package testbed.corpus.entries.benign;

import testbed.corpus.Entry;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.LibraryOs;

/**
 * Benign library OS: binds four physical frames when it starts and, when the kernel revokes some,
 * releases that many (most recently bound first) and reports how many it released.
 *
 * <p>Represents: an Exokernel library OS that manages its own physical memory through secure
 * bindings and cooperates with visible revocation (Engler, Kaashoek and O'Toole 1995).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}, {@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode:
 *       OK. Any other outcome is a false alarm of the mechanism or the oracle.
 * </ul>
 */
@Entry(family = Family.BENIGN,
        threat = "control: binds four frames and gives them back when revoked",
        reference = "Engler, Kaashoek and O'Toole 1995, SOSP, Exokernel: secure bindings and visible revocation",
        expect = {},
        otherwise = Outcome.OK)
public final class FrameBindingLibraryOs implements LibraryOs {
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
        int released = 0;
        while (released < count && held > 0) {
            if (ctx.releaseFrame(frames[held - 1]) < 0) {
                break;
            }
            held--;
            released++;
        }
        return released;
    }
}
