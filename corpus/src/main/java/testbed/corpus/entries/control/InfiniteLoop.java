package testbed.corpus.entries.control;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * Infinite loop: the filter's loop guard can never become false (a counter that is masked back
 * to non-negative after every increment), so the filter never returns.
 *
 * <p>Represents: the graft that runs forever, which VINO stops with a time-out and aborts
 * (Seltzer, Endo, Small and Smith 1996), and which the Linux eBPF verifier rules out statically
 * by bounding loops (Gershuni et al. 2019).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: HUNG. Nothing meters the loop; only the watchdog notices.
 *   <li>{@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED.
 *       Fuel runs out on the metered back-edge and the domain is aborted.
 * </ul>
 */
@Entry(family = Family.CONTROL,
        threat = "a loop whose exit condition can never hold",
        reference = "Seltzer, Endo, Small and Smith 1996, OSDI, Dealing with Disaster (VINO): time-outs for runaway grafts; Gershuni et al. 2019, PLDI: bounded loops in eBPF",
        expect = {@Expect(mode = "NONE", outcome = Outcome.HUNG)},
        otherwise = Outcome.CONTAINED)
public final class InfiniteLoop implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        int scanned = 0;
        while (scanned >= 0) {
            scanned = (scanned + 1) & 0x7fffffff;
        }
        return length;
    }
}
