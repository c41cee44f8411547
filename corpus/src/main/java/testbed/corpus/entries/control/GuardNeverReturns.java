package testbed.corpus.entries.control;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.EventHandler;

/**
 * A guard that never returns: the handler's guard busy-waits for simulated time to pass a
 * deadline, but recomputes the deadline on every poll (the bug), so even a clock that advanced
 * would never catch up and the dispatcher never gets its answer.
 *
 * <p>Represents: SPIN's event guards are extension code the dispatcher runs on every event
 * (Bershad et al. 1995), so a guard is as dangerous as a handler; the busy-wait is the VINO
 * runaway graft (Seltzer et al. 1996).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: HUNG. The guard spins forever; only the watchdog notices.
 *   <li>{@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. Fuel
 *       runs out (back-edges and helper calls are metered).
 * </ul>
 */
@Entry(family = Family.CONTROL,
        threat = "an event guard that busy-waits on time that cannot advance",
        reference = "Bershad et al. 1995, SOSP, Extensibility, Safety and Performance in the SPIN Operating System: guards; Seltzer et al. 1996, OSDI, VINO",
        expect = {@Expect(mode = "NONE", outcome = Outcome.HUNG)},
        otherwise = Outcome.CONTAINED)
public final class GuardNeverReturns implements EventHandler {

    @Override
    public boolean guard(Context ctx, int event, long argument) {
        long deadline = ctx.time() + 1;
        while (ctx.time() < deadline) {
            deadline = ctx.time() + 1; // belongs before the loop
        }
        return true;
    }

    @Override
    public long handle(Context ctx, int event, long argument) {
        return 0;
    }
}
