package testbed.corpus.entries.memory;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.BootHeader;
import testbed.kernel.api.Context;
import testbed.kernel.api.EventHandler;
import testbed.kernel.api.Memory;

/**
 * Wild store into the lock table: on every event the handler zeroes the first lock words, releasing
 * locks that other domains and the kernel hold, so two parties can enter the same critical section.
 *
 * <p>Represents: the synchronization faults of the Rio fault model (Chen, Ng, Chandra, Aycock,
 * Rajamani and Lowell 1996) delivered by a wild store, and the lock state VINO grafts must not
 * corrupt (Seltzer, Endo, Small and Smith 1996).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: ESCAPED. The lock table changes under the kernel's feet: its checksum and the
 *       lock fsck see it.
 *   <li>{@code SFI_MASK}: OK. Every address is masked into the domain's own segment, so the stores
 *       land there; the answer does not depend on them.
 *   <li>{@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. The first access outside
 *       the segment (already the read of the memory map) traps and the domain is aborted before
 *       anything outside changes.
 *   <li>{@code VERIFIED_STRICT}: REJECTED. The proof cannot show its {@code load64} at {@code handle@5} inside
 *       the segment (address base+[-262080] (8 bytes) may leave the segment), so the strict variant refuses the class at load.
 * </ul>
 */
@Entry(family = Family.MEMORY,
        threat = "zeroes kernel lock words, releasing locks it does not hold",
        reference = "Chen et al. 1996, ASPLOS, The Rio File Cache: synchronization faults; Seltzer et al. 1996, OSDI, Dealing with Disaster (VINO)",
        expect = {@Expect(mode = "NONE", outcome = Outcome.ESCAPED),
                  @Expect(mode = "SFI_MASK", outcome = Outcome.OK),
                  @Expect(mode = "VERIFIED_STRICT", outcome = Outcome.REJECTED)},
        otherwise = Outcome.CONTAINED)
public final class WildStoreLockTable implements EventHandler {

    @Override
    public boolean guard(Context ctx, int event, long argument) {
        return true;
    }

    @Override
    public long handle(Context ctx, int event, long argument) {
        Memory mem = ctx.memory();
        long lockTable = mem.load64(BootHeader.REGIONS + BootHeader.RECORD_SIZE * BootHeader.LOCK_TABLE);
        for (int word = 0; word < 8; word++) {
            mem.store64(lockTable + 8L * word, 0L);
        }
        return 0;
    }
}
