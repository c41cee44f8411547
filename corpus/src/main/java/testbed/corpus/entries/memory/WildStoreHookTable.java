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
 * Wild store into the hook table: the filter copies its own first hook record over the others, so
 * the kernel would dispatch every hook to this extension. It is the dispatch-table hook of kernel
 * rootkits, aimed at the testbed's hook points.
 *
 * <p>Represents: system call table hooking by rootkits (Hoglund and Butler 2005) and the wild
 * writes of the Nooks fault model (Swift, Bershad and Levy 2003).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: ESCAPED. The hook table changes: its checksum sees it and the hook fsck finds
 *       records that point at the wrong domain.
 *   <li>{@code SFI_MASK}: OK. Every address is masked into the domain's own segment, so the stores
 *       land there; its answer, a drop, does not depend on them.
 *   <li>{@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. The first access outside
 *       the segment (already the read of the memory map) traps and the domain is aborted before
 *       anything outside changes.
 *   <li>{@code VERIFIED_STRICT}: REJECTED. The proof cannot show its {@code load64} at {@code filter@5} inside
 *       the segment (address base+[-262064] (8 bytes) may leave the segment), so the strict variant refuses the class at load.
 * </ul>
 */
@Entry(family = Family.MEMORY,
        threat = "overwrites the kernel's hook table to redirect every hook",
        reference = "Hoglund and Butler 2005, Rootkits: Subverting the Windows Kernel, dispatch-table hooking; Swift, Bershad and Levy 2003, SOSP, Nooks",
        expect = {@Expect(mode = "NONE", outcome = Outcome.ESCAPED),
                  @Expect(mode = "SFI_MASK", outcome = Outcome.OK),
                  @Expect(mode = "VERIFIED_STRICT", outcome = Outcome.REJECTED)},
        otherwise = Outcome.CONTAINED)
public final class WildStoreHookTable implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        Memory mem = ctx.memory();
        long hookTable = mem.load64(BootHeader.REGIONS + BootHeader.RECORD_SIZE * BootHeader.HOOK_TABLE);
        long first = mem.load64(hookTable);
        for (int record = 1; record < 8; record++) {
            mem.store64(hookTable + 16L * record, first);
        }
        return 0; // drop: the answer never depends on memory a mask may have redirected
    }
}
