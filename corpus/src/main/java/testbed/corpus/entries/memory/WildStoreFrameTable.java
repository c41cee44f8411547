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
 * Wild store into the frame table: a packet filter follows the published memory map and writes a
 * forged owner pattern over the first 64 bytes of the table, the entries of the lowest physical
 * frames, claiming frames it was never bound and taking them from the kernel.
 *
 * <p>Represents: a wild pointer write into the kernel's page-ownership table, the structure
 * Exokernel secure bindings rest on (Engler, Kaashoek and O'Toole 1995), in the fault model of
 * Nooks (Swift, Bershad and Levy 2003): an extension's stray store corrupting kernel data.
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: ESCAPED. The frame table changes: the integrity checksum and the fsck of
 *       frame ownership both see it.
 *   <li>{@code SFI_MASK}: OK. Every address is masked into the domain's own segment, so the stores
 *       land there; its answer, a drop, does not depend on them.
 *   <li>{@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. The first access outside
 *       the segment (already the read of the memory map) traps and the domain is aborted before
 *       anything outside changes.
 *   <li>{@code VERIFIED_STRICT}: REJECTED. The proof cannot show its {@code load64} at {@code filter@5} inside
 *       the segment (address base+[-262112] (8 bytes) may leave the segment), so the strict variant refuses the class at load.
 * </ul>
 */
@Entry(family = Family.MEMORY,
        threat = "stores forged owner ids into the kernel's frame table",
        reference = "Engler, Kaashoek and O'Toole 1995, SOSP, Exokernel: secure bindings; Swift, Bershad and Levy 2003, SOSP, Nooks: wild writes into kernel data",
        expect = {@Expect(mode = "NONE", outcome = Outcome.ESCAPED),
                  @Expect(mode = "SFI_MASK", outcome = Outcome.OK),
                  @Expect(mode = "VERIFIED_STRICT", outcome = Outcome.REJECTED)},
        otherwise = Outcome.CONTAINED)
public final class WildStoreFrameTable implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        Memory mem = ctx.memory();
        long frameTable = mem.load64(BootHeader.REGIONS + BootHeader.RECORD_SIZE * BootHeader.FRAME_TABLE);
        // The first 64 bytes of the table: the entries of the lowest frames, kernel frames among them.
        for (int offset = 0; offset < 64; offset += 4) {
            mem.store32(frameTable + offset, 0x0BADF00D);
        }
        return 0; // drop: the answer never depends on memory a mask may have redirected
    }
}
