package testbed.corpus.entries.resource;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.BootHeader;
import testbed.kernel.api.Context;
import testbed.kernel.api.LibraryOs;
import testbed.kernel.api.Memory;

/**
 * Forged frame free: the library OS learns what a free frame looks like in the frame table (by
 * binding and releasing one) and writes that marker over the entry of frame 0, the kernel's own
 * boot-header page, so the kernel will hand its memory map out to the next domain that asks.
 *
 * <p>Represents: forging a secure binding's bookkeeping instead of going through the kernel
 * (Engler, Kaashoek and O'Toole 1995), the premature-free fault of the Rio fault model (Chen et
 * al. 1996) done to someone else's memory.
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: ESCAPED. The frame table now says a kernel frame is free: its checksum and
 *       the frame fsck see it.
 *   <li>{@code SFI_MASK}: OK. The table accesses are masked into the domain's own segment; the
 *       library OS keeps and releases its own frame correctly.
 *   <li>{@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. Reading the memory map
 *       is already outside the segment and traps.
 *   <li>{@code VERIFIED_STRICT}: REJECTED. The proof cannot show its {@code load64} at {@code start@5} inside
 *       the segment (address base+[-262112] (8 bytes) may leave the segment), so the strict variant refuses the class at load.
 * </ul>
 */
@Entry(family = Family.RESOURCE,
        threat = "marks a kernel frame free by writing the frame table directly",
        reference = "Engler, Kaashoek and O'Toole 1995, SOSP, Exokernel: secure bindings; Chen et al. 1996, ASPLOS, Rio: premature-free faults",
        expect = {@Expect(mode = "NONE", outcome = Outcome.ESCAPED),
                  @Expect(mode = "SFI_MASK", outcome = Outcome.OK),
                  @Expect(mode = "VERIFIED_STRICT", outcome = Outcome.REJECTED)},
        otherwise = Outcome.CONTAINED)
public final class ForgedFrameFree implements LibraryOs {
    private int kept = -1;

    @Override
    public void start(Context ctx) {
        Memory mem = ctx.memory();
        long frameTable = mem.load64(BootHeader.REGIONS + BootHeader.RECORD_SIZE * BootHeader.FRAME_TABLE);
        kept = ctx.bindFrame();
        int probe = ctx.bindFrame();
        if (probe < 0) {
            return;
        }
        ctx.releaseFrame(probe);
        // Entries are 16 bits (use | owner << 8); the released probe's entry is what "free" looks like.
        short freeMarker = mem.load16(frameTable + 2L * probe);
        mem.store16(frameTable, freeMarker);
    }

    @Override
    public int revoke(Context ctx, int count) {
        if (count > 0 && kept >= 0 && ctx.releaseFrame(kept) >= 0) {
            kept = -1;
            return 1;
        }
        return 0;
    }
}
