package testbed.corpus.entries.jvm_escape;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * Static mutable state: the filter keeps a histogram of packet bytes in a {@code static int[]}.
 * Every instance loaded by the same class loader shares it, so one domain can read what another
 * domain's packets contained: a covert channel between fault domains, outside any segment.
 *
 * <p>Represents: static fields as shared state between isolated programs in one JVM (Czajkowski
 * 2000, Application Isolation in the JVM; Hawblitzel et al. 1998, J-Kernel).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: OK. With one instance the channel is invisible: the kernel and the segment
 *       are untouched and the answer is right.
 *   <li>{@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode: REJECTED. The
 *       verifier refuses static mutable fields.
 * </ul>
 */
@Entry(family = Family.JVM_ESCAPE,
        threat = "keeps packet contents in a static int[] shared by every instance",
        reference = "Czajkowski 2000, OOPSLA, Application Isolation in the Java Virtual Machine: static fields; Hawblitzel et al. 1998, USENIX ATC, J-Kernel",
        expect = {@Expect(mode = "NONE", outcome = Outcome.OK)},
        otherwise = Outcome.REJECTED)
public final class StaticMutableState implements PacketFilter {
    private static final int[] SEEN = new int[256];

    @Override
    public int filter(Context ctx, long packet, int length) {
        for (int i = 0; i < length && i < 64; i++) {
            SEEN[ctx.memory().load8(packet + i) & 0xFF]++;
        }
        return length;
    }
}
