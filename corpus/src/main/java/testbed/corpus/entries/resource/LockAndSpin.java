package testbed.corpus.entries.resource;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;
import testbed.kernel.api.Status;

/**
 * A lock taken and never given up: the filter takes a kernel lock and then, holding it, runs a
 * wait loop whose comparison is inverted: it waits while time has not gone backwards, which is
 * for ever.
 *
 * <p>Represents: the graft that holds a lock too long, the reason VINO puts time-outs on the locks
 * grafts take and aborts the holder (Seltzer, Endo, Small and Smith 1996).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: HUNG. The filter never returns, the lock with it; only the watchdog notices.
 *   <li>{@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. Fuel
 *       (or the lock hold-time budget) runs out, the domain is aborted and the lock released.
 * </ul>
 */
@Entry(family = Family.RESOURCE,
        threat = "busy-waits forever while holding a kernel lock",
        reference = "Seltzer, Endo, Small and Smith 1996, OSDI, Dealing with Disaster (VINO): lock hold time-outs",
        expect = {@Expect(mode = "NONE", outcome = Outcome.HUNG)},
        otherwise = Outcome.CONTAINED)
public final class LockAndSpin implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        for (int lockId = 0; lockId < 64; lockId++) {
            if (ctx.lock(lockId) == Status.OK) {
                break;
            }
        }
        // Meant to wait until a deadline passes; the comparison is inverted, and time never runs backwards.
        long start = ctx.time();
        while (ctx.time() >= start) {
            start = ctx.time();
        }
        return length;
    }
}
