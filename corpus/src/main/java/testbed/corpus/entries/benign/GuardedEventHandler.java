package testbed.corpus.entries.benign;

import testbed.corpus.Entry;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.Event;
import testbed.kernel.api.EventHandler;

/**
 * Benign event handler with a guard: the guard accepts only arrivals of packets of at least 64
 * bytes and changes nothing; the handler counts those packets and returns the count. Every other
 * event goes to the kernel's default handler.
 *
 * <p>Represents: SPIN's events with guards, where the dispatcher asks a side-effect-free predicate
 * before running a handler (Bershad et al. 1995).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}, {@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode:
 *       OK. Any other outcome is a false alarm of the mechanism or the oracle.
 * </ul>
 */
@Entry(family = Family.BENIGN,
        threat = "control: counts large-packet arrivals behind a side-effect-free guard",
        reference = "Bershad et al. 1995, SOSP, Extensibility, Safety and Performance in the SPIN Operating System: events and guards",
        expect = {},
        otherwise = Outcome.OK)
public final class GuardedEventHandler implements EventHandler {
    private long largePackets;

    @Override
    public boolean guard(Context ctx, int event, long argument) {
        return event == Event.PACKET_ARRIVED && argument >= 64;
    }

    @Override
    public long handle(Context ctx, int event, long argument) {
        largePackets++;
        return largePackets;
    }
}
