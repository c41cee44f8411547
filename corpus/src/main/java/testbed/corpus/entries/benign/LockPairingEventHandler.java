package testbed.corpus.entries.benign;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.Event;
import testbed.kernel.api.EventHandler;
import testbed.kernel.api.Status;

/**
 * Benign handler that locks correctly: on each timer event it takes a kernel lock, bumps a tick
 * counter kept in a block of its segment's heap, and releases the lock before returning. It
 * allocates the block once and never returns holding a lock.
 *
 * <p>Represents: a VINO graft that uses kernel locks within one invocation, the pattern the lock
 * time-outs and transaction abort must not disturb (Seltzer, Endo, Small and Smith 1996).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}, {@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode:
 *       OK. Any other outcome is a false alarm of the mechanism or the oracle.
 *   <li>{@code VERIFIED_STRICT}: REJECTED. The proof cannot show its {@code store64} at {@code handle@22} inside
 *       the segment (address base+[-2^63, 2^63-1] (8 bytes) may leave the segment), so the strict variant refuses the class at load.
 * </ul>
 */
@Entry(family = Family.BENIGN,
        threat = "control: takes a kernel lock, updates its own counter and releases the lock",
        reference = "Seltzer, Endo, Small and Smith 1996, OSDI, Dealing with Disaster (VINO): locks taken and released within a graft invocation",
        expect = {@Expect(mode = "VERIFIED_STRICT", outcome = Outcome.REJECTED)},
        otherwise = Outcome.OK)
public final class LockPairingEventHandler implements EventHandler {
    private long counter = -1;

    @Override
    public boolean guard(Context ctx, int event, long argument) {
        return event == Event.TIMER;
    }

    @Override
    public long handle(Context ctx, int event, long argument) {
        if (counter < 0) {
            counter = ctx.alloc(8);
            if (counter < 0) {
                return 0;
            }
            ctx.memory().store64(counter, 0);
        }
        for (int lockId = 0; lockId < 64; lockId++) {
            if (ctx.lock(lockId) == Status.OK) {
                long ticks = ctx.memory().load64(counter) + 1;
                ctx.memory().store64(counter, ticks);
                ctx.unlock(lockId);
                return ticks;
            }
        }
        return 0;
    }
}
