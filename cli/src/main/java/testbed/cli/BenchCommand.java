package testbed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import testbed.bench.Suite;
import testbed.reports.OverheadReport;
import testbed.sandbox.Protection;
import testbed.sandbox.Protections;
import testbed.sfi.ProtectionMode;

/**
 * {@code testbed bench}: the overhead experiment. Runs the JMH suite of the bench module in this
 * JVM's JMH runner (the benchmarks are in this jar; every configuration runs in forked JVMs) and
 * writes the overhead report.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Runs the overhead benchmarks (JMH) and writes the overhead report.",
                "Every workload in every protection mode with and without fuel metering,",
                "domain crossings, transactions, extension loading and the WebAssembly",
                "(Chicory) baseline. Writes bench.json (JMH's results and the ratios),",
                "overhead.md, overhead.html and JMH's own output (jmh.log) into the output",
                "directory (default testbed-out/bench-<timestamp>); testbed-out/latest points at the newest. Measure on a quiet",
                "machine: other load skews the ratios. A plug-in technique (--technique-jar, named",
                "in --modes) is measured on every workload beside the built-in modes.",
                "",
                "Default run: " + BenchCommand.THOROUGH_TEXT + ",",
                "             about 30 minutes on a 2-core machine.",
                "--quick:     " + BenchCommand.QUICK_TEXT + ",",
                "             about 4 minutes: to check that everything runs."})
final class BenchCommand implements Callable<Integer> {
    static final String QUICK_TEXT = "1 fork, 2 x 250 ms warm-up, 3 x 250 ms measurement";
    static final String THOROUGH_TEXT = "2 forks, 3 x 1 s warm-up, 5 x 1 s measurement";
    /** JMH's human-readable output, beside the report. */
    static final String JMH_LOG = "jmh.log";
    /** JMH's JSON results as JMH wrote them (also embedded in bench.json). */
    static final String JMH_JSON = "jmh.json";
    /** Starting a fork and running setup, per configuration and fork: for the estimate only. */
    private static final Duration FORK_OVERHEAD = Duration.ofMillis(800);

    /** How long and how often each configuration is measured. */
    record Plan(String name, int forks, int warmupIterations, Duration warmup, int iterations, Duration measurement) {
        /** {@code 2 forks, 3 x 1 s warm-up, 5 x 1 s measurement}. */
        String text() {
            return forks + (forks == 1 ? " fork, " : " forks, ") + warmupIterations + " x " + millis(warmup) + " warm-up, "
                    + iterations + " x " + millis(measurement) + " measurement";
        }

        private static String millis(Duration d) {
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
        }

        Duration perConfiguration() {
            return warmup.multipliedBy(warmupIterations).plus(measurement.multipliedBy(iterations)).plus(FORK_OVERHEAD)
                    .multipliedBy(forks);
        }
    }

    static final Plan QUICK = new Plan("quick", 1, 2, Duration.ofMillis(250), 3, Duration.ofMillis(250));
    static final Plan THOROUGH = new Plan("thorough", 2, 3, Duration.ofSeconds(1), 5, Duration.ofSeconds(1));

    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "A short run (" + QUICK_TEXT + "): every benchmark, rough numbers.")
    boolean quick;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: testbed-out/bench-<timestamp>).")
    Path out;

    @Option(names = "--modes", split = ",", paramLabel = "MODE",
            description = "The workloads' variants: NONE, SFI_MASK_STORES, SFI_MASK, SFI_CHECK, BOUNDS, VERIFIED and plug-in techniques"
                    + " (default: all of them and every technique of --technique-jar); NONE, the baseline, always runs.")
    List<String> modes = new ArrayList<>();

    @Mixin
    TechniqueOptions techniques;

    @Option(names = "--forks", paramLabel = "N",
            description = "Forked JVMs per configuration (default: 2; 1 with --quick). A goal the report calls inconclusive"
                    + " names the forks that would decide it: whole forks settle in faster or slower JIT states, so more forks,"
                    + " not longer ones, narrow the intervals.")
    Integer forks;

    @Option(names = "--passes", split = ",", paramLabel = "PASS",
            description = "Only these passes of the suite (default: all): a workload (checksum, packetFilter, copy, hashTable, sort,"
                    + " readFilter, compute), crossing, transactions, load, bpf.")
    List<String> passes = new ArrayList<>();

    @Override
    public Integer call() throws IOException, RunnerException {
        PrintWriter stdout = spec.commandLine().getOut();
        List<String> notes = new ArrayList<>();
        List<String> variants = variants(notes);
        List<Suite.Pass> suite = passes(Suite.passes(variants));
        Plan plan = quick ? QUICK : THOROUGH;
        if (forks != null) {
            if (forks < 1) {
                throw new Testbed.UserError("--forks must be at least 1, got " + forks);
            }
            plan = new Plan(plan.name(), forks, plan.warmupIterations(), plan.warmup(), plan.iterations(), plan.measurement());
        }
        Path dir = outputDirectory(out, "bench");

        List<String> excludes = new ArrayList<>();
        if (Suite.processMode().isEmpty()) {
            excludes.add("^" + Pattern.quote(Suite.PROCESS_CROSSING) + "$");
            notes.add("The PROCESS crossing was not measured: this build's ProtectionMode has no PROCESS constant.");
        }
        notes.add("(NONE, metered) is not a configuration: NONE is never rewritten, so never metered; JMH skips it.");

        Path log = dir.resolve(JMH_LOG);
        Path results = dir.resolve(JMH_JSON);
        Files.deleteIfExists(results);
        LocalDateTime started = LocalDateTime.now().withNano(0);
        long t0 = System.nanoTime();
        int configurations = measure(plan, suite, log, results, excludes, techniques.protections().workerOptions(), stdout);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        JsonNode jmh = Files.isRegularFile(results) ? JsonMapper.builder().build().readTree(results.toFile()) : null;
        if (jmh == null || !jmh.isArray() || jmh.isEmpty()) {
            spec.commandLine().getErr().println("testbed: no benchmark finished; see " + log);
            return Testbed.INTERNAL;
        }

        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("run", plan.name() + (quick ? " (--quick)" : ""));
        settings.put("forks", Integer.toString(plan.forks()));
        settings.put("warm-up", plan.warmupIterations() + " x " + plan.warmup().toMillis() + " ms");
        settings.put("measurement", plan.iterations() + " x " + plan.measurement().toMillis() + " ms");
        settings.put("configurations", jmh.size() + " measured of " + configurations);
        settings.put("modes", String.join(", ", variants));
        if (!techniques.jars.isEmpty()) {
            settings.put("technique jars", String.join(", ", techniques.protections().jars().stream().map(Path::toString).toList()));
        }
        if (suite.size() < Suite.passes().size()) {
            settings.put("passes", String.join(", ", suite.stream().map(Suite.Pass::name).toList()));
        }
        settings.put("JVM", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        settings.put("processors", Integer.toString(Runtime.getRuntime().availableProcessors()));
        settings.put("started", started.toString());
        settings.put("elapsed", Progress.human(elapsed));
        settings.put("JMH output", JMH_LOG + ", " + JMH_JSON);

        Map<String, OverheadReport.ExtensionSize> sizes = new LinkedHashMap<>();
        Suite.extensionSizes().forEach((name, s) -> sizes.put(name, new OverheadReport.ExtensionSize(s.classFile(), s.rewritten(), s.accesses(), s.guardsRemoved())));
        OverheadReport report = OverheadReport.of(jmh, sizes, settings, notes, quick);
        report.writeTo(dir);
        summarise(stdout, report, dir, elapsed);
        return 0;
    }

    /**
     * The variants of {@code --modes}, in the order given, {@code NONE} first: built-in variants by
     * their {@code IsolationBench} names, plug-ins by theirs; all of them without {@code --modes}.
     * A technique that runs in a child process is refused: the workloads call an extension directly.
     */
    private List<String> variants(List<String> notes) {
        Protections known = techniques.protections();
        List<String> all = new ArrayList<>(Suite.MODES);
        for (Protection p : known.all()) {
            if (p instanceof Protection.PlugIn && p.pipeline() != ProtectionMode.PROCESS) {
                all.add(p.name());
            }
        }
        if (modes.isEmpty()) {
            return all;
        }
        List<String> out = new ArrayList<>(List.of(Protections.UNPROTECTED));
        for (String m : modes) {
            String name = m.trim();
            if (!all.contains(name)) {
                boolean process = known.names().contains(name) && known.byName(name).pipeline() == ProtectionMode.PROCESS;
                throw new Testbed.UserError(process
                        ? "'" + name + "' runs its extensions in a child process, which the workloads cannot call directly;"
                                + " the process crossing's cost is CrossingBench.processCrossing (pass crossing)"
                        : "unknown variant '" + name + "' for bench --modes (known: " + String.join(", ", all) + ")"
                                + (known.jars().isEmpty() ? "; a plug-in technique needs --technique-jar" : ""));
            }
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        if (!modes.stream().map(String::trim).toList().contains(Protections.UNPROTECTED)) {
            notes.add("NONE was added to --modes: every ratio divides by the same workload's NONE score from the same run.");
        }
        return out;
    }

    /** The passes {@code --passes} names, in the suite's order; all of them without it. */
    private List<Suite.Pass> passes(List<Suite.Pass> all) {
        List<String> names = all.stream().map(Suite.Pass::name).toList();
        for (String p : passes) {
            if (!names.contains(p.trim())) {
                throw new Testbed.UserError("unknown pass '" + p + "' (known: " + String.join(", ", names) + ")");
            }
        }
        return passes.isEmpty() ? all : all.stream().filter(p -> passes.stream().map(String::trim).toList().contains(p.name())).toList();
    }

    /**
     * Runs every pass of the suite, JMH's text output to {@code log} and a line per configuration to
     * {@code stdout}, and writes all passes' results to {@code results} in JMH's JSON format.
     *
     * @param forkJvm options appended to each fork's JVM options (plug-in techniques' jars)
     * @return the number of configurations planned
     */
    static int measure(Plan plan, List<Suite.Pass> passes, Path log, Path results, List<String> excludes, List<String> forkJvm,
            PrintWriter stdout) throws IOException, RunnerException {
        try (PrintStream logStream = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
            OutputFormat jmhLog = OutputFormatFactory.createFormatInstance(logStream, VerboseMode.NORMAL);
            int configurations = 0;
            for (Suite.Pass pass : passes) {
                configurations += configurations(jmhLog, pass, excludes);
            }
            stdout.println("bench: " + configurations + " configurations, " + plan.name() + " (" + plan.text()
                    + "), about " + Progress.human(plan.perConfiguration().multipliedBy(configurations)) + " -> " + log.getParent());
            stdout.println("JMH's own output: " + log);
            BenchProgress progress = new BenchProgress(jmhLog, stdout, configurations);
            List<RunResult> all = new ArrayList<>();
            // JMH's host copies what a forked benchmark prints (setup notes, stack traces) to its
            // own System.out and System.err, past the output format: send those to the log too.
            PrintStream systemOut = System.out;
            PrintStream systemErr = System.err;
            System.setOut(logStream);
            System.setErr(logStream);
            try {
                for (Suite.Pass pass : passes) {
                    ChainedOptionsBuilder options = new OptionsBuilder()
                            .forks(plan.forks())
                            .warmupIterations(plan.warmupIterations()).warmupTime(TimeValue.milliseconds(plan.warmup().toMillis()))
                            .measurementIterations(plan.iterations()).measurementTime(TimeValue.milliseconds(plan.measurement().toMillis()))
                            .shouldFailOnError(false);
                    pass.includes().forEach(options::include);
                    excludes.forEach(options::exclude);
                    pass.params().forEach((name, values) -> options.param(name, values.toArray(String[]::new)));
                    if (!forkJvm.isEmpty()) {
                        options.jvmArgsAppend(forkJvm.toArray(String[]::new));
                    }
                    all.addAll(new Runner(options.build(), progress).run());
                }
            } finally {
                System.setOut(systemOut);
                System.setErr(systemErr);
            }
            if (!all.isEmpty()) {
                ResultFormatFactory.getInstance(ResultFormatType.JSON, results.toString()).writeOut(all);
            }
            return configurations;
        }
    }

    /**
     * Configurations JMH will run in {@code pass}: each matching benchmark times the product of its
     * parameters' value counts, a parameter the pass sets counting its values.
     */
    static int configurations(OutputFormat format, Suite.Pass pass, List<String> excludes) {
        int n = 0;
        for (BenchmarkListEntry e : BenchmarkList.defaultList().find(format, pass.includes(), excludes)) {
            int product = 1;
            if (e.getParams().hasValue()) {
                for (Map.Entry<String, String[]> p : e.getParams().get().entrySet()) {
                    List<String> set = pass.params().get(p.getKey());
                    product *= set != null ? set.size() : p.getValue().length;
                }
            }
            n += product;
        }
        return n;
    }

    static void summarise(PrintWriter out, OverheadReport report, Path dir, Duration elapsed) {
        out.println("finished in " + Progress.human(elapsed) + "; goals:");
        for (OverheadReport.Goal g : report.goals()) {
            String verdict = switch (g.verdict()) {
                case MET -> "met    ";
                case MISSED -> "MISSED ";
                case INCONCLUSIVE -> "?      ";
                case NOT_MEASURED -> "-      ";
            };
            out.println("  " + verdict + g.quantity() + " " + g.target() + ": " + g.measured());
        }
        report.plugIns().forEach(p -> out.println("  plug-in " + p));
        report.warnings().forEach(w -> out.println("warning: " + w));
        out.println("report: " + dir.resolve(OverheadReport.HTML) + " (and " + OverheadReport.MARKDOWN + ", " + OverheadReport.BENCH_JSON + ")");
    }

    /** {@code out}, or {@code testbed-out/<command>-<timestamp>} without one: created, and {@code testbed-out/latest} pointed at it. */
    static Path outputDirectory(Path out, String command) throws IOException {
        Path dir = out != null ? out : CampaignCommand.OUTPUT.resolve(command + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new Testbed.UserError("--out " + dir + " is a file, not a directory");
        }
        Files.createDirectories(dir);
        CampaignCommand.linkLatest(dir);
        return dir;
    }
}
