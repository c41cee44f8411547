package testbed.corpus.entries.memory;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.Memory;
import testbed.kernel.api.PacketFilter;

/**
 * Wild store into another domain's segment: the filter writes over the segment just above its own,
 * where the next fault domain (in a trial, the canary) lives. No memory map is needed: segments are
 * contiguous and size-aligned.
 *
 * <p>Represents: the fault SFI was invented to contain: two untrusted modules in one address space,
 * one writing the other's memory (Wahbe, Lucco, Anderson and Graham 1993).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: ESCAPED. The neighbouring segment changes: the write monitor sees a store
 *       outside the segment and the canary's bytes change.
 *   <li>{@code SFI_MASK}: OK. Every address is masked into the domain's own segment, so the stores
 *       land there; its answer, a drop, does not depend on them.
 *   <li>{@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. The first store outside
 *       the segment traps and the domain is aborted before anything outside changes.
 *   <li>{@code VERIFIED_STRICT}: REJECTED. The proof cannot show its {@code store64} at {@code filter@22} inside
 *       the segment (address base+[65536, 65656] (8 bytes) may leave the segment), so the strict variant refuses the class at load.
 * </ul>
 */
@Entry(family = Family.MEMORY,
        threat = "stores into the neighbouring domain's segment",
        reference = "Wahbe, Lucco, Anderson and Graham 1993, SOSP, Efficient Software-Based Fault Isolation: fault domains sharing one address space",
        expect = {@Expect(mode = "NONE", outcome = Outcome.ESCAPED),
                  @Expect(mode = "SFI_MASK", outcome = Outcome.OK),
                  @Expect(mode = "VERIFIED_STRICT", outcome = Outcome.REJECTED)},
        otherwise = Outcome.CONTAINED)
public final class WildStoreNeighbourSegment implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        Memory mem = ctx.memory();
        long neighbour = ctx.segmentBase() + ctx.segmentSize();
        for (int word = 0; word < 16; word++) {
            mem.store64(neighbour + 8L * word, 0x6E6569676862726FL);
        }
        return 0; // drop: the answer never depends on memory a mask may have redirected
    }
}
