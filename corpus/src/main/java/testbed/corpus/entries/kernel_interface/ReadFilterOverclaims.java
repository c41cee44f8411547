package testbed.corpus.entries.kernel_interface;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.ReadFilter;

/**
 * A read filter that claims to keep more than it was given: it returns {@code length + 1}, so a
 * trusting kernel would copy one byte past the buffer to the reader.
 *
 * <p>Represents: the ExtOS in-kernel read filter (Barbalace, Picorel and Bhatotia 2019), whose
 * answer decides how many bytes cross to the caller and so must be checked like BPF's (McCanne and
 * Jacobson 1993).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}, {@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode:
 *       WRONG_RESULT. The kernel rejects the answer as outside {@code [0, length]}.
 * </ul>
 */
@Entry(family = Family.KERNEL_INTERFACE,
        threat = "returns one byte more than the buffer holds",
        reference = "Barbalace, Picorel and Bhatotia 2019, APSys, ExtOS: Data-centric Extensible OS; McCanne and Jacobson 1993, USENIX Winter, BPF",
        expect = {@Expect(mode = "NONE", outcome = Outcome.WRONG_RESULT)},
        otherwise = Outcome.WRONG_RESULT)
public final class ReadFilterOverclaims implements ReadFilter {

    @Override
    public int filter(Context ctx, long buffer, int length) {
        return length + 1;
    }
}
