package testbed.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.PrintWriter;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import testbed.corpus.Corpus;
import testbed.corpus.Outcome;
import testbed.program.ProgramText;
import testbed.faults.CampaignSettings;
import testbed.faults.Finding;
import testbed.faults.TrialLog;
import testbed.faults.TrialRecord;
import testbed.faults.fuzz.FuzzFinding;
import testbed.faults.fuzz.FuzzSettings;
import testbed.faults.fuzz.GeneratedTrial;
import testbed.faults.fuzz.Fuzzer;
import testbed.faults.fuzz.GenerationStats;
import testbed.faults.fuzz.ModeRun;
import testbed.faults.fuzz.ProgramGenerator;
import testbed.faults.fuzz.ProgramVerdict;
import testbed.faults.fuzz.PropertyFailure;
import testbed.faults.fuzz.RunKey;
import testbed.reports.ContainmentReport;
import testbed.reports.Provenance;
import testbed.sandbox.Protection;
import testbed.sandbox.Protections;

/** {@code testbed fuzz}: machine-generated extensions against every property of the isolation. */
@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = {"Generates random malicious and buggy extension programs from a seed, runs each unprotected and in",
                "every protected mode, and checks containment, transparency, oracle sensitivity, mode agreement and",
                "abort restoration on each. Failures are shrunk to small corpus reproducers under findings/; the report",
                "(index.html, report.md, summary.json, junit.xml, fuzz.json) goes to the output directory."})
final class FuzzCommand implements Callable<Integer> {
    static final String FUZZ_JSON = "fuzz.json";
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    @Spec
    CommandSpec spec;

    @Option(names = "--time", paramLabel = "DURATION", description = "Wall-clock limit, e.g. 60s, 5m (default: 60s unless --programs is given).")
    String time;

    @Option(names = "--programs", defaultValue = "0", paramLabel = "N", description = "Program budget (default: until --time).")
    long programs;

    @Option(names = "--seed", defaultValue = "1", description = "Run seed; program i's seed derives from it and i (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--modes", split = ",", paramLabel = "MODE",
            description = "Protected modes and plug-in techniques to check (default: SFI_MASK,SFI_CHECK,BOUNDS,VERIFIED; add PROCESS to include "
                    + "the process baseline, or a technique of --technique-jar).")
    List<String> modes = new ArrayList<>();

    @Mixin
    TechniqueOptions techniques;

    @Option(names = "--threads", defaultValue = "2", paramLabel = "N", description = "Checking threads, each with its own kernel (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--max-ops", defaultValue = "" + ProgramGenerator.DEFAULT_MAX_OPS, paramLabel = "N",
            description = "Largest generated program, in operations (default: ${DEFAULT-VALUE}).")
    int maxOps;

    @Option(names = "--no-shrink", description = "Keep findings as found instead of shrinking them.")
    boolean noShrink;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: testbed-out/fuzz-<timestamp>).")
    Path out;

    @Option(names = "--replay", paramLabel = "SEED", description = "Regenerate the program of this program seed, check it, and print what every mode did.")
    Long replay;

    @Override
    public Integer call() throws IOException {
        List<Protection> checked = modes();
        if (maxOps < ProgramGenerator.MIN_MAX_OPS || maxOps > 10_000) {
            throw new Testbed.UserError("--max-ops must be between " + ProgramGenerator.MIN_MAX_OPS + " and 10000, got " + maxOps);
        }
        if (threads < 1 || threads > 64) {
            throw new Testbed.UserError("--threads must be between 1 and 64, got " + threads);
        }
        if (replay != null) {
            return replay(checked);
        }
        if (programs < 0) {
            throw new Testbed.UserError("--programs must not be negative");
        }
        Duration limit = time != null ? CampaignCommand.duration(time) : programs == 0 ? Duration.ofSeconds(60) : null;
        FuzzSettings settings = new FuzzSettings(seed, programs, limit, checked, threads, maxOps, !noShrink);
        PrintWriter stdout = spec.commandLine().getOut();
        Path dir = out != null ? out
                : CampaignCommand.OUTPUT.resolve("fuzz-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(dir);
        CampaignCommand.linkLatest(dir);
        stdout.println("fuzz: generated programs, unprotected and in " + checked + ", "
                + (programs > 0 ? programs + " programs" : "for " + Progress.human(limit)) + ", " + threads + " threads, seed " + seed
                + " -> " + dir);
        Fuzzer fuzzer = new Fuzzer(settings, dir, null)
                .launcher(Launcher.provenance(Launcher.arguments(spec), Corpus.BUNDLED, "none: generated programs").launcher());
        Fuzzer.Result result;
        try (Progress progress = new Progress(stdout, "programs", programs)) {
            StopOnSignal.install(fuzzer::stop); // after the progress bar, whose terminal library resets Ctrl-C
            result = fuzzer.run(progress::update);
        }
        CampaignSettings asCampaign = new CampaignSettings("generated programs (seed " + seed + ")",
                names(checked), List.of(Fuzzer.GENERATED), programs, limit, seed, threads);
        List<Finding> findings = new ArrayList<>();
        for (FuzzFinding f : result.findings()) {
            List<TrialRecord> records = Fuzzer.records(f.first(), maxOps);
            TrialRecord first = records.stream().filter(r -> f.failure().concerns(r.mode())).findFirst().orElse(records.get(0));
            findings.add(new Finding(f.failure().signature(), withReplay(first, f), (int) Math.min(Integer.MAX_VALUE, f.count()), f.folder()));
        }
        Provenance provenance = Launcher.provenance(Launcher.arguments(spec), Corpus.BUNDLED, "none: generated programs");
        // The trial log too, so that two fuzz runs compare trial by trial (testbed compare).
        Files.deleteIfExists(dir.resolve(TrialLog.FILE_NAME));
        try (TrialLog log = TrialLog.appendTo(dir.resolve(TrialLog.FILE_NAME))) {
            for (TrialRecord r : result.records()) {
                log.append(r);
            }
        }
        ContainmentReport.of(asCampaign, result.records(), findings, result.elapsed(), provenance).writeTo(dir);
        writeSummary(dir, settings, result);
        summarise(stdout, result, dir);
        if (result.interrupted()) {
            spec.commandLine().getErr().println("testbed: interrupted after " + result.programs() + " programs; everything finished is in "
                    + dir + "; the same seed regenerates the same programs");
            return Testbed.INTERRUPTED;
        }
        return result.findings().isEmpty() ? 0 : Testbed.UNEXPECTED;
    }

    private static TrialRecord withReplay(TrialRecord r, FuzzFinding f) {
        return new TrialRecord(r.id(), r.entry(), r.family(), r.fault(), r.faultFamily(), r.mode(), r.seed(), r.outcome(), r.expected(),
                true, r.trapKind(), f.failure().toString(), r.violations(), f.failure().signature(), r.micros());
    }

    private List<Protection> modes() {
        if (modes.isEmpty()) {
            return Fuzzer.defaultModes();
        }
        List<Protection> out = Modes.modes(modes, techniques.protections());
        if (out.stream().anyMatch(Protection::unprotected)) {
            throw new Testbed.UserError("--modes lists protected modes; NONE always runs");
        }
        return out;
    }

    private static List<String> names(List<Protection> checked) {
        List<String> out = new ArrayList<>(List.of(Protections.UNPROTECTED));
        out.addAll(Modes.names(checked));
        return out;
    }

    private int replay(List<Protection> checked) {
        PrintWriter stdout = spec.commandLine().getOut();
        ProgramVerdict v = new GeneratedTrial(replay, maxOps, Protections.UNPROTECTED).check(checked);
        stdout.print(ProgramText.print(v.program()));
        ProgramVerdict.Reference ref = v.reference();
        stdout.println("reference: " + ref.accesses() + " accesses, " + (ref.withinLimits() ? "within limits" : "stopped at a limit")
                + (ref.triedOutside() ? ", names addresses outside its segment" : ", stays in its segment")
                + (ref.threw() == null ? "" : ", throws " + ref.threw()));
        for (Map.Entry<RunKey, ModeRun> e : v.runs().entrySet()) {
            ModeRun r = e.getValue();
            stdout.printf("  %-22s %-12s %s%n", e.getKey(), r.outcome(), r.detail().isEmpty() ? "answer " + r.answer() : r.detail());
        }
        if (v.failures().isEmpty()) {
            stdout.println("every property holds");
            return 0;
        }
        for (PropertyFailure f : v.failures()) {
            stdout.println("BROKEN " + f);
        }
        return Testbed.UNEXPECTED;
    }

    private static void writeSummary(Path dir, FuzzSettings s, Fuzzer.Result result) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seed", s.seed());
        m.put("programsRequested", s.programs());
        m.put("timeLimit", s.timeLimit() == null ? null : s.timeLimit().toString());
        m.put("modes", Modes.names(s.modes()));
        m.put("threads", s.threads());
        m.put("maxOps", s.maxOps());
        m.put("programs", result.programs());
        double seconds = Math.max(1e-9, result.elapsed().toNanos() / 1e9);
        m.put("elapsedSeconds", seconds);
        m.put("programsPerSecond", result.programs() / seconds);
        Map<String, Object> phases = new LinkedHashMap<>();
        result.nanosByPhase().forEach((k, v) -> phases.put(k, Map.of("totalSeconds", v / 1e9,
                "microsPerProgram", result.programs() == 0 ? 0 : v / 1e3 / result.programs())));
        m.put("timeByPhase", phases);
        m.put("failuresByProperty", result.failures());
        List<Map<String, Object>> findings = new ArrayList<>();
        for (FuzzFinding f : result.findings()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("signature", f.failure().signature());
            x.put("detail", f.failure().detail());
            x.put("programs", f.count());
            x.put("originalOperations", f.first().program().size());
            x.put("shrunkOperations", f.shrunk().size());
            x.put("folder", f.folder());
            x.put("replay", f.replayCommand());
            findings.add(x);
        }
        m.put("findings", findings);
        GenerationStats stats = result.stats();
        Map<String, Long> generated = new LinkedHashMap<>();
        for (GenerationStats.Kind k : stats.claimed()) {
            generated.put(k.toString(), stats.count(k));
        }
        m.put("generated", generated);
        Files.writeString(dir.resolve(FUZZ_JSON), JSON.writeValueAsString(m) + "\n");
    }

    private static void summarise(PrintWriter out, Fuzzer.Result result, Path dir) {
        double seconds = Math.max(1e-9, result.elapsed().toNanos() / 1e9);
        out.printf("%d programs in %.1f s (%.0f programs/s)%n", result.programs(), seconds, result.programs() / seconds);
        Map<String, Map<Outcome, Integer>> byMode = new LinkedHashMap<>();
        for (TrialRecord r : result.records()) {
            byMode.computeIfAbsent(r.mode(), k -> new java.util.EnumMap<>(Outcome.class)).merge(r.outcome(), 1, Integer::sum);
        }
        byMode.forEach((mode, counts) -> out.println("  " + String.format("%-10s", mode) + " " + counts));
        StringBuilder where = new StringBuilder("time per program:");
        result.nanosByPhase().forEach((phase, nanos) -> {
            if (!phase.equals("check")) {
                where.append(String.format(" %s %.0f us,", phase, result.programs() == 0 ? 0 : nanos / 1e3 / result.programs()));
            }
        });
        out.println(where.substring(0, where.length() - 1));
        out.println("findings: " + result.findings().size());
        for (FuzzFinding f : result.findings()) {
            out.println("  " + f.failure() + " [" + f.count() + " programs; shrunk " + f.first().program().size() + " -> "
                    + f.shrunk().size() + " ops] " + f.folder());
        }
        out.println("report: " + dir.resolve(ContainmentReport.INDEX_HTML));
    }
}
