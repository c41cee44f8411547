package testbed.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The time left shown while a campaign runs comes from its pace, not from the workers' start-up. */
class PaceTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void theWorkersStartUpIsNotSpreadOverTheTrialsLeft() {
        Pace pace = new Pace();
        // The first answer of a 500-trial campaign comes after five seconds of booting workers...
        pace.finished(1, 5 * SECOND);
        assertThat(pace.remaining(1, 499, 5 * SECOND)).as("no estimate from one trial").isNull();
        // ...then trials come at 100 a second.
        long now = 5 * SECOND;
        for (int done = 2; done <= 51; done++) {
            now += SECOND / 100;
            pace.finished(done, now);
        }
        Duration left = pace.remaining(51, 449, now);
        assertThat(left).isNotNull();
        assertThat(left.toMillis()).as("449 trials at 100/s").isBetween(4_400L, 4_600L);
        assertThat(pace.rate(51, now)).isBetween(99.0, 101.0);
    }

    @Test
    void noEstimateUntilEnoughTrialsAreTimed() {
        Pace pace = new Pace();
        pace.finished(1, SECOND);
        pace.finished(Pace.MIN_SAMPLE, 2 * SECOND);
        assertThat(pace.remaining(Pace.MIN_SAMPLE, 100, 2 * SECOND)).isNull();
        pace.finished(Pace.MIN_SAMPLE + 1, 3 * SECOND);
        assertThat(pace.remaining(Pace.MIN_SAMPLE + 1, 100, 3 * SECOND)).isNotNull();
    }
}
