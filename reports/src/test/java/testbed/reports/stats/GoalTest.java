package testbed.reports.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import testbed.reports.stats.Goal.Judgement;

/** The verdict rule and the bootstrap behind it, on synthetic samples whose truth is known. */
class GoalTest {
    private static final Goal AT_MOST_105 = new Goal("mode over NONE", Goal.Direction.AT_MOST, 1.05);

    /** {@code forks} groups of {@code iterations} samples around {@code centre}, each fork shifted by up to {@code forkSpread}. */
    private static Samples synthetic(double centre, double forkSpread, double noise, int forks, int iterations, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] g = new double[forks][iterations];
        for (int f = 0; f < forks; f++) {
            double shift = centre * (1 + forkSpread * (2 * r.nextDouble() - 1));
            for (int i = 0; i < iterations; i++) {
                g[f][i] = shift * (1 + noise * (2 * r.nextDouble() - 1));
            }
        }
        return Samples.of(g);
    }

    @Test
    void anIntervalWhollyBelowAnAtMostGoalIsMet() {
        Judgement j = AT_MOST_105.judge(new Interval(0.98, 1.00, 1.02, 0.95), 4, false);
        assertThat(j.verdict()).isEqualTo(Verdict.MET);
        assertThat(j.groupsToDecide()).isZero();
    }

    @Test
    void anIntervalWhollyAboveAnAtMostGoalIsMissed() {
        assertThat(AT_MOST_105.judge(new Interval(1.06, 1.10, 1.15, 0.95), 4, false).verdict()).isEqualTo(Verdict.MISSED);
    }

    @Test
    void anIntervalThatStraddlesTheGoalIsInconclusiveWithTheForksThatWouldDecideIt() {
        Judgement j = AT_MOST_105.judge(new Interval(0.95, 1.00, 1.10, 0.95), 2, false);
        assertThat(j.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        // The upper half-width (log 1.10 - log 1.00) must shrink below log 1.05 - log 1.00: about 3.8x the
        // groups on the log scale.
        double factor = Math.pow(Math.log(1.10) / Math.log(1.05), 2);
        assertThat(j.groupsToDecide()).isEqualTo((int) Math.ceil(2 * factor));
        assertThat(j.text("forks")).contains("straddles").contains("forks would decide");
    }

    @Test
    void anEstimateOnTheBoundCanNeverBeDecided() {
        Judgement j = AT_MOST_105.judge(new Interval(1.0, 1.05, 1.1, 0.95), 3, false);
        assertThat(j.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(j.groupsToDecide()).isEqualTo(-1);
    }

    @Test
    void aQuickRunNeverMeetsAGoalHoweverNarrowItsInterval() {
        Judgement j = AT_MOST_105.judge(new Interval(0.80, 0.84, 0.88, 0.95), 1, true);
        assertThat(j.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(j.text("forks")).contains("--quick").doesNotStartWith("met");
        assertThat(j.groupsToDecide()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aQuickRunNeverMissesEither() {
        assertThat(AT_MOST_105.judge(new Interval(1.5, 1.6, 1.7, 0.95), 5, true).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    }

    @Test
    void oneForkDecidesNothing() {
        assertThat(AT_MOST_105.judge(new Interval(0.99, 1.0, 1.01, 0.95), 1, false).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    }

    @Test
    void anAtLeastGoalIsMetAboveAndMissedBelow() {
        Goal faster = new Goal("speed-up", Goal.Direction.AT_LEAST, 2);
        assertThat(faster.judge(new Interval(2.1, 2.5, 2.9, 0.95), 3, false).verdict()).isEqualTo(Verdict.MET);
        assertThat(faster.judge(new Interval(1.1, 1.5, 1.9, 0.95), 3, false).verdict()).isEqualTo(Verdict.MISSED);
        assertThat(faster.judge(new Interval(1.5, 2.1, 2.9, 0.95), 3, false).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    }

    @Test
    void theBootstrapIntervalCoversTheTrueRatioAndNarrowsWithMoreForks() {
        Samples none = synthetic(100, 0.02, 0.05, 2, 5, 1);
        Samples mode = synthetic(110, 0.02, 0.05, 2, 5, 2);
        Interval few = Bootstrap.ratio(mode, none);
        assertThat(few.low()).isLessThan(1.10 * 1.02);
        assertThat(few.high()).isGreaterThan(1.10 / 1.02);
        Interval many = Bootstrap.ratio(synthetic(110, 0.02, 0.05, 20, 5, 3), synthetic(100, 0.02, 0.05, 20, 5, 4));
        assertThat(many.high() - many.low()).isLessThan(few.high() - few.low());
        assertThat(many.low()).isLessThan(1.10).isGreaterThan(1.05);
        assertThat(many.high()).isGreaterThan(1.10).isLessThan(1.15);
    }

    @Test
    void forksThatDisagreeWidenTheIntervalBeyondWhatTheirIterationsShow() {
        Samples steadyForks = Samples.of(new double[][] {{100, 101, 99, 100}, {100, 99, 101, 100}});
        Samples disagreeingForks = Samples.of(new double[][] {{90, 91, 89, 90}, {110, 109, 111, 110}});
        Samples base = Samples.of(new double[][] {{100, 100.5, 99.5, 100}, {100, 99.5, 100.5, 100}});
        Interval steady = Bootstrap.ratio(steadyForks, base);
        Interval disagreeing = Bootstrap.ratio(disagreeingForks, base);
        assertThat(disagreeing.high() - disagreeing.low()).isGreaterThan(5 * (steady.high() - steady.low()));
    }

    @Test
    void theGeomeanIntervalHoldsTheGeomeanOfTheRatios() {
        Samples a = Samples.of(new double[][] {{200, 202}, {198, 200}});
        Samples b = Samples.of(new double[][] {{100, 101}, {99, 100}});
        Samples c = Samples.of(new double[][] {{50, 51}, {49, 50}});
        Samples d = Samples.of(new double[][] {{100, 101}, {99, 100}});
        Interval i = Bootstrap.geomeanOfRatios(List.of(a, c), List.of(b, d));
        assertThat(i.estimate()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9)); // sqrt(2 * 0.5)
        assertThat(i.low()).isLessThanOrEqualTo(1.0);
        assertThat(i.high()).isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void theSameSamplesGiveTheSameInterval() {
        Samples a = synthetic(10, 0.1, 0.1, 3, 4, 9);
        Samples b = synthetic(11, 0.1, 0.1, 3, 4, 10);
        assertThat(Bootstrap.ratio(a, b)).isEqualTo(Bootstrap.ratio(a, b));
    }

    @Test
    void nonPositiveSamplesAreRefused() {
        assertThatThrownBy(() -> Samples.of(new double[][] {{1, 0}})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Samples.of(new double[][] {})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void latencyPercentilesComeFromTheHistogram() {
        Latency l = new Latency();
        for (int i = 1; i <= 1000; i++) {
            l.record(i * 1000L);
        }
        Latency.Summary s = l.summary();
        assertThat(s.count()).isEqualTo(1000);
        assertThat(s.p50()).isBetween(499_000L, 501_000L);
        assertThat(s.p99()).isBetween(989_000L, 991_000L);
        assertThat(s.max()).isBetween(999_000L, 1_001_000L);
        assertThat(s.text()).startsWith("p50 500").contains("n = 1,000");
    }

}
