package testbed.corpus.entries.memory;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * A store that straddles the segment end: an 8-byte store whose address lies 4 bytes before the
 * end, so its first half is inside the segment and its second half is in the next one. A check
 * of the address alone passes; only a check that accounts for the access width catches it.
 *
 * <p>Represents: the reason Wahbe et al. (1993) surround segments with guard zones: sandboxing
 * the base address of an access does not sandbox its last byte.
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: ESCAPED. Four bytes of the neighbouring segment change; the write monitor
 *       sees a store outside the segment.
 *   <li>{@code SFI_MASK}: CONTAINED. The mask leaves the address as it is (it is inside), and
 *       the store's last 4 bytes touch the guard zone after the segment, which faults: the domain
 *       is aborted and nothing is written.
 *   <li>{@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. The check of
 *       {@code [address, address + 8)} fails and traps.
 *   <li>{@code VERIFIED_STRICT}: REJECTED. The proof cannot show its {@code store64} at {@code filter@12} inside
 *       the segment (address base+[65532] (8 bytes) may leave the segment), so the strict variant refuses the class at load.
 * </ul>
 */
@Entry(family = Family.MEMORY,
        threat = "an 8-byte store whose last 4 bytes fall past the segment end",
        reference = "Wahbe, Lucco, Anderson and Graham 1993, SOSP, Efficient Software-Based Fault Isolation: guard zones for access width",
        expect = {@Expect(mode = "NONE", outcome = Outcome.ESCAPED),
                  @Expect(mode = "VERIFIED_STRICT", outcome = Outcome.REJECTED)},
        otherwise = Outcome.CONTAINED)
public final class StoreStraddlingSegmentEnd implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        long end = ctx.segmentBase() + ctx.segmentSize();
        ctx.memory().store64(end - 4, 0x5354524144444C45L);
        return 0; // drop: the answer never depends on memory a mask may have redirected
    }
}
