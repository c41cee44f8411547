package testbed.corpus.entries.kernel_interface;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * Releasing frames it does not own: the filter releases frame 0 (the kernel's boot header), frame
 * numbers that cannot exist, the frame after one it owns, and its own frame twice. Every bad
 * release must fail with {@code EPERM} (or {@code EINVAL}); if one is accepted the filter answers
 * with a bad length so the kernel's bug shows.
 *
 * <p>Represents: forging the end of a secure binding through the kernel interface: Exokernel's
 * kernel must check ownership on every release (Engler, Kaashoek and O'Toole 1995); a forged
 * release of another's frame is a use-after-free waiting to happen.
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}, {@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode:
 *       OK. {@code releaseFrame} checks ownership in every mode.
 * </ul>
 */
@Entry(family = Family.KERNEL_INTERFACE,
        threat = "releases frames it does not own, and its own frame twice",
        reference = "Engler, Kaashoek and O'Toole 1995, SOSP, Exokernel: secure bindings checked on every use",
        expect = {@Expect(mode = "NONE", outcome = Outcome.OK)},
        otherwise = Outcome.OK)
public final class ReleaseForeignFrame implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        int accepted = 0;
        if (ctx.releaseFrame(0) >= 0) {
            accepted++;
        }
        if (ctx.releaseFrame(-1) >= 0) {
            accepted++;
        }
        if (ctx.releaseFrame(Integer.MAX_VALUE) >= 0) {
            accepted++;
        }
        int frame = ctx.bindFrame();
        if (frame >= 0) {
            if (ctx.releaseFrame(frame + 1) >= 0) {
                accepted++;
            }
            ctx.releaseFrame(frame);
            if (ctx.releaseFrame(frame) >= 0) {
                accepted++;
            }
        }
        return accepted == 0 ? length : -1;
    }
}
