package testbed.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RateBoundTest {

    @Test
    void zeroEventsFollowTheRuleOfThree() {
        assertThat(RateBound.upper95(0, 412_000)).isCloseTo(3.0 / 412_000, within(1e-7));
        assertThat(RateBound.upper95(0, 1)).isCloseTo(0.95, within(1e-12));
        assertThat(RateBound.upper95(0, 0)).isEqualTo(1.0);
    }

    @Test
    void someEventsGiveTheWilsonUpperEnd() {
        // Wilson score interval for 10 of 100 at 95%: [0.0552, 0.1744].
        assertThat(RateBound.upper95(10, 100)).isCloseTo(0.1744, within(1e-4));
        assertThat(RateBound.upper95(100, 100)).isEqualTo(1.0);
        assertThat(RateBound.upper95(5, 1000)).isGreaterThan(5 / 1000.0);
    }

    @Test
    void theSentenceStatesCountTrialsAndBound() {
        assertThat(RateBound.sentence(0, 412_000, "escapes", "SFI_MASK"))
                .isEqualTo("0 escapes in 412,000 SFI_MASK trials: rate < 7.3e-06 at 95%");
    }
}
