package testbed.reports.stats;

import java.util.Locale;

/**
 * A point estimate with a two-sided interval around it.
 *
 * @param low lower end
 * @param estimate the estimate from all samples
 * @param high upper end
 * @param level the interval's coverage, e.g. 0.95
 */
public record Interval(double low, double estimate, double high, double level) {

    public Interval {
        if (!(low <= estimate && estimate <= high)) {
            throw new IllegalArgumentException("interval [" + low + ", " + high + "] does not hold its estimate " + estimate);
        }
    }

    /** An interval of no width: a quantity that was counted, not sampled. */
    public static Interval exact(double value) {
        return new Interval(value, value, value, 1);
    }

    /** Whether the interval has no width. */
    public boolean isPoint() {
        return low == high;
    }

    /** {@code 1.034x [1.010, 1.061]}. */
    public String times() {
        return String.format(Locale.ROOT, "%.3fx [%.3f, %.3f]", estimate, low, high);
    }

    /** {@code 41.2 [39.8, 43.0]} with the given unit appended. */
    public String text(String unit) {
        return decimal(estimate) + " [" + decimal(low) + ", " + decimal(high) + "]" + (unit.isEmpty() ? "" : " " + unit);
    }

    /** Four significant figures at most, no exponent, the same in every locale. */
    public static String decimal(double v) {
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
