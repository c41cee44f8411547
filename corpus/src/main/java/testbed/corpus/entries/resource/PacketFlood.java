package testbed.corpus.entries.resource;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * Packet flood: for every packet it sees, the filter sends it back out in a loop that ignores the
 * kernel's refusals, monopolising the transmit path and the CPU.
 *
 * <p>Represents: a handler that sends without bound, the livelock Exokernel's ASHs must not be
 * able to cause (Wallach, Engler and Kaashoek 1996), and the resource hoarding VINO bounds
 * (Seltzer et al. 1996).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: HUNG. The loop never ends; only the watchdog notices.
 *   <li>{@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. Fuel
 *       (metered back-edges and helper calls) runs out and the domain is aborted.
 * </ul>
 */
@Entry(family = Family.RESOURCE,
        threat = "sends packets in an endless loop, ignoring refusals",
        reference = "Wallach, Engler and Kaashoek 1996, SIGCOMM, ASHs: bounded handlers; Seltzer et al. 1996, OSDI, VINO: resource hoarding",
        expect = {@Expect(mode = "NONE", outcome = Outcome.HUNG)},
        otherwise = Outcome.CONTAINED)
public final class PacketFlood implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        long sent = 0;
        while (sent >= 0) {
            if (ctx.sendPacket(packet, length) >= 0) {
                sent = (sent + 1) & Long.MAX_VALUE;
            }
        }
        return length;
    }
}
