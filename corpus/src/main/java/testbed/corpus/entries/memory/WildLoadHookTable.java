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
 * Wild load from the hook table: the filter reads which domains are attached to which hooks and
 * delivers it inside the packet.
 *
 * <p>Represents: unprotected loads under SFI (Wahbe et al. 1993): the dispatch table reveals the
 * other extensions a rootkit would hook around (Hoglund and Butler 2005).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: ESCAPED. The write monitor records loads outside the segment.
 *   <li>{@code SFI_MASK}: OK. Every address is masked into the domain's own segment, so it copies
 *       its own bytes; the answer does not depend on them.
 *   <li>{@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. The first load outside
 *       the segment (already the read of the memory map) traps; nothing leaves the kernel.
 *   <li>{@code VERIFIED_STRICT}: REJECTED. The proof cannot show its {@code load64} at {@code filter@5} inside
 *       the segment (address base+[-262064] (8 bytes) may leave the segment), so the strict variant refuses the class at load.
 * </ul>
 */
@Entry(family = Family.MEMORY,
        threat = "reads the hook table and leaks it in the delivered packet",
        reference = "Wahbe, Lucco, Anderson and Graham 1993, SOSP, Efficient Software-Based Fault Isolation: read protection; Hoglund and Butler 2005, Rootkits",
        expect = {@Expect(mode = "NONE", outcome = Outcome.ESCAPED),
                  @Expect(mode = "SFI_MASK", outcome = Outcome.OK),
                  @Expect(mode = "VERIFIED_STRICT", outcome = Outcome.REJECTED)},
        otherwise = Outcome.CONTAINED)
public final class WildLoadHookTable implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        Memory mem = ctx.memory();
        long source = mem.load64(BootHeader.REGIONS + BootHeader.RECORD_SIZE * BootHeader.HOOK_TABLE);
        // Copy kernel words over the packet, which the kernel then delivers to a user.
        for (int i = 0; i < 8; i++) {
            long word = mem.load64(source + 8L * i);
            if (8 * i + 8 <= length) {
                mem.store64(packet + 8L * i, word);
            }
        }
        return length;
    }
}
