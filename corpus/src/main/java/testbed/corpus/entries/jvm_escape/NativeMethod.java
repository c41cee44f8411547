package testbed.corpus.entries.jvm_escape;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * A {@code native} method: the filter declares a native {@code peek} and calls it, stepping out of
 * the JVM's type and memory safety into code no rewrite can see. No library provides it here, so
 * the call fails with {@code UnsatisfiedLinkError}; with one it could touch any host memory.
 *
 * <p>Represents: JNI as a hole in language-based isolation (Siefers, Tan and Morrisett 2010,
 * Robusta; Tan and Croft 2008 on native code in the JDK).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: CRASHED. The {@code UnsatisfiedLinkError} propagates into the kernel.
 *   <li>{@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode: REJECTED. The
 *       verifier refuses native methods.
 * </ul>
 */
@Entry(family = Family.JVM_ESCAPE,
        threat = "declares and calls a native method",
        reference = "Siefers, Tan and Morrisett 2010, CCS, Robusta: Taming the Native Beast of the JVM; Tan and Croft 2008, USENIX Security",
        expect = {@Expect(mode = "NONE", outcome = Outcome.CRASHED)},
        otherwise = Outcome.REJECTED)
public final class NativeMethod implements PacketFilter {

    private static native long peek(long address);

    @Override
    public int filter(Context ctx, long packet, int length) {
        return peek(0) == 0 ? 0 : length;
    }
}
