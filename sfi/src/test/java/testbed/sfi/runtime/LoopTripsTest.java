package testbed.sfi.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fuel a loop of counted shape is charged at entry is the number of times its body runs,
 * wrap-around included: {@link Meter#tripsWrapping} against the loop itself, run as the JVM runs
 * it ({@code int} counter, {@code iinc} step). Counters start near both {@code int} limits and
 * steps are as large as {@code iinc} allows, so loops that wrap once, several times or forever
 * all come up; a loop still going after {@link #LIMIT} body runs must be charged more than that.
 */
class LoopTripsTest {
    private static final long LIMIT = 3_000_000;

    @Test
    void theChargeIsTheBodyRunsOfTheLoopAsTheJvmRunsIt() {
        SplittableRandom random = new SplittableRandom(Long.getLong("sfi.seed", 7));
        int wrapped = 0;
        int endless = 0;
        for (int n = 0; n < 4_000; n++) {
            int cond = 2 + random.nextInt(4);
            boolean up = cond == 2 || cond == 5;
            int magnitude = random.nextBoolean() ? 1 + random.nextInt(8) : 1 + random.nextInt(32_768);
            int step = up ? Math.min(magnitude, 32_767) : -magnitude;
            int from = nearALimit(random);
            int bound = nearALimit(random);
            long runs = run(from, bound, step, cond);
            long charged = Meter.tripsWrapping(from, bound, step, cond);
            if (runs <= LIMIT) {
                assertThat(charged).as("from %d to %d by %d, cond %d", from, bound, step, cond).isEqualTo(runs);
                if (runs > 0 && Meter.trips(from, bound, step, cond) != runs) {
                    wrapped++;
                }
            } else {
                assertThat(charged).as("from %d to %d by %d, cond %d", from, bound, step, cond).isGreaterThan(LIMIT);
                endless++;
            }
        }
        assertThat(wrapped).as("loops whose counter wrapped and then ended").isPositive();
        assertThat(endless).as("loops still running past the limit").isPositive();
    }

    @Test
    void aLoopNoIntValueEndsIsChargedWithoutEnd() {
        assertThat(Meter.tripsWrapping(0, Integer.MAX_VALUE, 1, 5)).isEqualTo(Long.MAX_VALUE);
        assertThat(Meter.tripsWrapping(0, Integer.MIN_VALUE, -1, 3)).isEqualTo(Long.MAX_VALUE);
        assertThat(Meter.tripsWrapping(Integer.MAX_VALUE - 1, Integer.MAX_VALUE, 1, 2)).isEqualTo(1);
    }

    /** A value for the loop's counter or bound: near either {@code int} limit, or anywhere. */
    private static int nearALimit(SplittableRandom random) {
        return switch (random.nextInt(3)) {
            case 0 -> Integer.MAX_VALUE - random.nextInt(100_000);
            case 1 -> Integer.MIN_VALUE + random.nextInt(100_000);
            default -> random.nextInt();
        };
    }

    private static long run(int from, int bound, int step, int cond) {
        long runs = 0;
        for (int i = from; holds(i, bound, cond) && runs <= LIMIT; i += step) {
            runs++;
        }
        return runs;
    }

    private static boolean holds(int i, int bound, int cond) {
        return switch (cond) {
            case 2 -> i < bound;
            case 3 -> i >= bound;
            case 4 -> i > bound;
            default -> i <= bound;
        };
    }
}
