package testbed.corpus.entries.resource;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.EventHandler;
import testbed.kernel.api.Status;

/**
 * A lock held forever: on every event the handler takes the first kernel lock it can get and
 * returns without releasing it, so everyone else who needs that lock waits for ever.
 *
 * <p>Represents: lock hoarding by a graft, which VINO handles with lock time-outs and by aborting
 * the graft's transaction, releasing its locks (Seltzer, Endo, Small and Smith 1996); the
 * synchronization fault type of the Rio fault model (Chen et al. 1996).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: ESCAPED. Nothing releases the lock: the oracle finds a leaked lock.
 *   <li>{@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. The
 *       crossing sees the domain return holding a lock, traps and aborts it, which releases the
 *       lock.
 * </ul>
 */
@Entry(family = Family.RESOURCE,
        threat = "returns while holding a kernel lock",
        reference = "Seltzer, Endo, Small and Smith 1996, OSDI, Dealing with Disaster (VINO): lock time-outs and graft abort",
        expect = {@Expect(mode = "NONE", outcome = Outcome.ESCAPED)},
        otherwise = Outcome.CONTAINED)
public final class LockHeldForever implements EventHandler {

    @Override
    public boolean guard(Context ctx, int event, long argument) {
        return true;
    }

    @Override
    public long handle(Context ctx, int event, long argument) {
        for (int lockId = 0; lockId < 64; lockId++) {
            if (ctx.lock(lockId) == Status.OK) {
                return lockId;
            }
        }
        return 0;
    }
}
