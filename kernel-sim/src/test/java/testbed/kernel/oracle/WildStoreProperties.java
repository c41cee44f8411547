package testbed.kernel.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Randomized: for stores made with no protection, the oracle flags exactly the pages outside the
 * storing domain's segment, and a trial whose stores all stay inside is clean. The seed is random
 * per run and printed with any failure; rerun one with {@code -Dtestbed.seed=N}.
 */
class WildStoreProperties {
    private static final int TRIALS = 400;

    @Test
    void oracleFlagsExactlyTheStoresThatLeaveTheSegment() {
        long seed = Long.getLong("testbed.seed", new Random().nextLong());
        Random random = new Random(seed);
        WildStoreTrial trial = new WildStoreTrial();
        WildStoreTrial.Choices choices = new WildStoreTrial.Choices() {
            @Override
            public int pick(int bound) {
                return random.nextInt(bound);
            }

            @Override
            public long anyLong() {
                return random.nextLong();
            }
        };
        int inside = 0;
        int outside = 0;
        for (int i = 0; i < TRIALS; i++) {
            WildStoreTrial.Result r = trial.run(choices);
            assertThat(r.flagged()).as("seed %d, trial %d: %s%n%s", seed, i, r.stores(), r.verdict()).isEqualTo(r.expected());
            if (r.expected().isEmpty()) {
                inside++;
                assertThat(r.verdict().isClean()).as("seed %d, trial %d: %s%n%s", seed, i, r.stores(), r.verdict()).isTrue();
            } else {
                outside++;
            }
        }
        assertThat(trial.aims().keySet()).as("seed %d: every aim generated", seed).containsExactlyInAnyOrder(WildStoreTrial.Aim.values());
        assertThat(inside).as("seed %d: trials with all stores inside", seed).isPositive();
        assertThat(outside).as("seed %d: trials with a store outside", seed).isPositive();
    }
}
