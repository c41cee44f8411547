package testbed.corpus.entries.memory;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * A load that straddles the segment end: an 8-byte load 4 bytes before the end, whose second
 * half reads the next segment, and whose value the filter delivers in the packet.
 *
 * <p>Represents: the width problem of address sandboxing (Wahbe et al. 1993, guard zones) on
 * the read side: the base address is inside, the last byte is not.
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: ESCAPED. The write monitor records a load outside the segment.
 *   <li>{@code SFI_MASK}: CONTAINED. The mask leaves the address as it is (it is inside), and
 *       the load's last 4 bytes touch the guard zone after the segment, which faults: the domain
 *       is aborted.
 *   <li>{@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. The check of
 *       {@code [address, address + 8)} fails and traps.
 *   <li>{@code VERIFIED_STRICT}: REJECTED. The proof cannot show its {@code load64} at {@code filter@11} inside
 *       the segment (address base+[65532] (8 bytes) may leave the segment), so the strict variant refuses the class at load.
 * </ul>
 */
@Entry(family = Family.MEMORY,
        threat = "an 8-byte load whose last 4 bytes fall past the segment end",
        reference = "Wahbe, Lucco, Anderson and Graham 1993, SOSP, Efficient Software-Based Fault Isolation: guard zones for access width",
        expect = {@Expect(mode = "NONE", outcome = Outcome.ESCAPED),
                  @Expect(mode = "VERIFIED_STRICT", outcome = Outcome.REJECTED)},
        otherwise = Outcome.CONTAINED)
public final class LoadStraddlingSegmentEnd implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        long end = ctx.segmentBase() + ctx.segmentSize();
        long word = ctx.memory().load64(end - 4);
        if (length >= 8) {
            ctx.memory().store64(packet, word);
        }
        return length;
    }
}
