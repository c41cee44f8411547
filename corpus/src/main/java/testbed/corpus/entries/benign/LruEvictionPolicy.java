package testbed.corpus.entries.benign;

import testbed.corpus.Entry;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.EvictionPolicy;
import testbed.kernel.api.Memory;

/**
 * Benign eviction policy, least recently used: reads the {@code count} candidate records
 * ({@code long blockKey, long lastUse}) the kernel wrote into the segment and names the one used
 * longest ago (the first of equals).
 *
 * <p>Represents: VINO's page-eviction graft, the application-chosen replacement policy of the
 * extensible-kernel papers (Seltzer, Endo, Small and Smith 1996; Cao, Felten and Li 1994 on
 * application-controlled file caching).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}, {@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode:
 *       OK. Any other outcome is a false alarm of the mechanism or the oracle.
 * </ul>
 */
@Entry(family = Family.BENIGN,
        threat = "control: evicts the least recently used candidate",
        reference = "Seltzer, Endo, Small and Smith 1996, OSDI, Dealing with Disaster (VINO): eviction grafts; Cao, Felten and Li 1994, OSDI, application-controlled file caching",
        expect = {},
        otherwise = Outcome.OK)
public final class LruEvictionPolicy implements EvictionPolicy {

    @Override
    public int chooseVictim(Context ctx, long candidates, int count) {
        Memory mem = ctx.memory();
        int victim = 0;
        long oldest = Long.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            long lastUse = mem.load64(candidates + 16L * i + 8);
            if (lastUse < oldest) {
                oldest = lastUse;
                victim = i;
            }
        }
        return victim;
    }
}
