package testbed.corpus.entries.benign;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.Memory;
import testbed.kernel.api.ReadFilter;

/**
 * Benign read filter keeping lines that contain a pattern: a {@code grep ERROR} run inside the
 * kernel, which moves each matching line (with its newline) to the front of the buffer with
 * {@code copy} and returns how many bytes it kept. Every access stays within the buffer.
 *
 * <p>Represents: the ExtOS use case, filtering file data in the kernel so that discarded bytes
 * never cross to the caller (Barbalace, Picorel and Bhatotia 2019).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}, {@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode:
 *       OK. Any other outcome is a false alarm of the mechanism or the oracle.
 *   <li>{@code VERIFIED_STRICT}: REJECTED. The proof cannot show its {@code copy} at {@code filter@53} inside
 *       the segment (length [-2047, 2048] may be negative or larger than the segment), so the strict variant refuses the class at load.
 * </ul>
 */
@Entry(family = Family.BENIGN,
        threat = "control: keeps the lines containing ERROR, compacted to the front of the buffer",
        reference = "Barbalace, Picorel and Bhatotia 2019, APSys, ExtOS: Data-centric Extensible OS: in-kernel read filters",
        expect = {@Expect(mode = "VERIFIED_STRICT", outcome = Outcome.REJECTED)},
        otherwise = Outcome.OK)
public final class LinePatternReadFilter implements ReadFilter {

    @Override
    public int filter(Context ctx, long buffer, int length) {
        Memory mem = ctx.memory();
        int kept = 0;
        int lineStart = 0;
        for (int i = 0; i < length; i++) {
            if (mem.load8(buffer + i) == '\n' || i == length - 1) {
                int lineLength = i + 1 - lineStart;
                if (containsError(mem, buffer + lineStart, lineLength)) {
                    if (kept != lineStart) {
                        mem.copy(buffer + kept, buffer + lineStart, lineLength);
                    }
                    kept += lineLength;
                }
                lineStart = i + 1;
            }
        }
        return kept;
    }

    private static boolean containsError(Memory mem, long line, int length) {
        for (int i = 0; i + 5 <= length; i++) {
            long at = line + i;
            if (mem.load8(at) == 'E' && mem.load8(at + 1) == 'R' && mem.load8(at + 2) == 'R'
                    && mem.load8(at + 3) == 'O' && mem.load8(at + 4) == 'R') {
                return true;
            }
        }
        return false;
    }
}
