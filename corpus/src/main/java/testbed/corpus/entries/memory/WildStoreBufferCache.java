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
 * Wild store into the buffer cache: while filtering a read, the filter scribbles over the kernel's
 * cached file blocks. Some are dirty and hold the only copy of their data, so the damage is lost
 * data, not just a stale cache.
 *
 * <p>Represents: the file-cache corruption that the Rio file cache was built to survive (Chen et
 * al. 1996), here done by an ExtOS-style read filter that runs next to the cache (Barbalace,
 * Picorel and Bhatotia 2019).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: ESCAPED. Cached blocks change: the data check against what the kernel stored
 *       before the trial finds lost data.
 *   <li>{@code SFI_MASK}: OK. Every address is masked into the domain's own segment, so the stores
 *       land there; its answer, a drop, does not depend on them.
 *   <li>{@code SFI_CHECK}, {@code BOUNDS} and every other mode: CONTAINED. The first access outside
 *       the segment (already the read of the memory map) traps and the domain is aborted before
 *       anything outside changes.
 *   <li>{@code VERIFIED_STRICT}: REJECTED. The proof cannot show its {@code load64} at {@code filter@5} inside
 *       the segment (address base+[-262016] (8 bytes) may leave the segment), so the strict variant refuses the class at load.
 * </ul>
 */
@Entry(family = Family.MEMORY,
        threat = "overwrites cached (and dirty) file blocks in the buffer cache",
        reference = "Chen et al. 1996, ASPLOS, The Rio File Cache: Surviving Operating System Crashes; Barbalace, Picorel and Bhatotia 2019, APSys, ExtOS",
        expect = {@Expect(mode = "NONE", outcome = Outcome.ESCAPED),
                  @Expect(mode = "SFI_MASK", outcome = Outcome.OK),
                  @Expect(mode = "VERIFIED_STRICT", outcome = Outcome.REJECTED)},
        otherwise = Outcome.CONTAINED)
public final class WildStoreBufferCache implements ReadFilter {

    @Override
    public int filter(Context ctx, long buffer, int length) {
        Memory mem = ctx.memory();
        long cache = mem.load64(BootHeader.REGIONS + BootHeader.RECORD_SIZE * BootHeader.BUFFER_CACHE);
        long size = mem.load64(BootHeader.REGIONS + BootHeader.RECORD_SIZE * BootHeader.BUFFER_CACHE + 8);
        // One word every 512 bytes across the first 64 KiB: every block the cache holds there.
        for (long offset = 0; offset < size && offset < 65536; offset += 512) {
            mem.store64(cache + offset, 0xDEADDEADDEADDEADL);
        }
        return 0; // drop: the answer never depends on memory a mask may have redirected
    }
}
