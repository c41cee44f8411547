package testbed.corpus.entries.memory;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.EventHandler;
import testbed.kernel.api.Memory;

/**
 * Wild load from another domain's segment: on every event the handler reads the segment just below
 * its own and keeps a copy in its heap, spying on a neighbouring fault domain.
 *
 * <p>Represents: the confidentiality half of fault isolation (Wahbe, Lucco, Anderson and Graham
 * 1993): domains in one address space must not read each other either.
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: ESCAPED. The write monitor records loads outside the segment.
 *   <li>{@code SFI_MASK}: OK. Every address is masked into the domain's own segment, so it copies
 *       its own bytes; the result does not depend on them.
 *   <li>{@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. The first load outside
 *       the segment traps; nothing leaves the neighbour.
 *   <li>{@code VERIFIED_STRICT}: REJECTED. The proof cannot show its {@code load64} at {@code handle@25} inside
 *       the segment (address base+[-65536, -65480] (8 bytes) may leave the segment), so the strict variant refuses the class at load.
 * </ul>
 */
@Entry(family = Family.MEMORY,
        threat = "reads the neighbouring domain's segment",
        reference = "Wahbe, Lucco, Anderson and Graham 1993, SOSP, Efficient Software-Based Fault Isolation: read protection between fault domains",
        expect = {@Expect(mode = "NONE", outcome = Outcome.ESCAPED),
                  @Expect(mode = "SFI_MASK", outcome = Outcome.OK),
                  @Expect(mode = "VERIFIED_STRICT", outcome = Outcome.REJECTED)},
        otherwise = Outcome.CONTAINED)
public final class WildLoadNeighbourSegment implements EventHandler {

    @Override
    public boolean guard(Context ctx, int event, long argument) {
        return true;
    }

    @Override
    public long handle(Context ctx, int event, long argument) {
        Memory mem = ctx.memory();
        long neighbour = ctx.segmentBase() - ctx.segmentSize();
        long copy = ctx.alloc(64);
        for (int i = 0; i < 8; i++) {
            long word = mem.load64(neighbour + 8L * i);
            if (copy >= 0) {
                mem.store64(copy + 8L * i, word);
            }
        }
        return 0;
    }
}
