package testbed.corpus.entries.memory;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * Off-by-one bulk copy: the filter saves the first 16 bytes of the packet at the top of its
 * segment but computes the destination as {@code end - 16 + 1}, so the last byte lands one past
 * the segment end.
 *
 * <p>Represents: the off-by-one fault type of the Rio fault model (Chen et al. 1996; Ng and Chen
 * 1999), applied to a bulk copy, where a check of the start address alone cannot see it.
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: ESCAPED. One byte of the neighbouring segment changes; the write monitor
 *       sees it.
 *   <li>{@code SFI_MASK}: OK. A correct masked copy keeps every byte inside the segment (it wraps
 *       or clamps, it does not trap); its answer, a drop, does not depend on the copy.
 *   <li>{@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. The range check of the
 *       destination fails and traps.
 *   <li>{@code VERIFIED_STRICT}: REJECTED. The proof cannot show its {@code copy} at {@code filter@15} inside
 *       the segment (destination base+[65521] with length [16] may leave the segment), so the strict variant refuses the class at load.
 * </ul>
 */
@Entry(family = Family.MEMORY,
        threat = "a 16-byte copy whose last byte lands one past the segment end",
        reference = "Chen et al. 1996, ASPLOS, The Rio File Cache, and Ng and Chen 1999, FTCS: off-by-one fault type",
        expect = {@Expect(mode = "NONE", outcome = Outcome.ESCAPED),
                  @Expect(mode = "SFI_MASK", outcome = Outcome.OK),
                  @Expect(mode = "VERIFIED_STRICT", outcome = Outcome.REJECTED)},
        otherwise = Outcome.CONTAINED)
public final class CopyPastSegmentEndByOne implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        long end = ctx.segmentBase() + ctx.segmentSize();
        ctx.memory().copy(end - 16 + 1, packet, 16);
        return 0; // drop: the answer never depends on memory a mask may have redirected
    }
}
