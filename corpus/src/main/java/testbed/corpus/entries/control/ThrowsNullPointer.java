package testbed.corpus.entries.control;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.Memory;
import testbed.kernel.api.PacketFilter;

/**
 * Null dereference: the filter uses a cached {@code Memory} field that was meant to be set in an
 * initialisation call the hook never makes.
 *
 * <p>Represents: the uninitialised-pointer fault of the Rio fault model (Chen et al. 1996) and the
 * most common driver crash Nooks observed (Swift, Bershad and Levy 2003); in a type-safe host it
 * is a {@code NullPointerException} rather than a wild access.
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: CRASHED. The exception propagates into the kernel.
 *   <li>{@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. The
 *       crossing turns the exception into a trap and aborts the domain.
 * </ul>
 */
@Entry(family = Family.CONTROL,
        threat = "dereferences a field that was never initialised",
        reference = "Chen et al. 1996, ASPLOS, The Rio File Cache: initialization faults; Swift, Bershad and Levy 2003, SOSP, Nooks",
        expect = {@Expect(mode = "NONE", outcome = Outcome.CRASHED)},
        otherwise = Outcome.CONTAINED)
public final class ThrowsNullPointer implements PacketFilter {
    /** Meant to be set by an initialisation call that never comes. */
    private Memory cached;

    @Override
    public int filter(Context ctx, long packet, int length) {
        return cached.load8(packet) == 0 ? 0 : length;
    }
}
