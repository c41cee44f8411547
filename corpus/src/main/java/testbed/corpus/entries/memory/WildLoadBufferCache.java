package testbed.corpus.entries.memory;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.BootHeader;
import testbed.kernel.api.Context;
import testbed.kernel.api.Memory;
import testbed.kernel.api.ReadFilter;

/**
 * Wild load from the buffer cache: while filtering one file's data the filter copies blocks of
 * other files from the kernel's cache into the read buffer, which the kernel then hands to the
 * reader.
 *
 * <p>Represents: the data exposure an ExtOS-style in-kernel read filter risks by running next to
 * the cache (Barbalace, Picorel and Bhatotia 2019), with SFI's unprotected loads (Wahbe et al.
 * 1993).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: ESCAPED. The write monitor records loads outside the segment: other files'
 *       data reached the reader.
 *   <li>{@code SFI_MASK}: OK. Every address is masked into the domain's own segment, so it copies
 *       its own bytes; the answer does not depend on them.
 *   <li>{@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. The first load outside
 *       the segment (already the read of the memory map) traps; nothing leaves the kernel.
 *   <li>{@code VERIFIED_STRICT}: REJECTED. The proof cannot show its {@code load64} at {@code filter@5} inside
 *       the segment (address base+[-262016] (8 bytes) may leave the segment), so the strict variant refuses the class at load.
 * </ul>
 */
@Entry(family = Family.MEMORY,
        threat = "copies other files' cached blocks into the read result",
        reference = "Barbalace, Picorel and Bhatotia 2019, APSys, ExtOS: Data-centric Extensible OS; Wahbe et al. 1993, SOSP, SFI read protection",
        expect = {@Expect(mode = "NONE", outcome = Outcome.ESCAPED),
                  @Expect(mode = "SFI_MASK", outcome = Outcome.OK),
                  @Expect(mode = "VERIFIED_STRICT", outcome = Outcome.REJECTED)},
        otherwise = Outcome.CONTAINED)
public final class WildLoadBufferCache implements ReadFilter {

    @Override
    public int filter(Context ctx, long buffer, int length) {
        Memory mem = ctx.memory();
        long cache = mem.load64(BootHeader.REGIONS + BootHeader.RECORD_SIZE * BootHeader.BUFFER_CACHE);
        for (int i = 0; i < 8; i++) {
            long word = mem.load64(cache + 4096L + 8L * i);
            if (8 * i + 8 <= length) {
                mem.store64(buffer + 8L * i, word);
            }
        }
        return length;
    }
}
