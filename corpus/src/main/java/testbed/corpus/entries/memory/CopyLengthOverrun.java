package testbed.corpus.entries.memory;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * Length overrun in a bulk copy: the filter copies its segment into a "reassembly area" that
 * starts in the middle of the segment, sizing the copy by the segment instead of by the room
 * left, so half of it runs past the end into the neighbouring segment.
 *
 * <p>Represents: the copy-overrun fault type of the Rio fault model (Chen et al. 1996), the bug
 * class of an unchecked length, as in Heartbleed (CVE-2014-0160) on the read side.
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: ESCAPED. Half a segment of the neighbour is overwritten; the write monitor
 *       sees stores outside the segment.
 *   <li>{@code SFI_MASK}: OK. A correct masked copy keeps every byte inside the segment; its
 *       answer, a drop, does not depend on the copy.
 *   <li>{@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. The range check of the
 *       destination fails and traps.
 *   <li>{@code VERIFIED_STRICT}: REJECTED. The proof cannot show its {@code copy} at {@code filter@15} inside
 *       the segment (destination base+[32768] with length [65536] may leave the segment), so the strict variant refuses the class at load.
 * </ul>
 */
@Entry(family = Family.MEMORY,
        threat = "a bulk copy of a whole segment's length to the segment's middle",
        reference = "Chen et al. 1996, ASPLOS, The Rio File Cache: copy-overrun fault type; CVE-2014-0160 (Heartbleed): unchecked length",
        expect = {@Expect(mode = "NONE", outcome = Outcome.ESCAPED),
                  @Expect(mode = "SFI_MASK", outcome = Outcome.OK),
                  @Expect(mode = "VERIFIED_STRICT", outcome = Outcome.REJECTED)},
        otherwise = Outcome.CONTAINED)
public final class CopyLengthOverrun implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        long base = ctx.segmentBase();
        long size = ctx.segmentSize();
        ctx.memory().copy(base + size / 2, base, size);
        return 0; // drop: the answer never depends on memory a mask may have redirected
    }
}
