package testbed.corpus.entries.kernel_interface;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * A packet filter that claims more than it was given: it asks the kernel to deliver four times
 * the packet's length (plus one, so even an empty packet gets a bad answer), which would make the
 * kernel copy whatever follows the packet in memory to the receiver.
 *
 * <p>Represents: BPF's rule that a filter's answer is clamped to the packet (McCanne and Jacobson
 * 1993); a kernel that trusts the length over-reads its own memory, as in Heartbleed
 * (CVE-2014-0160).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}, {@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode:
 *       WRONG_RESULT. The kernel rejects the answer as outside {@code [0, length]} and drops the
 *       packet; nothing is over-read.
 * </ul>
 */
@Entry(family = Family.KERNEL_INTERFACE,
        threat = "returns four times the packet length as the length to deliver",
        reference = "McCanne and Jacobson 1993, USENIX Winter, The BSD Packet Filter: return value bounded by the packet; CVE-2014-0160 (Heartbleed)",
        expect = {@Expect(mode = "NONE", outcome = Outcome.WRONG_RESULT)},
        otherwise = Outcome.WRONG_RESULT)
public final class PacketFilterReturnsOversize implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        return length * 4 + 1;
    }
}
