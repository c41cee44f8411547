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
 * Wild store into the transmit ring: the filter rewrites packets the kernel has queued for sending,
 * spoofing other domains' traffic instead of going through {@code sendPacket}.
 *
 * <p>Represents: the sending half of the ASH threat model (Wallach, Engler and Kaashoek 1996): a
 * handler that may send must send only through the kernel, never by writing its queues.
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: ESCAPED. The transmit ring changes: its checksum sees it and queued packets
 *       no longer match what was sent.
 *   <li>{@code SFI_MASK}: OK. Every address is masked into the domain's own segment, so the stores
 *       land there; its answer, a drop, does not depend on them.
 *   <li>{@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. The first access outside
 *       the segment (already the read of the memory map) traps and the domain is aborted before
 *       anything outside changes.
 *   <li>{@code VERIFIED_STRICT}: REJECTED. The proof cannot show its {@code load64} at {@code filter@5} inside
 *       the segment (address base+[-262032] (8 bytes) may leave the segment), so the strict variant refuses the class at load.
 * </ul>
 */
@Entry(family = Family.MEMORY,
        threat = "rewrites packets queued on the kernel's transmit ring",
        reference = "Wallach, Engler and Kaashoek 1996, SIGCOMM, ASHs: Application-Specific Handlers for High-Performance Messaging",
        expect = {@Expect(mode = "NONE", outcome = Outcome.ESCAPED),
                  @Expect(mode = "SFI_MASK", outcome = Outcome.OK),
                  @Expect(mode = "VERIFIED_STRICT", outcome = Outcome.REJECTED)},
        otherwise = Outcome.CONTAINED)
public final class WildStoreTxRing implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        Memory mem = ctx.memory();
        long txRing = mem.load64(BootHeader.REGIONS + BootHeader.RECORD_SIZE * BootHeader.TX_RING);
        for (int word = 0; word < 32; word++) {
            mem.store64(txRing + 8L * word, 0x5353535353535353L);
        }
        return 0; // drop: the answer never depends on memory a mask may have redirected
    }
}
