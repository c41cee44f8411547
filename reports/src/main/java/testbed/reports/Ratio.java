package testbed.reports;

import java.util.Locale;

/**
 * One score divided by another from the same run, with a rough error: the two scores' relative
 * errors (JMH's 99.9% half-widths) combined in quadrature. NaN when either score had no error
 * (one iteration, one fork): then the ratio stands without a range.
 */
record Ratio(double value, double error) {

    /** {@code a / b}, each with its error. */
    static Ratio of(double a, double errorA, double b, double errorB) {
        double r = a / b;
        double relative = Math.sqrt(Math.pow(errorA / a, 2) + Math.pow(errorB / b, 2));
        return new Ratio(r, r * relative);
    }

    /** Whether {@link #error} is known. */
    boolean hasError() {
        return !Double.isNaN(error) && !Double.isInfinite(error);
    }

    /** {@code 1.034x ± 0.012}, or {@code 1.034x} without a known error. */
    String text() {
        return hasError()
                ? String.format(Locale.ROOT, "%.3fx ± %.3f", value, error)
                : String.format(Locale.ROOT, "%.3fx", value);
    }

    /** {@code 1.034x}. */
    String times() {
        return String.format(Locale.ROOT, "%.3fx", value);
    }

    /** A score or an error for a table: four significant digits at most, no exponent, the same in every locale. */
    static String decimal(double v) {
        return testbed.reports.stats.Interval.decimal(v);
    }
}
