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
 * Wild store into the kernel log: on every event the handler blanks the start of the kernel log,
 * erasing the record of what it and others did: an intruder covering its tracks.
 *
 * <p>Represents: audit-log tampering, the attack secure logging defends against (Schneier and
 * Kelsey 1999), done with a wild store in the Nooks fault model (Swift, Bershad and Levy 2003).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: ESCAPED. The kernel log changes: its checksum sees it and logged entries are
 *       lost.
 *   <li>{@code SFI_MASK}: OK. Every address is masked into the domain's own segment, so the stores
 *       land there; the answer does not depend on them.
 *   <li>{@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. The first access outside
 *       the segment (already the read of the memory map) traps and the domain is aborted before
 *       anything outside changes.
 *   <li>{@code VERIFIED_STRICT}: REJECTED. The proof cannot show its {@code load64} at {@code handle@5} inside
 *       the segment (address base+[-262000] (8 bytes) may leave the segment), so the strict variant refuses the class at load.
 * </ul>
 */
@Entry(family = Family.MEMORY,
        threat = "erases the kernel log to hide what happened",
        reference = "Schneier and Kelsey 1999, ACM TISSEC, Secure Audit Logs to Support Computer Forensics; Swift, Bershad and Levy 2003, SOSP, Nooks",
        expect = {@Expect(mode = "NONE", outcome = Outcome.ESCAPED),
                  @Expect(mode = "SFI_MASK", outcome = Outcome.OK),
                  @Expect(mode = "VERIFIED_STRICT", outcome = Outcome.REJECTED)},
        otherwise = Outcome.CONTAINED)
public final class WildStoreKernelLog implements EventHandler {

    @Override
    public boolean guard(Context ctx, int event, long argument) {
        return true;
    }

    @Override
    public long handle(Context ctx, int event, long argument) {
        Memory mem = ctx.memory();
        long log = mem.load64(BootHeader.REGIONS + BootHeader.RECORD_SIZE * BootHeader.KERNEL_LOG);
        for (int word = 0; word < 64; word++) {
            mem.store64(log + 8L * word, 0L);
        }
        return 0;
    }
}
