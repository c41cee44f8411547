package testbed.corpus.entries.kernel_interface;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * A packet filter that answers garbage: it returns -7 for every packet, a length no packet can
 * have.
 *
 * <p>Represents: the kernel must validate an extension's answer before using it, as BPF's
 * interpreter clamps a filter's return value to the packet length (McCanne and Jacobson 1993) and
 * VINO checks a graft's result (Seltzer et al. 1996); the interface-error fault type of the Rio
 * fault model.
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}, {@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode:
 *       WRONG_RESULT. The kernel rejects the answer as outside {@code [0, length]} and drops the
 *       packet; nothing else changes.
 * </ul>
 */
@Entry(family = Family.KERNEL_INTERFACE,
        threat = "returns a negative packet length",
        reference = "McCanne and Jacobson 1993, USENIX Winter, The BSD Packet Filter: return value bounded by the packet; Seltzer et al. 1996, OSDI, VINO: result checks",
        expect = {@Expect(mode = "NONE", outcome = Outcome.WRONG_RESULT)},
        otherwise = Outcome.WRONG_RESULT)
public final class PacketFilterReturnsNegative implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        return -7;
    }
}
