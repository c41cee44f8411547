package testbed.corpus.entries.memory;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.Memory;
import testbed.kernel.api.PacketFilter;

/**
 * Wild store into the boot header at physical address 0: the filter overwrites the magic and the
 * region directory, so the kernel and every tool that reads the memory map lose it.
 *
 * <p>Represents: a wild write through a null-based pointer into the lowest page, the most common
 * target of corrupted pointers in the Rio fault model (Chen et al. 1996) and the Nooks study
 * (Swift, Bershad and Levy 2003).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: ESCAPED. The header page changes: its checksum sees it.
 *   <li>{@code SFI_MASK}: OK. Every address is masked into the domain's own segment, so the stores
 *       land there; its answer, a drop, does not depend on them.
 *   <li>{@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. The first store outside
 *       the segment traps and the domain is aborted before anything outside changes.
 *   <li>{@code VERIFIED_STRICT}: REJECTED. The proof cannot show its {@code store64} at {@code filter@14} inside
 *       the segment (address base+[-262144, -262088] (8 bytes) may leave the segment), so the strict variant refuses the class at load.
 * </ul>
 */
@Entry(family = Family.MEMORY,
        threat = "overwrites the memory map the kernel publishes at address 0",
        reference = "Chen et al. 1996, ASPLOS, The Rio File Cache: pointer corruption faults; Swift, Bershad and Levy 2003, SOSP, Nooks",
        expect = {@Expect(mode = "NONE", outcome = Outcome.ESCAPED),
                  @Expect(mode = "SFI_MASK", outcome = Outcome.OK),
                  @Expect(mode = "VERIFIED_STRICT", outcome = Outcome.REJECTED)},
        otherwise = Outcome.CONTAINED)
public final class WildStoreBootHeader implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        Memory mem = ctx.memory();
        // The magic, the region count and the first records.
        for (int word = 0; word < 8; word++) {
            mem.store64(8L * word, 0L);
        }
        return 0; // drop: the answer never depends on memory a mask may have redirected
    }
}
