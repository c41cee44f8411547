package testbed.corpus.entries.control;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * Division by zero: the filter averages packet bytes over a sample set that its (wrong) loop
 * bounds always leave empty, and divides by the count of zero.
 *
 * <p>Represents: a run-time error in extension code, the kind Nooks found to crash drivers and
 * their kernels (Swift, Bershad and Levy 2003); in a type-safe host it surfaces as an
 * {@code ArithmeticException}.
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: CRASHED. The exception propagates into the kernel.
 *   <li>{@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. The
 *       crossing turns the exception into a trap and aborts the domain.
 *   <li>{@code VERIFIED_STRICT}: REJECTED. The proof cannot show its {@code load8} at {@code filter@15} inside
 *       the segment (unreachable as far as the analysis can tell), so the strict variant refuses the class at load.
 * </ul>
 */
@Entry(family = Family.CONTROL,
        threat = "divides by a sample count that is always zero",
        reference = "Swift, Bershad and Levy 2003, SOSP, Improving the Reliability of Commodity Operating Systems (Nooks): extension exceptions",
        expect = {@Expect(mode = "NONE", outcome = Outcome.CRASHED),
                  @Expect(mode = "VERIFIED_STRICT", outcome = Outcome.REJECTED)},
        otherwise = Outcome.CONTAINED)
public final class ThrowsArithmeticException implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        int sum = 0;
        int samples = 0;
        // Meant to be "i < length": the loop never runs.
        for (int i = length; i < 0; i++) {
            sum += ctx.memory().load8(packet + i);
            samples++;
        }
        int average = sum / samples;
        return average >= 0 ? length : 0;
    }
}
