package testbed.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ShareTest {
    @Test
    void wilsonIntervalsMatchPublishedValues() {
        // Newcombe 1998, Statistics in Medicine 17:857, table I: 81/263 -> 0.2553 to 0.3662
        Share share = new Share(81, 263);
        assertThat(share.lower()).isCloseTo(0.2553, within(5e-5));
        assertThat(share.upper()).isCloseTo(0.3662, within(5e-5));
        // 15/148 -> 0.0624 to 0.1605
        assertThat(new Share(15, 148).lower()).isCloseTo(0.0624, within(5e-5));
        assertThat(new Share(15, 148).upper()).isCloseTo(0.1605, within(5e-5));
    }

    @Test
    void aCountOfZeroStillBoundsTheShareFromAbove() {
        Share none = new Share(0, 120);
        assertThat(none.lower()).isCloseTo(0, within(1e-12));
        // z^2 / (n + z^2)
        assertThat(none.upper()).isCloseTo(3.8415 / 123.8415, within(1e-4));
        // the bound quoted for a count of 0 is the exact one-sided one, about 3/n, as in summary.json
        assertThat(none.bound()).isEqualTo("≤ 2.5%");
        assertThat(new Share(10, 10).upper()).isCloseTo(1, within(1e-12));
    }

    @Test
    void sharesPrintAsPercentagesWithTheirInterval() {
        Share half = new Share(5, 10);
        assertThat(half.percent()).isEqualTo("50.0%");
        assertThat(half.interval()).isEqualTo("23.7–76.3%");
        assertThat(new Share(0, 0).percent()).isEqualTo("0.0%");
    }
}
