package testbed.corpus.entries.resource;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * Allocation bomb: the filter allocates 1 GiB arrays in a loop and keeps every one reachable
 * through a chain of links, until the heap it shares with the kernel is gone. The chunks are
 * big so that the heap runs out at once: with small ones, zeroing and collecting hundreds of
 * them takes long enough that an unprotected run can look hung instead of crashed.
 *
 * <p>Represents: memory exhaustion of a shared language runtime by one of its tenants, which
 * KaffeOS answers with per-process heap limits (Back, Hsieh and Lepreau 2000), and VINO with
 * resource quotas for grafts (Seltzer et al. 1996).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: CRASHED. The host's heap runs out; the {@code OutOfMemoryError} propagates
 *       into the kernel.
 *   <li>{@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. The
 *       allocation budget traps long before the host heap is in danger.
 * </ul>
 */
@Entry(family = Family.RESOURCE,
        threat = "allocates 1 GiB arrays in a loop and keeps them all",
        reference = "Back, Hsieh and Lepreau 2000, OSDI, Processes in KaffeOS: per-process memory limits; Seltzer et al. 1996, OSDI, VINO: resource quotas",
        expect = {@Expect(mode = "NONE", outcome = Outcome.CRASHED)},
        otherwise = Outcome.CONTAINED)
public final class AllocationBomb implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        Object[] chain = null;
        while (length >= 0) {
            Object[] link = new Object[2];
            link[0] = new long[1 << 27];
            link[1] = chain;
            chain = link;
        }
        return chain == null ? 0 : length;
    }
}
