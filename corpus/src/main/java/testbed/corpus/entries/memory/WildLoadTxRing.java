package testbed.corpus.entries.memory;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.BootHeader;
import testbed.kernel.api.Context;
import testbed.kernel.api.Memory;
import testbed.kernel.api.PacketFilter;

/**
 * Wild load from the transmit ring: the filter reads packets other domains queued for sending and
 * delivers them inside its own.
 *
 * <p>Represents: the packet filter's confinement rule (McCanne and Jacobson 1993, BPF), broken on
 * the send side.
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: ESCAPED. The write monitor records loads outside the segment.
 *   <li>{@code SFI_MASK}: OK. Every address is masked into the domain's own segment, so it copies
 *       its own bytes; the answer does not depend on them.
 *   <li>{@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. The first load outside
 *       the segment (already the read of the memory map) traps; nothing leaves the kernel.
 *   <li>{@code VERIFIED_STRICT}: REJECTED. The proof cannot show its {@code load64} at {@code filter@5} inside
 *       the segment (address base+[-262032] (8 bytes) may leave the segment), so the strict variant refuses the class at load.
 * </ul>
 */
@Entry(family = Family.MEMORY,
        threat = "reads other domains' outgoing packets from the transmit ring and delivers them",
        reference = "McCanne and Jacobson 1993, USENIX Winter, The BSD Packet Filter: a filter reads only its own packet",
        expect = {@Expect(mode = "NONE", outcome = Outcome.ESCAPED),
                  @Expect(mode = "SFI_MASK", outcome = Outcome.OK),
                  @Expect(mode = "VERIFIED_STRICT", outcome = Outcome.REJECTED)},
        otherwise = Outcome.CONTAINED)
public final class WildLoadTxRing implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        Memory mem = ctx.memory();
        long source = mem.load64(BootHeader.REGIONS + BootHeader.RECORD_SIZE * BootHeader.TX_RING);
        // Copy kernel words over the packet, which the kernel then delivers to a user.
        for (int i = 0; i < 8; i++) {
            long word = mem.load64(source + 8L * i);
            if (8 * i + 8 <= length) {
                mem.store64(packet + 8L * i, word);
            }
        }
        return length;
    }
}
