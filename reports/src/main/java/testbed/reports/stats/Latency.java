package testbed.reports.stats;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * A latency distribution in nanoseconds, recorded into an HdrHistogram with three significant
 * digits (so p99.9 and the maximum are kept exactly enough to quote, at a fixed few kilobytes
 * whatever the count).
 */
public final class Latency {
    private final Histogram histogram = new Histogram(3);

    /** Records one latency; a negative or zero one (a clock that did not move) counts as 1 ns. */
    public void record(long nanos) {
        histogram.recordValue(Math.max(1, nanos));
    }

    /** Latencies recorded. */
    public long count() {
        return histogram.getTotalCount();
    }

    /** The summary a page prints. */
    public Summary summary() {
        if (histogram.getTotalCount() == 0) {
            return new Summary(0, 0, 0, 0, 0, 0);
        }
        return new Summary(histogram.getTotalCount(), histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(99),
                histogram.getValueAtPercentile(99.9), histogram.getMaxValue(), histogram.getMean());
    }

    /**
     * Percentiles of a distribution, in nanoseconds.
     *
     * @param count latencies recorded
     */
    public record Summary(long count, long p50, long p99, long p999, long max, double mean) {
        /** The fields in order, for a JSON record. */
        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("count", count);
            m.put("p50Ns", p50);
            m.put("p99Ns", p99);
            m.put("p999Ns", p999);
            m.put("maxNs", max);
            m.put("meanNs", Math.round(mean * 10) / 10.0);
            return m;
        }

        /** {@code p50 1.2 µs, p99 3.4 µs, p99.9 9.1 µs, max 120 µs (n = 10,000)}. */
        public String text() {
            return "p50 " + human(p50) + ", p99 " + human(p99) + ", p99.9 " + human(p999) + ", max " + human(max)
                    + " (n = " + String.format(java.util.Locale.ROOT, "%,d", count) + ")";
        }

        /** Nanoseconds in the unit that keeps them readable. */
        public static String human(double nanos) {
            if (nanos >= 1e6) {
                return Interval.decimal(nanos / 1e6) + " ms";
            }
            if (nanos >= 1e3) {
                return Interval.decimal(nanos / 1e3) + " µs";
            }
            return Interval.decimal(nanos) + " ns";
        }
    }
}
