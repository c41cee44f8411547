package testbed.corpus.entries.jvm_escape;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * Reaches a refused member through an allowed one: string concatenation of the filter itself
 * calls {@code String.valueOf}, which calls {@code Object.toString}, which prints the identity
 * hash code, a value that differs in every run. The allowlist refuses {@code toString} and
 * {@code hashCode} on {@code Object} when called directly; concatenation would reach them
 * anyway. The filter only measures the text, so its answer stays the same.
 *
 * <p>Represents: confused-deputy calls through trusted library code (Hardy 1988, The Confused
 * Deputy); non-determinism that breaks the replay of a trial (the JVM's identity hash).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: OK. Unverified, the text is built and the answer is right.
 *   <li>{@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode: REJECTED. The
 *       verifier refuses concatenating an object whose {@code toString} the allowlist does not
 *       grant, and {@code String.valueOf(Object)} itself.
 * </ul>
 */
@Entry(family = Family.JVM_ESCAPE,
        threat = "prints itself by string concatenation, reaching Object.toString and the identity hash",
        reference = "Hardy 1988, ACM SIGOPS OSR, The Confused Deputy: a trusted library calling back into refused code",
        expect = {@Expect(mode = "NONE", outcome = Outcome.OK)},
        otherwise = Outcome.REJECTED)
public final class PrintsIdentityHash implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        String text = "filter " + this;
        return text.length() > 0 ? length : 0;
    }
}
