package testbed.corpus.entries.jvm_escape;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * {@code synchronized (this)}: the filter counts packets inside a block that locks its own
 * instance. Nobody else can reach the instance, but a trap inside the block would leave the frame
 * before the block's {@code monitorexit}, and the JVM would replace the trap with an
 * {@code IllegalMonitorStateException} that a caller could catch: the block is where an abort
 * could turn into an ordinary exception.
 *
 * <p>Represents: monitors as a way to defeat termination in language-based systems (Rudys and
 * Wallach 2002, soft termination: a thread killed inside a monitor leaves it locked or unwinds
 * unlike a kill); the structured-locking rule of the JVM specification (JVMS 2.11.10).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: OK. Unverified, the block runs and the count is right.
 *   <li>{@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode: REJECTED. The
 *       verifier refuses every {@code monitorenter}, this one included, naming rule MONITOR.
 * </ul>
 */
@Entry(family = Family.JVM_ESCAPE,
        threat = "locks its own instance in a synchronized block, where a trap could not unwind as a trap",
        reference = "Rudys and Wallach 2002, ACM TISSEC, Termination in Language-based Systems: monitors and termination; JVMS 17, 2.11.10 structured locking",
        expect = {@Expect(mode = "NONE", outcome = Outcome.OK)},
        otherwise = Outcome.REJECTED)
public final class SynchronizedOnThis implements PacketFilter {
    private int seen;

    @Override
    public int filter(Context ctx, long packet, int length) {
        synchronized (this) {
            seen++;
        }
        return length;
    }
}
