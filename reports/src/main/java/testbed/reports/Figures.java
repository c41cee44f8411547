package testbed.reports;

import java.time.Duration;
import java.util.Locale;

/** Numbers and durations as the report prints them, the same in every locale. */
final class Figures {
    private Figures() {
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.1f", perSecond);
    }

    /** {@code 850 ms}, {@code 12.3 s}, {@code 4 min 05 s}, {@code 2 h 03 min}. */
    static String duration(Duration d) {
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            return d.toMillis() + " ms";
        }
        if (d.compareTo(Duration.ofMinutes(1)) < 0) {
            return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
        }
        if (d.compareTo(Duration.ofHours(1)) < 0) {
            return String.format(Locale.ROOT, "%d min %02d s", d.toMinutes(), d.toSecondsPart());
        }
        return String.format(Locale.ROOT, "%d h %02d min", d.toHours(), d.toMinutesPart());
    }

    /** A ratio rounded to {@code places} decimals, for JSON. */
    static double round(double value, int places) {
        double scale = Math.pow(10, places);
        return Math.round(value * scale) / scale;
    }
}
