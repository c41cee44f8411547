package testbed.corpus.entries.resource;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.ReadFilter;

/**
 * Segment heap exhaustion: on every read the filter allocates 4 KiB blocks from its segment's
 * heap until {@code alloc} refuses, and frees none of them.
 *
 * <p>Represents: a memory leak, the allocation-management fault type of the Rio fault model (Chen
 * et al. 1996), against an allocator whose pool is the domain's own segment, so the leak can only
 * hurt the leaker (the VINO quota argument, Seltzer et al. 1996).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}, {@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode:
 *       OK. The heap lives inside the segment and {@code alloc} returns {@code ENOMEM} when it is
 *       full; the kernel and other domains are untouched.
 * </ul>
 */
@Entry(family = Family.RESOURCE,
        threat = "allocates from its segment heap until refused and never frees",
        reference = "Chen et al. 1996, ASPLOS, The Rio File Cache: memory-leak (allocation management) faults; Seltzer et al. 1996, OSDI, VINO: quotas",
        expect = {@Expect(mode = "NONE", outcome = Outcome.OK)},
        otherwise = Outcome.OK)
public final class ExhaustSegmentHeap implements ReadFilter {

    @Override
    public int filter(Context ctx, long buffer, int length) {
        long block = ctx.alloc(4096);
        while (block >= 0) {
            block = ctx.alloc(4096);
        }
        return length;
    }
}
