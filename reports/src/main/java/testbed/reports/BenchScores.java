package testbed.reports;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import testbed.reports.stats.Samples;

/**
 * The scores of one JMH run, read from JMH's own JSON result format (an array with one object
 * per benchmark configuration: {@code benchmark}, {@code params}, {@code primaryMetric} with
 * {@code score}, {@code scoreError} and {@code scoreUnit}). Benchmarks are named by their class's
 * simple name and method ({@code IsolationBench.run}).
 */
final class BenchScores {

    /**
     * One configuration's primary score. {@code error} is JMH's 99.9% half-width, NaN when JMH had
     * too few samples; {@code samples} are JMH's raw iteration scores by fork, in the score's
     * unit, or null when the result has none.
     */
    record Score(String benchmark, Map<String, String> params, double score, double error, String unit, Samples samples) {
        /** The parameter's value, or null. */
        String param(String name) {
            return params.get(name);
        }

        /** The score in nanoseconds per operation (every overhead benchmark is an average time). */
        double nanos() {
            return score * nanosPer(unit);
        }

        /** Nanoseconds per unit of the score. */
        double nanosPerUnit() {
            return nanosPer(unit);
        }

        /** The error in nanoseconds per operation; NaN if unknown. */
        double errorNanos() {
            return error * nanosPer(unit);
        }

        /** {@code 912.3 ± 4.1 ns}: the score as JMH gave it, in its unit. */
        String text() {
            String u = unit.replace("/op", "").replace("us", "µs");
            return Double.isNaN(error)
                    ? Ratio.decimal(score) + " " + u
                    : Ratio.decimal(score) + " ± " + Ratio.decimal(error) + " " + u;
        }

        private static double nanosPer(String unit) {
            switch (unit) {
                case "ns/op": return 1;
                case "us/op": return 1e3;
                case "ms/op": return 1e6;
                case "s/op": return 1e9;
                default: throw new IllegalArgumentException("not a time per operation: " + unit
                        + " (the overhead report needs average-time benchmarks)");
            }
        }
    }

    private final List<Score> scores;

    private BenchScores(List<Score> scores) {
        this.scores = scores;
    }

    /**
     * Reads JMH's JSON results.
     *
     * @throws IllegalArgumentException naming the element, if it is not JMH's result format
     */
    static BenchScores fromJmh(JsonNode results) {
        if (results == null || !results.isArray()) {
            throw new IllegalArgumentException("JMH results must be a JSON array of benchmark results");
        }
        List<Score> list = new ArrayList<>();
        int i = 0;
        for (JsonNode run : results) {
            JsonNode metric = run.path("primaryMetric");
            String benchmark = run.path("benchmark").asText("");
            if (benchmark.isEmpty() || !metric.path("score").isNumber() || !metric.path("scoreUnit").isTextual()) {
                throw new IllegalArgumentException("JMH result " + i + " has no benchmark, score or scoreUnit");
            }
            String[] parts = benchmark.split("\\.");
            String name = parts.length >= 2 ? parts[parts.length - 2] + "." + parts[parts.length - 1] : benchmark;
            Map<String, String> params = new LinkedHashMap<>();
            run.path("params").properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
            JsonNode error = metric.path("scoreError");
            double e = error.isNumber() ? error.asDouble() : Double.NaN; // JMH writes "NaN" as a string
            list.add(new Score(name, Collections.unmodifiableMap(params), metric.get("score").asDouble(), e,
                    metric.get("scoreUnit").asText(), samples(metric.path("rawData"))));
            i++;
        }
        return new BenchScores(List.copyOf(list));
    }

    /** JMH's {@code rawData} (forks of iteration scores), or null if absent or not positive numbers. */
    private static Samples samples(JsonNode raw) {
        if (!raw.isArray() || raw.isEmpty()) {
            return null;
        }
        List<List<Double>> forks = new ArrayList<>();
        for (JsonNode fork : raw) {
            List<Double> iterations = new ArrayList<>();
            for (JsonNode v : fork) {
                if (!v.isNumber() || !(v.asDouble() > 0)) {
                    return null;
                }
                iterations.add(v.asDouble());
            }
            if (iterations.isEmpty()) {
                return null;
            }
            forks.add(iterations);
        }
        return Samples.ofLists(forks);
    }

    List<Score> all() {
        return scores;
    }

    /** Scores of one benchmark ({@code Class.method}), in run order. */
    List<Score> of(String benchmark) {
        List<Score> list = new ArrayList<>();
        for (Score s : scores) {
            if (s.benchmark().equals(benchmark)) {
                list.add(s);
            }
        }
        return list;
    }

    /** The first score of {@code benchmark} whose parameters satisfy {@code filter}. */
    Optional<Score> find(String benchmark, Predicate<Score> filter) {
        return of(benchmark).stream().filter(filter).findFirst();
    }

    Optional<Score> find(String benchmark) {
        return find(benchmark, s -> true);
    }
}
