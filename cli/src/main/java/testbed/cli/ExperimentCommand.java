package testbed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.openjdk.jmh.runner.RunnerException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import testbed.bench.Suite;
import testbed.bench.experiments.Experiment;
import testbed.bench.experiments.Experiments;
import testbed.corpus.Corpus;
import testbed.reports.ExperimentPage;
import testbed.reports.OverheadReport;
import testbed.reports.Provenance;

/**
 * {@code testbed experiment NAME}: reruns one of the classic experiments (E1 to E8) and writes
 * its page ({@code eN.html}) and record ({@code eN.json}) into the report directory. E1 and E2
 * are the overhead suite's JMH benchmarks (their passes of {@code testbed bench}, with more forks
 * and shorter iterations, and the overhead report beside the page); E3 to E8 run in this JVM
 * and, for E3 and E4, in campaign workers.
 */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = {"Reruns one of the classic experiments and writes its page and JSON record.",
                "E1 overhead per mode (Wahbe Table 1), E2 domain crossing (Wahbe Table 2), E3 fault injection",
                "(Nooks, Rio), E4 VINO grafts and transactions, E5 checks removed by verification, E6 ExtOS",
                "read filter, E7 Exokernel revocation, E8 SPIN dispatch. --list gives each one's run time.",
                "Every goal is judged on a 95% interval from the run's own samples; --quick decides none."})
final class ExperimentCommand implements Callable<Integer> {
    /** E1's and E2's JMH plans: more forks than iterations, since forks are what differ most. */
    static final BenchCommand.Plan DEFAULT_PLAN = new BenchCommand.Plan("experiment", 3, 1, Duration.ofMillis(400), 3, Duration.ofMillis(300));
    static final BenchCommand.Plan QUICK_PLAN = new BenchCommand.Plan("quick", 1, 1, Duration.ofMillis(200), 2, Duration.ofMillis(200));
    /** The workloads a quick E1 measures (the two that also run on Chicory). */
    static final List<String> QUICK_WORKLOADS = List.of("checksum", "copy");

    private static final Map<String, String[]> JMH_EXPERIMENTS = new LinkedHashMap<>();

    static {
        JMH_EXPERIMENTS.put("E1", new String[] {"Overhead of each protection mode on seven workloads (Wahbe et al. 1993, Table 1)",
                "about 7 min (65 configurations x 3 forks); --quick about 30 s (two workloads, 1 fork)"});
        JMH_EXPERIMENTS.put("E2", new String[] {"Domain crossing against a local call and a separate process (Wahbe et al. 1993, Table 2)",
                "about 1 min (8 crossings x 3 forks); --quick about 12 s"});
    }

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "E1 to E8 (see --list).")
    String name;

    @Option(names = "--list", description = "List the experiments with their run times on a 2-core machine.")
    boolean list;

    @Option(names = "--quick", description = "A short run: rough numbers in seconds; it decides no goal.")
    boolean quick;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: reports/<timestamp>).")
    Path out;

    @Override
    public Integer call() throws IOException, RunnerException {
        PrintWriter stdout = spec.commandLine().getOut();
        if (list) {
            JMH_EXPERIMENTS.forEach((id, text) -> stdout.printf("%-3s %s%n    %s%n", id, text[0], text[1]));
            for (Experiment e : Experiments.all()) {
                stdout.printf("%-3s %s%n    %s%n", e.id(), e.title(), e.runTime());
            }
            return 0;
        }
        if (name == null) {
            throw new Testbed.UserError("name an experiment, E1 to E8 (testbed experiment --list describes them)");
        }
        String id = name.toUpperCase(Locale.ROOT);
        Experiment inProcess = Experiments.byId(id).orElse(null);
        if (inProcess == null && !JMH_EXPERIMENTS.containsKey(id)) {
            throw new Testbed.UserError("no experiment '" + name + "': use E1 to E8 (testbed experiment --list)");
        }
        Path dir = BenchCommand.outputDirectory(out, "experiment");
        boolean campaign = id.equals("E3") || id.equals("E4");
        Provenance provenance = campaign ? Launcher.provenance(Launcher.arguments(spec), "bundled", Corpus.bundled())
                : Launcher.provenance(Launcher.arguments(spec), "bundled", "-");
        long t0 = System.nanoTime();
        ExperimentPage page = inProcess != null
                ? inProcess.run(new Experiment.Run(quick, dir, provenance, stdout, Modes.WORKER_JVM))
                : overhead(id, dir, provenance, stdout);
        page.writeTo(dir);
        stdout.println(id + " finished in " + Progress.human(Duration.ofNanos(System.nanoTime() - t0)) + "; goals:");
        for (ExperimentPage.Check c : page.checks()) {
            stdout.println("  " + c.quantity() + " " + c.target() + ": " + c.measured() + " -> " + c.verdictText());
        }
        page.banners().forEach(b -> stdout.println("note: " + b));
        stdout.println("page: " + dir.resolve(page.htmlName()) + " (and " + page.jsonName() + ")");
        return 0;
    }

    /** E1 or E2: the overhead suite's passes for it, the overhead report, and the experiment's page from it. */
    private ExperimentPage overhead(String id, Path dir, Provenance provenance, PrintWriter stdout) throws IOException, RunnerException {
        BenchCommand.Plan plan = quick ? QUICK_PLAN : DEFAULT_PLAN;
        List<Suite.Pass> passes = new ArrayList<>();
        for (Suite.Pass p : Suite.passes()) {
            boolean workload = Suite.WORKLOADS.contains(p.name()) && (!quick || QUICK_WORKLOADS.contains(p.name()));
            if (id.equals("E1") ? workload : p.name().equals("crossing")) {
                passes.add(p);
            }
        }
        List<String> notes = new ArrayList<>();
        List<String> excludes = new ArrayList<>();
        if (Suite.processMode().isEmpty()) {
            excludes.add("^" + Pattern.quote(Suite.PROCESS_CROSSING) + "$");
            notes.add("The PROCESS crossing was not measured: this build's ProtectionMode has no PROCESS constant.");
        }
        Path log = dir.resolve(BenchCommand.JMH_LOG);
        Path results = dir.resolve(BenchCommand.JMH_JSON);
        Files.deleteIfExists(results);
        long t0 = System.nanoTime();
        int configurations = BenchCommand.measure(plan, passes, log, results, excludes, List.of(), stdout);
        JsonNode jmh = Files.isRegularFile(results) ? JsonMapper.builder().build().readTree(results.toFile()) : null;
        if (jmh == null || !jmh.isArray() || jmh.isEmpty()) {
            throw new IOException("no benchmark finished; see " + log);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("run", id + " " + plan.name() + (quick ? " (--quick)" : ""));
        settings.put("plan", plan.text());
        settings.put("configurations", jmh.size() + " measured of " + configurations);
        settings.put("elapsed", Progress.human(Duration.ofNanos(System.nanoTime() - t0)));
        Map<String, OverheadReport.ExtensionSize> sizes = new LinkedHashMap<>();
        Suite.extensionSizes().forEach((n, s) -> sizes.put(n, new OverheadReport.ExtensionSize(s.classFile(), s.rewritten(), s.accesses(), s.guardsRemoved())));
        OverheadReport report = OverheadReport.of(jmh, sizes, settings, notes, quick);
        report.writeTo(dir);
        return report.experimentPage(id, provenance);
    }
}
