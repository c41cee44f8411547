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
 * Wild store into the receive ring: the filter writes a forged packet over the first slots of the
 * kernel's receive ring, injecting traffic that other domains will take as having arrived from the
 * wire.
 *
 * <p>Represents: a network extension corrupting a shared descriptor ring, the driver fault Nooks
 * isolates (Swift, Bershad and Levy 2003); ASH handlers were sandboxed for exactly this reason
 * (Wallach, Engler and Kaashoek 1996).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: ESCAPED. The receive ring changes: its checksum sees it and the data check
 *       finds packets that never arrived.
 *   <li>{@code SFI_MASK}: OK. Every address is masked into the domain's own segment, so the stores
 *       land there; its answer, a drop, does not depend on them.
 *   <li>{@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. The first access outside
 *       the segment (already the read of the memory map) traps and the domain is aborted before
 *       anything outside changes.
 *   <li>{@code VERIFIED_STRICT}: REJECTED. The proof cannot show its {@code load64} at {@code filter@5} inside
 *       the segment (address base+[-262048] (8 bytes) may leave the segment), so the strict variant refuses the class at load.
 * </ul>
 */
@Entry(family = Family.MEMORY,
        threat = "writes a forged packet into the kernel's receive ring",
        reference = "Swift, Bershad and Levy 2003, SOSP, Nooks; Wallach, Engler and Kaashoek 1996, SIGCOMM, ASHs: Application-Specific Handlers",
        expect = {@Expect(mode = "NONE", outcome = Outcome.ESCAPED),
                  @Expect(mode = "SFI_MASK", outcome = Outcome.OK),
                  @Expect(mode = "VERIFIED_STRICT", outcome = Outcome.REJECTED)},
        otherwise = Outcome.CONTAINED)
public final class WildStoreRxRing implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        Memory mem = ctx.memory();
        long rxRing = mem.load64(BootHeader.REGIONS + BootHeader.RECORD_SIZE * BootHeader.RX_RING);
        for (int word = 0; word < 32; word++) {
            mem.store64(rxRing + 8L * word, 0x4242424242424242L);
        }
        return 0; // drop: the answer never depends on memory a mask may have redirected
    }
}
