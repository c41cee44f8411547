package testbed.reports;

import java.util.Locale;
import testbed.faults.RateBound;

/**
 * A count out of a total with its 95% Wilson score interval. Wilson rather than the normal
 * approximation because cells are small and shares sit near 0 or 1, where the normal interval
 * leaves [0, 1] or collapses to a point.
 *
 * @param count trials with the outcome
 * @param total trials in the cell
 */
public record Share(int count, int total) {
    /** The normal quantile for a two-sided 95% interval. */
    private static final double Z = 1.959963984540054;

    public Share {
        if (count < 0 || total < 0 || count > total) {
            throw new IllegalArgumentException("share " + count + " of " + total);
        }
    }

    public double value() {
        return total == 0 ? 0 : (double) count / total;
    }

    public double lower() {
        return total == 0 ? 0 : centre() - halfWidth();
    }

    public double upper() {
        return total == 0 ? 1 : centre() + halfWidth();
    }

    private double centre() {
        double n = total;
        return (count + Z * Z / 2) / (n + Z * Z);
    }

    private double halfWidth() {
        double n = total;
        double p = value();
        return Z / (n + Z * Z) * Math.sqrt(p * (1 - p) * n + Z * Z / 4);
    }

    /** {@code 85.0%}. */
    public String percent() {
        return percent(value());
    }

    /** {@code 78.1–90.2%}: the interval. */
    public String interval() {
        return String.format(Locale.ROOT, "%.1f–%.1f%%", 100 * Math.max(0, lower()), 100 * Math.min(1, upper()));
    }

    /**
     * {@code ≤ 2.5%}: the 95% upper bound on the rate, what a count of 0 still allows. The same
     * figure as {@code summary.json}'s {@code escapeBounds} and the campaign's progress line
     * ({@link RateBound}: the exact one-sided bound for 0, about 3/n, else the Wilson upper end).
     */
    public String bound() {
        return "≤ " + percent(RateBound.upper95(count, total));
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }
}
