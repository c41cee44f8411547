package testbed.corpus.entries.memory;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * Huge copy length: the filter decodes a length as an unsigned 64-bit "all ones" value (halved,
 * so it stays positive) and copies that many bytes, far more than physical memory holds.
 *
 * <p>Represents: the unchecked-size bug of {@code memcpy(dst, src, (size_t) -1)}, the
 * copy-overrun fault type of the Rio fault model (Chen et al. 1996) at its extreme.
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: CRASHED. The length reaches physical memory, which raises a machine check
 *       in trusted code: the host fails.
 *   <li>{@code SFI_MASK}: OK. Address sandboxing masks the length like an address
 *       ({@code len & mask}) and clamps it to the segment's end, so the copy stays inside the
 *       segment without a trap (the filter drops the packet either way).
 *   <li>{@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. The range check fails
 *       and traps.
 *   <li>{@code VERIFIED_STRICT}: REJECTED. The proof cannot show its {@code copy} at {@code filter@7} inside
 *       the segment (length [9223372036854775807] may be negative or larger than the segment), so the strict variant refuses the class at load.
 * </ul>
 */
@Entry(family = Family.MEMORY,
        threat = "a bulk copy of Long.MAX_VALUE bytes",
        reference = "Chen et al. 1996, ASPLOS, The Rio File Cache: copy-overrun fault type; memcpy with an unchecked size_t length",
        expect = {@Expect(mode = "NONE", outcome = Outcome.CRASHED),
                  @Expect(mode = "SFI_MASK", outcome = Outcome.OK),
                  @Expect(mode = "VERIFIED_STRICT", outcome = Outcome.REJECTED)},
        otherwise = Outcome.CONTAINED)
public final class CopyHugeLength implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        long decoded = -1L >>> 1;
        ctx.memory().copy(packet, packet, decoded);
        return 0; // drop: the answer never depends on memory a mask may have redirected
    }
}
