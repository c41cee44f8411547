package testbed.reports.stats;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Percentile intervals by a hierarchical bootstrap (Kalibera and Jones, "Rigorous benchmarking
 * in reasonable time", 2013): each resample draws the groups (forks or rounds) with replacement
 * and then the iterations inside each drawn group, so a run whose forks disagree gets a wide
 * interval even when every fork is steady. The resampling is seeded: the same samples give the
 * same interval, so a page re-rendered from its JSON says the same thing.
 */
public final class Bootstrap {
    /** Resamples per interval: enough for stable 2.5% and 97.5% percentiles. */
    static final int RESAMPLES = 4000;
    /** Coverage of every interval. */
    public static final double LEVEL = 0.95;
    private static final long SEED = 0x5eed_b007L;

    private Bootstrap() {
    }

    /** The interval of a configuration's mean. */
    public static Interval mean(Samples samples) {
        SplittableRandom random = new SplittableRandom(SEED);
        double[] estimates = new double[RESAMPLES];
        for (int r = 0; r < RESAMPLES; r++) {
            estimates[r] = resampledMean(samples, random);
        }
        return percentiles(samples.mean(), estimates);
    }

    /**
     * The interval of {@code mean(a) - mean(b)}: what a configuration costs beyond another, such as
     * a transaction beyond the graft it wraps. It may straddle 0.
     */
    public static Interval difference(Samples a, Samples b) {
        SplittableRandom random = new SplittableRandom(SEED);
        double[] estimates = new double[RESAMPLES];
        for (int r = 0; r < RESAMPLES; r++) {
            estimates[r] = resampledMean(a, random) - resampledMean(b, random);
        }
        return percentiles(a.mean() - b.mean(), estimates);
    }

    /** The interval of {@code mean(numerator) / mean(denominator)}. */
    public static Interval ratio(Samples numerator, Samples denominator) {
        return geomeanOfRatios(List.of(numerator), List.of(denominator));
    }

    /**
     * The interval of the geometric mean of {@code mean(numerators[i]) / mean(denominators[i])},
     * each configuration resampled independently.
     *
     * @throws IllegalArgumentException if the lists are empty or differ in length
     */
    public static Interval geomeanOfRatios(List<Samples> numerators, List<Samples> denominators) {
        if (numerators.isEmpty() || numerators.size() != denominators.size()) {
            throw new IllegalArgumentException("need as many numerators as denominators, at least one: "
                    + numerators.size() + " and " + denominators.size());
        }
        int k = numerators.size();
        double point = 0;
        for (int i = 0; i < k; i++) {
            point += Math.log(numerators.get(i).mean() / denominators.get(i).mean());
        }
        SplittableRandom random = new SplittableRandom(SEED);
        double[] estimates = new double[RESAMPLES];
        for (int r = 0; r < RESAMPLES; r++) {
            double log = 0;
            for (int i = 0; i < k; i++) {
                log += Math.log(resampledMean(numerators.get(i), random) / resampledMean(denominators.get(i), random));
            }
            estimates[r] = Math.exp(log / k);
        }
        return percentiles(Math.exp(point / k), estimates);
    }

    private static double resampledMean(Samples s, SplittableRandom random) {
        int groups = s.groups();
        double sum = 0;
        int n = 0;
        for (int g = 0; g < groups; g++) {
            double[] group = s.group(random.nextInt(groups));
            for (int i = 0; i < group.length; i++) {
                sum += group[random.nextInt(group.length)];
            }
            n += group.length;
        }
        return sum / n;
    }

    private static Interval percentiles(double point, double[] estimates) {
        Arrays.sort(estimates);
        double alpha = (1 - LEVEL) / 2;
        double low = estimates[(int) Math.floor(alpha * (estimates.length - 1))];
        double high = estimates[(int) Math.ceil((1 - alpha) * (estimates.length - 1))];
        // The percentiles of a skewed resample can miss a point estimate from very few samples.
        return new Interval(Math.min(low, point), point, Math.max(high, point), LEVEL);
    }
}
