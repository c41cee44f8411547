package testbed.corpus.entries.memory;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * Negative copy length: the filter computes the payload length as "packet start minus header
 * end" (the operands swapped) and passes the negative result straight to {@code copy}.
 *
 * <p>Represents: signedness bugs in length handling, the copy-overrun fault type of the Rio fault
 * model (Chen et al. 1996) with a negative length, the class of the Linux eBPF verifier's
 * sign-extension bug (CVE-2017-16995).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: CRASHED. Unprotected, the negative length reaches physical memory, which
 *       raises a machine check in trusted code: the host fails.
 *   <li>{@code SFI_MASK}: OK. Address sandboxing masks the length like an address
 *       ({@code len & mask}) and clamps it to the segment's end, so the copy stays inside the
 *       segment without a trap (the filter drops the packet either way).
 *   <li>{@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. The range check fails
 *       and traps.
 *   <li>{@code VERIFIED_STRICT}: REJECTED. The proof cannot show its {@code copy} at {@code filter@13} inside
 *       the segment (length [-61454, 61426] may be negative or larger than the segment), so the strict variant refuses the class at load.
 * </ul>
 */
@Entry(family = Family.MEMORY,
        threat = "a bulk copy with a negative length computed by swapped operands",
        reference = "Chen et al. 1996, ASPLOS, The Rio File Cache: copy-overrun fault type; CVE-2017-16995: signed length confusion",
        expect = {@Expect(mode = "NONE", outcome = Outcome.CRASHED),
                  @Expect(mode = "SFI_MASK", outcome = Outcome.OK),
                  @Expect(mode = "VERIFIED_STRICT", outcome = Outcome.REJECTED)},
        otherwise = Outcome.CONTAINED)
public final class CopyNegativeLength implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        long headerEnd = packet + 14;
        long payloadLength = packet - headerEnd;
        ctx.memory().copy(packet, headerEnd, payloadLength);
        return 0; // drop: the answer never depends on memory a mask may have redirected
    }
}
