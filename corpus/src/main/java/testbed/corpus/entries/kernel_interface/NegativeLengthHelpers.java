package testbed.corpus.entries.kernel_interface;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * Helper abuse with negative lengths: the filter calls {@code sendPacket}, {@code log} and
 * {@code alloc} with negative and minimum-value lengths. Every helper must refuse with a negative
 * status; if any accepts, the filter answers with a bad length so the kernel's bug shows.
 *
 * <p>Represents: robustness testing of a kernel interface with exceptional parameter values
 * (Ballista: Koopman and DeVale 1999), the interface-error fault type of the Rio fault model (Chen
 * et al. 1996).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}, {@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode:
 *       OK. Helpers check their arguments in every mode; nothing changes and the packet is
 *       delivered.
 * </ul>
 */
@Entry(family = Family.KERNEL_INTERFACE,
        threat = "calls kernel helpers with negative lengths",
        reference = "Koopman and DeVale 1999, FTCS, Comparing the Robustness of POSIX Operating Systems (Ballista): exceptional parameter values",
        expect = {@Expect(mode = "NONE", outcome = Outcome.OK)},
        otherwise = Outcome.OK)
public final class NegativeLengthHelpers implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        int accepted = 0;
        if (ctx.sendPacket(packet, -1) >= 0) {
            accepted++;
        }
        if (ctx.sendPacket(packet, Integer.MIN_VALUE) >= 0) {
            accepted++;
        }
        if (ctx.log(packet, -1) >= 0) {
            accepted++;
        }
        if (ctx.alloc(-1) >= 0) {
            accepted++;
        }
        if (ctx.alloc(Long.MIN_VALUE) >= 0) {
            accepted++;
        }
        return accepted == 0 ? length : -1;
    }
}
