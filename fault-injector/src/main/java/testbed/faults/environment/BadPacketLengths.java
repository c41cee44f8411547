package testbed.faults.environment;

import java.util.Locale;
import testbed.faults.Fault;
import testbed.faults.environment.TrialEnvironment.PacketLength;

/**
 * Delivers packets whose IPv4 total-length field lies: larger than the frame, smaller than the
 * header, zero, or {@code 0xFFFF}; the seed picks which lie (and, per packet, by how much). The
 * frame and the length the hook is given stay right. Simulates malformed or hostile input from the
 * network: a filter that trusts the header instead of the length it was given reads past the
 * packet.
 *
 * <p>Published model: malformed-input faults of the packet-filter literature, the reason BPF checks
 * every packet access against the buffer length (McCanne and Jacobson 1993, USENIX Winter, The BSD
 * Packet Filter), and the "interface error" (bad parameter) fault of the Rio studies (Ng and Chen
 * 1999, FTCS).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: {@code OK} for a filter that checks lengths; one that trusts the header may
 *       read or copy past its segment ({@code ESCAPED}, {@code CRASHED}) or loop for long
 *       ({@code HUNG}).
 *   <li>Every protected mode: {@code OK}, {@code WRONG_RESULT} or {@code CONTAINED}; never
 *       {@code ESCAPED}, {@code HUNG} or {@code CRASHED}.
 * </ul>
 * Not applicable to an extension the workload delivers no packets to.
 */
public final class BadPacketLengths implements EnvironmentFault {

    @Override
    public String name() {
        return "bad-packet-lengths";
    }

    @Override
    public Family family() {
        return Family.ENVIRONMENT;
    }

    @Override
    public String description() {
        return "packets arrive with an IPv4 total length larger or smaller than the frame, zero, or 0xFFFF";
    }

    @Override
    public String reference() {
        return "McCanne and Jacobson 1993, USENIX Winter, The BSD Packet Filter: untrusted packet lengths; Ng and Chen 1999, FTCS, Rio: interface errors";
    }

    @Override
    public Arming arm(TrialEnvironment env, long seed) {
        PacketLength[] kinds = PacketLength.values();
        PacketLength corruption = kinds[Math.floorMod(Fault.draw(seed, 0), kinds.length)];
        if (!env.corruptPacketLengths(corruption, Fault.draw(seed, 1))) {
            return Arming.notApplicable("the workload delivers no packets to the extension");
        }
        return Arming.of("IPv4 total length " + corruption.name().toLowerCase(Locale.ROOT).replace('_', ' '));
    }
}
