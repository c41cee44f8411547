package testbed.corpus.entries.kernel_interface;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.ReadFilter;

/**
 * Double free and wild free: the read filter allocates a block, frees it, then frees it again,
 * frees an address inside another block, and frees addresses it never got from {@code alloc}
 * (zero, minus one, the segment base). Every bad free must return {@code ENOENT}; if one is
 * accepted the filter answers with a bad length so the kernel's bug shows.
 *
 * <p>Represents: the allocation-management fault type of the Rio fault model (Chen et al. 1996),
 * double free (CWE-415), aimed at the kernel's allocator through its interface.
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}, {@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode:
 *       OK. {@code free} checks that the address is a live block of the caller's in every mode.
 * </ul>
 */
@Entry(family = Family.KERNEL_INTERFACE,
        threat = "frees a block twice and frees addresses it never allocated",
        reference = "Chen et al. 1996, ASPLOS, The Rio File Cache: allocation-management faults; CWE-415 Double Free",
        expect = {@Expect(mode = "NONE", outcome = Outcome.OK)},
        otherwise = Outcome.OK)
public final class DoubleFree implements ReadFilter {

    @Override
    public int filter(Context ctx, long buffer, int length) {
        int accepted = 0;
        long block = ctx.alloc(64);
        long other = ctx.alloc(64);
        if (block >= 0 && ctx.free(block) >= 0 && ctx.free(block) >= 0) {
            accepted++;
        }
        if (other >= 0) {
            if (ctx.free(other + 8) >= 0) {
                accepted++;
            }
            ctx.free(other);
        }
        if (ctx.free(0) >= 0) {
            accepted++;
        }
        if (ctx.free(-1L) >= 0) {
            accepted++;
        }
        if (ctx.free(ctx.segmentBase()) >= 0) {
            accepted++;
        }
        return accepted == 0 ? length : -1;
    }
}
