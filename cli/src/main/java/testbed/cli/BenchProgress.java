package testbed.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.format.OutputFormat;

/**
 * JMH's output for {@code testbed bench}: everything JMH says goes to its log file unchanged
 * (through {@code log}), and the terminal gets one line per benchmark configuration as it
 * finishes, with its score and an estimate of the time left.
 */
final class BenchProgress implements OutputFormat {
    private final OutputFormat log;
    private final PrintWriter out;
    private final int total;
    private final long start = System.nanoTime();
    private int done;
    private BenchmarkParams current;
    private boolean finished;

    /**
     * @param log JMH's own text output, to a file
     * @param out the terminal
     * @param total configurations planned
     */
    BenchProgress(OutputFormat log, PrintWriter out, int total) {
        this.log = log;
        this.out = out;
        this.total = total;
    }

    @Override
    public void startBenchmark(BenchmarkParams params) {
        finish(null); // a configuration whose fork failed may end without endBenchmark
        current = params;
        finished = false;
        log.startBenchmark(params);
    }

    @Override
    public void endBenchmark(BenchmarkResult result) {
        log.endBenchmark(result);
        finish(result);
    }

    private void finish(BenchmarkResult result) {
        if (current == null || finished) {
            return;
        }
        finished = true;
        done++;
        String outcome;
        if (result == null || result.getPrimaryResult() == null) {
            outcome = skipped(current) ? "skipped (NONE is never rewritten, so never metered)" : "failed (see the log)";
        } else {
            Result<?> r = result.getPrimaryResult();
            double error = r.getScoreError();
            outcome = Double.isNaN(error)
                    ? String.format(Locale.ROOT, "%.1f %s", r.getScore(), r.getScoreUnit())
                    : String.format(Locale.ROOT, "%.1f ± %.1f %s", r.getScore(), error, r.getScoreUnit());
        }
        out.println(String.format(Locale.ROOT, "[%d/%d] %s: %s (left %s)", done, Math.max(total, done), label(current), outcome,
                Progress.human(left())));
    }

    /** Time left, from the average time per configuration so far. */
    Duration left() {
        long elapsed = System.nanoTime() - start;
        return Duration.ofNanos(done == 0 ? 0 : elapsed / done * Math.max(0, total - done));
    }

    int done() {
        return done;
    }

    /** {@code IsolationBench.run metered=false mode=SFI_MASK workload=copy}: JMH orders the parameters by name. */
    static String label(BenchmarkParams p) {
        String[] parts = p.getBenchmark().split("\\.");
        StringBuilder s = new StringBuilder(parts.length >= 2 ? parts[parts.length - 2] + "." + parts[parts.length - 1] : p.getBenchmark());
        for (String key : p.getParamsKeys()) {
            s.append(' ').append(key).append('=').append(p.getParam(key));
        }
        return s.toString();
    }

    private static boolean skipped(BenchmarkParams p) {
        return p.getParamsKeys().contains("metered") && "NONE".equals(p.getParam("mode")) && "true".equals(p.getParam("metered"));
    }

    @Override
    public void iteration(BenchmarkParams benchParams, IterationParams params, int iteration) {
        log.iteration(benchParams, params, iteration);
    }

    @Override
    public void iterationResult(BenchmarkParams benchParams, IterationParams params, int iteration, IterationResult data) {
        log.iterationResult(benchParams, params, iteration, data);
    }

    @Override
    public void startRun() {
        log.startRun();
    }

    @Override
    public void endRun(Collection<RunResult> result) {
        finish(null);
        log.endRun(result);
    }

    @Override
    public void print(String s) {
        log.print(s);
    }

    @Override
    public void println(String s) {
        log.println(s);
    }

    @Override
    public void flush() {
        log.flush();
        out.flush();
    }

    @Override
    public void close() {
        log.close();
    }

    @Override
    public void verbosePrintln(String s) {
        log.verbosePrintln(s);
    }

    @Override
    public void write(int b) {
        log.write(b);
    }

    @Override
    public void write(byte[] b) throws IOException {
        log.write(b);
    }
}
