package testbed.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import testbed.corpus.Corpus;
import testbed.corpus.Outcome;
import testbed.faults.Campaign;
import testbed.faults.CampaignSettings;
import testbed.faults.RateBound;
import testbed.faults.TrialLog;
import testbed.faults.TrialRecord;
import testbed.reports.ContainmentReport;
import testbed.reports.Provenance;

/** {@code testbed campaign}: the main job. */
@Command(name = "campaign", mixinStandardHelpOptions = true,
        description = {"Runs a fuzz campaign over the corpus and writes a containment report.",
                "Every corpus entry under every fault kind in every protection mode, in supervised worker JVMs;",
                "the report (index.html, report.md, summary.json, junit.xml, trials.jsonl, findings/) goes to the",
                "output directory, and reports/latest points at the newest."})
final class CampaignCommand implements Callable<Integer> {
    /** Where campaigns go by default, and the name of the link to the newest. */
    static final Path REPORTS = Path.of("reports");
    static final String LATEST = "latest";
    static final String SETTINGS_FILE = "campaign.json";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    @Spec
    CommandSpec spec;

    @Option(names = "--corpus", defaultValue = Corpus.BUNDLED, paramLabel = "LOCATION",
            description = "'bundled' (default), a directory of compiled entries, or a jar of them.")
    String corpus;

    @Option(names = "--modes", split = ",", paramLabel = "MODE", description = "Protection modes (default: all).")
    List<String> modes = new ArrayList<>();

    @Option(names = "--faults", split = ",", paramLabel = "FAULT", description = "Fault kinds, 'none' for unmodified entries (default: none and every kind).")
    List<String> faults = new ArrayList<>();

    @Option(names = "--trials", defaultValue = "3000", paramLabel = "N", description = "Trial budget (default: ${DEFAULT-VALUE}; 0 with --time for no count limit).")
    long trials;

    @Option(names = "--time", paramLabel = "DURATION", description = "Wall-clock limit, e.g. 90s, 5m, 1h.")
    String time;

    @Option(names = "--seed", defaultValue = "1", description = "Campaign seed; every trial's seed derives from it (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--workers", defaultValue = "2", paramLabel = "N", description = "Worker JVMs (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: reports/<timestamp>).")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the campaign in DIR with its recorded settings, skipping finished trials.")
    Path resume;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        Path dir;
        CampaignSettings settings;
        Duration before = Duration.ZERO;
        if (resume != null) {
            dir = resume;
            settings = readSettings(dir);
            before = previousElapsed(dir);
        } else {
            dir = out != null ? out : REPORTS.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            if (trials < 0 || (trials == 0 && time == null)) {
                throw new Testbed.UserError("--trials must be positive, or 0 together with --time");
            }
            if (workers < 1 || workers > 64) {
                throw new Testbed.UserError("--workers must be between 1 and 64, got " + workers);
            }
            settings = new CampaignSettings(corpus, Modes.modes(modes), Modes.faults(faults), trials, duration(time), seed, workers);
            if (Files.exists(dir.resolve(TrialLog.FILE_NAME))) {
                // Its trials would count as done for this campaign, whatever settings produced them.
                throw new Testbed.UserError(dir + " already holds a campaign; continue it with --resume " + dir + " or choose another --out");
            }
        }
        Corpus entries = Modes.corpus(settings.corpus());
        Files.createDirectories(dir);
        writeSettings(dir, settings, before);
        linkLatest(dir);
        Campaign campaign = Campaign.of(settings, entries, dir, Modes.WORKER_JVM);
        stdout.println("campaign: " + entries.entries().size() + " entries x " + settings.faults().size() + " fault kinds x "
                + settings.modes().size() + " modes, " + (settings.trials() > 0 ? settings.trials() + " trials" : "until " + time)
                + ", " + settings.workers() + " workers, seed " + settings.seed() + " -> " + dir);
        // Ctrl-C or a TERM stops dispatching instead of shutting the JVM down, so the report of
        // everything finished is still written (a JVM in shutdown can no longer render charts).
        StopOnSignal.install(campaign::stop);
        Campaign.Result result;
        try (Progress progress = new Progress(stdout, "trials", settings.trials())) {
            result = campaign.run(progress::update);
        }
        Duration elapsed = before.plus(result.elapsed());
        writeSettings(dir, settings, elapsed);
        Provenance provenance = Launcher.provenance(Launcher.arguments(spec), settings.corpus(), entries);
        ContainmentReport.of(settings, result.records(), result.findings(), elapsed, provenance).writeTo(dir);
        summarise(stdout, settings, result, elapsed, dir);
        if (result.interrupted()) {
            spec.commandLine().getErr().println("testbed: interrupted after " + result.records().size()
                    + " trials; everything finished is in " + dir + "; continue with: ./testbed campaign --resume " + dir);
            return Testbed.INTERRUPTED;
        }
        long unexpected = result.records().stream().filter(TrialRecord::unexpected).count();
        return unexpected > 0 ? Testbed.UNEXPECTED : 0;
    }

    private static void summarise(PrintWriter out, CampaignSettings settings, Campaign.Result result, Duration elapsed, Path dir) {
        Map<String, Map<Outcome, Integer>> byMode = new LinkedHashMap<>();
        settings.modes().forEach(m -> byMode.put(m, new java.util.EnumMap<>(Outcome.class)));
        for (TrialRecord r : result.records()) {
            byMode.computeIfAbsent(r.mode(), m -> new java.util.EnumMap<>(Outcome.class)).merge(r.outcome(), 1, Integer::sum);
        }
        double seconds = Math.max(1e-9, elapsed.toNanos() / 1e9);
        out.printf("%d trials in %.1f s (%.0f trials/s)%n", result.records().size(), seconds, result.records().size() / seconds);
        byMode.forEach((mode, counts) -> out.println("  " + String.format("%-10s", mode) + " " + counts));
        byMode.forEach((mode, counts) -> {
            if (!mode.equals("NONE")) {
                int trials = counts.values().stream().mapToInt(Integer::intValue).sum();
                out.println("  " + RateBound.sentence(counts.getOrDefault(Outcome.ESCAPED, 0), trials, "escapes", mode));
            }
        });
        out.println("findings: " + result.findings().size() + (result.findings().isEmpty() ? "" : " (unexpected outcomes; see the report)"));
        out.println("report: " + dir.resolve(ContainmentReport.INDEX_HTML));
    }

    static Duration duration(String text) {
        if (text == null) {
            return null;
        }
        try {
            String t = text.trim().toLowerCase(java.util.Locale.ROOT);
            if (t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            Duration d = switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new NumberFormatException();
            };
            if (d.isNegative() || d.isZero()) {
                throw new NumberFormatException();
            }
            return d;
        } catch (RuntimeException e) {
            throw new Testbed.UserError("bad duration '" + text + "' (use e.g. 90s, 5m, 1h)");
        }
    }

    /** Records the settings, and the wall time spent so far so that a resumed campaign reports its whole duration. */
    private static void writeSettings(Path dir, CampaignSettings s, Duration elapsed) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("corpus", s.corpus());
        m.put("modes", s.modes());
        m.put("faults", s.faults());
        m.put("trials", s.trials());
        m.put("timeLimit", s.timeLimit() == null ? null : s.timeLimit().toString());
        m.put("seed", s.seed());
        m.put("workers", s.workers());
        m.put("elapsed", elapsed.toString());
        Files.writeString(dir.resolve(SETTINGS_FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n");
    }

    private static Duration previousElapsed(Path dir) {
        try {
            Object e = JSON.readValue(dir.resolve(SETTINGS_FILE).toFile(), Map.class).get("elapsed");
            return e == null ? Duration.ZERO : Duration.parse((String) e);
        } catch (IOException | RuntimeException e) {
            return Duration.ZERO;
        }
    }

    @SuppressWarnings("unchecked")
    private static CampaignSettings readSettings(Path dir) {
        Path file = dir.resolve(SETTINGS_FILE);
        if (!Files.isRegularFile(file)) {
            throw new Testbed.UserError("cannot resume " + dir + ": no " + SETTINGS_FILE + " there (is it a campaign directory?)");
        }
        try {
            Map<String, Object> m = JSON.readValue(file.toFile(), Map.class);
            Object limit = m.get("timeLimit");
            return new CampaignSettings((String) m.get("corpus"), (List<String>) m.get("modes"), (List<String>) m.get("faults"),
                    ((Number) m.get("trials")).longValue(), limit == null ? null : Duration.parse((String) limit),
                    ((Number) m.get("seed")).longValue(), ((Number) m.get("workers")).intValue());
        } catch (IOException | RuntimeException e) {
            throw new Testbed.UserError("cannot resume " + dir + ": unreadable " + SETTINGS_FILE + " (" + e.getMessage() + ")");
        }
    }

    /** Points {@code reports/latest} at {@code dir} when it lives under {@code reports/}. */
    static void linkLatest(Path dir) {
        Path parent = dir.toAbsolutePath().normalize().getParent();
        if (parent == null || !parent.equals(REPORTS.toAbsolutePath().normalize())) {
            return;
        }
        Path link = parent.resolve(LATEST);
        try {
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, dir.getFileName());
        } catch (IOException | UnsupportedOperationException e) {
            // A file system without links just has no shortcut.
        }
    }
}
