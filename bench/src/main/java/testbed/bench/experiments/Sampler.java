package testbed.bench.experiments;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import testbed.reports.stats.Latency;
import testbed.reports.stats.Samples;

/**
 * Times configurations of an in-process experiment in rounds: every round sets each
 * configuration up afresh (a new kernel, new domains), warms it up, then measures it for a few
 * timed iterations, configurations one after another. Round-robin rather than one configuration
 * at a time, so that a burst of someone else's load on a shared machine lands on every
 * configuration alike, as {@code bench/rounds.sh} does for JMH. Each iteration gives one sample
 * (mean nanoseconds per operation); every operation's own time also goes into the
 * configuration's latency histogram. A probe times its own operation, so that work which only
 * prepares the next operation (rebinding frames, reloading an aborted domain) stays out of the
 * figures; the timed part includes the clock's own cost, about 20 to 30 ns here.
 */
final class Sampler {

    /**
     * How long each configuration is measured.
     *
     * @param rounds the samples' groups
     * @param warmups untimed iterations per round
     * @param iterations timed iterations per round
     * @param iterationNanos how long one iteration runs
     */
    record Plan(int rounds, int warmups, int iterations, long iterationNanos) {
        /** The wall time of one configuration, setup not included. */
        long nanosPerConfiguration() {
            return (long) rounds * (warmups + iterations) * iterationNanos;
        }
    }

    static final Plan QUICK = new Plan(1, 1, 3, 40_000_000L);
    static final Plan DEFAULT = new Plan(5, 2, 5, 60_000_000L);

    /** One configuration's state for a round: the operation to time, and what to release after. */
    interface Probe extends AutoCloseable {
        /**
         * One operation, with any untimed work it needs (setting up the next operation) done
         * around the part it times itself.
         *
         * @return the nanoseconds of the timed part
         */
        long run();

        @Override
        default void close() {
        }

        /** A probe whose whole operation is timed; its answers go to a sink so the JIT cannot drop them. */
        static Probe timing(java.util.function.LongSupplier operation) {
            return timing(operation, () -> { });
        }

        /** The same, releasing {@code resources} (a kernel's sandbox) when the round is over. */
        static Probe timing(java.util.function.LongSupplier operation, Runnable resources) {
            long[] sink = new long[1];
            return new Probe() {
                @Override
                public long run() {
                    long t0 = System.nanoTime();
                    sink[0] += operation.getAsLong();
                    return System.nanoTime() - t0;
                }

                @Override
                public void close() {
                    resources.run();
                }
            };
        }
    }

    /** A named configuration and how to set it up for a round. */
    record Configuration(String name, Supplier<Probe> setUp) {
    }

    /** What one configuration measured. */
    record Measured(Samples samples, Latency latency, long operations) {
    }

    /** Measures every configuration under {@code plan}; results in the configurations' order. */
    static Map<String, Measured> measure(Plan plan, List<? extends Configuration> configurations) {
        Map<String, double[][]> samples = new LinkedHashMap<>();
        Map<String, Latency> latencies = new LinkedHashMap<>();
        Map<String, Long> operations = new LinkedHashMap<>();
        for (Configuration c : configurations) {
            samples.put(c.name(), new double[plan.rounds()][plan.iterations()]);
            latencies.put(c.name(), new Latency());
            operations.put(c.name(), 0L);
        }
        // One untimed pass over every configuration first, so that the first one measured does not
        // also pay for compiling the code all of them share.
        for (Configuration c : configurations) {
            try (Probe probe = c.setUp().get()) {
                iteration(probe, plan.iterationNanos(), null);
            }
        }
        for (int round = 0; round < plan.rounds(); round++) {
            for (Configuration c : configurations) {
                try (Probe probe = c.setUp().get()) {
                    for (int w = 0; w < plan.warmups(); w++) {
                        iteration(probe, plan.iterationNanos(), null);
                    }
                    Latency latency = latencies.get(c.name());
                    for (int i = 0; i < plan.iterations(); i++) {
                        long[] ops = new long[1];
                        samples.get(c.name())[round][i] = iteration(probe, plan.iterationNanos(), latency, ops);
                        operations.merge(c.name(), ops[0], Long::sum);
                    }
                }
            }
        }
        Map<String, Measured> out = new LinkedHashMap<>();
        for (Configuration c : configurations) {
            out.put(c.name(), new Measured(Samples.of(samples.get(c.name())), latencies.get(c.name()), operations.get(c.name())));
        }
        return out;
    }

    private static double iteration(Probe probe, long nanos, Latency latency) {
        return iteration(probe, nanos, latency, new long[1]);
    }

    /** Runs operations for about {@code nanos} of wall time; answers the mean timed nanoseconds per operation. */
    private static double iteration(Probe probe, long nanos, Latency latency, long[] count) {
        long end = System.nanoTime() + nanos;
        long n = 0;
        long timed = 0;
        do {
            long t = probe.run();
            timed += t;
            if (latency != null) {
                latency.record(t);
            }
            n++;
        } while (System.nanoTime() < end);
        count[0] = n;
        return Math.max(1, timed) / (double) n;
    }
}
