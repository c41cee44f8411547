package testbed.corpus.entries.benign;

import testbed.corpus.Entry;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * Benign echo handler: sends every packet straight back through {@code sendPacket} (from its own
 * segment, with the packet's own length) and delivers it too. It exercises the transmit helper
 * and the transaction that records its effect.
 *
 * <p>Represents: an Exokernel application-specific handler that replies from inside the kernel
 * without a trip to user space (Wallach, Engler and Kaashoek 1996, ASHs).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}, {@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode:
 *       OK. Any other outcome is a false alarm of the mechanism or the oracle.
 * </ul>
 */
@Entry(family = Family.BENIGN,
        threat = "control: echoes each packet back through sendPacket and delivers it",
        reference = "Wallach, Engler and Kaashoek 1996, SIGCOMM, ASHs: Application-Specific Handlers for High-Performance Messaging",
        expect = {},
        otherwise = Outcome.OK)
public final class EchoPacketFilter implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        if (length > 0) {
            ctx.sendPacket(packet, length);
        }
        return length;
    }
}
