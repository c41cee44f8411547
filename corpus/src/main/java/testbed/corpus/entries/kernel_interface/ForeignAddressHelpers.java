package testbed.corpus.entries.kernel_interface;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * Helper abuse with foreign addresses: the filter asks {@code sendPacket} and {@code log} to read
 * from the boot header, the neighbouring segment, a range straddling its own segment end, the
 * page below its segment and negative addresses, hoping the kernel will copy out memory the
 * filter cannot read itself. Every call must fail with {@code EFAULT}; if any succeeds, the
 * filter answers with a bad length so the kernel's bug shows.
 *
 * <p>Represents: the confused-deputy attack on a kernel interface (Hardy 1988): a helper that
 * trusts a caller's pointer reads or writes on the caller's behalf with the kernel's authority.
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}, {@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode:
 *       OK. Helpers check that ranges lie in the caller's segment in every mode.
 * </ul>
 */
@Entry(family = Family.KERNEL_INTERFACE,
        threat = "passes addresses outside its segment to kernel helpers",
        reference = "Hardy 1988, ACM SIGOPS OSR, The Confused Deputy; Koopman and DeVale 1999, FTCS, Ballista",
        expect = {@Expect(mode = "NONE", outcome = Outcome.OK)},
        otherwise = Outcome.OK)
public final class ForeignAddressHelpers implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        long base = ctx.segmentBase();
        long end = base + ctx.segmentSize();
        int accepted = 0;
        if (ctx.sendPacket(0, 64) >= 0) {
            accepted++;
        }
        if (ctx.sendPacket(end, 64) >= 0) {
            accepted++;
        }
        if (ctx.sendPacket(end - 8, 64) >= 0) {
            accepted++;
        }
        if (ctx.log(base - 4096, 128) >= 0) {
            accepted++;
        }
        if (ctx.log(Long.MIN_VALUE, 8) >= 0) {
            accepted++;
        }
        if (ctx.sendPacket(-1L, 1) >= 0) {
            accepted++;
        }
        return accepted == 0 ? length : -1;
    }
}
