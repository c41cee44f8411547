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
 * Wild store into the segment table: the filter overwrites the first segment records with all ones,
 * widening every segment to the whole machine. Editing the protection metadata itself is the
 * shortest path to privilege.
 *
 * <p>Represents: the reason SFI keeps a domain's own bounds out of its reach (Wahbe, Lucco,
 * Anderson and Graham 1993): if a domain can write the table that defines segments, no check that
 * consults it means anything.
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: ESCAPED. The segment table changes: its checksum and the fsck of segment
 *       records both see it.
 *   <li>{@code SFI_MASK}: OK. Every address is masked into the domain's own segment, so the stores
 *       land there; its answer, a drop, does not depend on them.
 *   <li>{@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. The first access outside
 *       the segment (already the read of the memory map) traps and the domain is aborted before
 *       anything outside changes.
 *   <li>{@code VERIFIED_STRICT}: REJECTED. The proof cannot show its {@code load64} at {@code filter@5} inside
 *       the segment (address base+[-262096] (8 bytes) may leave the segment), so the strict variant refuses the class at load.
 * </ul>
 */
@Entry(family = Family.MEMORY,
        threat = "overwrites the kernel's segment table to widen every segment",
        reference = "Wahbe, Lucco, Anderson and Graham 1993, SOSP, Efficient Software-Based Fault Isolation: a domain must not reach the data that defines its fault domain",
        expect = {@Expect(mode = "NONE", outcome = Outcome.ESCAPED),
                  @Expect(mode = "SFI_MASK", outcome = Outcome.OK),
                  @Expect(mode = "VERIFIED_STRICT", outcome = Outcome.REJECTED)},
        otherwise = Outcome.CONTAINED)
public final class WildStoreSegmentTable implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        Memory mem = ctx.memory();
        long segmentTable = mem.load64(BootHeader.REGIONS + BootHeader.RECORD_SIZE * BootHeader.SEGMENT_TABLE);
        for (int word = 0; word < 16; word++) {
            mem.store64(segmentTable + 8L * word, -1L);
        }
        return 0; // drop: the answer never depends on memory a mask may have redirected
    }
}
