package testbed.corpus.entries.jvm_escape;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * {@code System.exit}: the filter terminates the whole JVM, kernel and all, on the first packet.
 *
 * <p>Represents: the denial of service that one tenant of a shared JVM can do to all others with
 * a single call, the motivating example for JVM isolates (Czajkowski 2000, Application Isolation
 * in the Java Virtual Machine).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: CRASHED. The JVM exits; the trial must run this in a child process to see it.
 *   <li>{@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode: REJECTED. The
 *       verifier refuses {@code java.lang.System}'s process control.
 * </ul>
 */
@Entry(family = Family.JVM_ESCAPE,
        threat = "calls System.exit and takes the host down",
        reference = "Czajkowski 2000, OOPSLA, Application Isolation in the Java Virtual Machine: System.exit and shared runtime state",
        expect = {@Expect(mode = "NONE", outcome = Outcome.CRASHED)},
        otherwise = Outcome.REJECTED)
public final class SystemExit implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        System.exit(66);
        return length;
    }
}
