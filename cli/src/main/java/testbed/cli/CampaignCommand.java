package testbed.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import testbed.corpus.Corpus;
import testbed.corpus.Outcome;
import testbed.faults.Campaign;
import testbed.faults.CampaignLock;
import testbed.faults.CampaignSettings;
import testbed.faults.InfrastructureFailure;
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
                "output directory (default testbed-out/campaign-<timestamp>), and testbed-out/latest points at the newest."})
final class CampaignCommand implements Callable<Integer> {
    /** Where campaigns and fuzz runs go by default (in the working directory), and the name of the link to the newest. */
    static final Path OUTPUT = Path.of("testbed-out");
    static final String LATEST = "latest";
    static final String SETTINGS_FILE = "campaign.json";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    @Spec
    CommandSpec spec;

    @Option(names = "--corpus", defaultValue = Corpus.BUNDLED, paramLabel = "LOCATION",
            description = "'bundled' (default), a directory of compiled entries, or a jar of them.")
    String corpus;

    @Option(names = "--modes", split = ",", paramLabel = "MODE",
            description = "Protection modes and plug-in techniques (default: all built-in modes and every technique of --technique-jar).")
    List<String> modes = new ArrayList<>();

    @Mixin
    TechniqueOptions techniques;

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

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: testbed-out/campaign-<timestamp>).")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the campaign in DIR with its recorded settings, skipping finished trials.")
    Path resume;

    /** Options that set what a campaign runs; a resumed campaign takes them from its directory instead. */
    private static final List<String> SETTINGS_OPTIONS = List.of("--corpus", "--modes", "--faults", "--trials", "--time", "--seed",
            "--workers", "--out");

    @Override
    public Integer call() throws IOException {
        Path dir;
        if (resume != null) {
            for (String option : SETTINGS_OPTIONS) {
                if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw new Testbed.UserError("--resume continues the campaign in " + resume + " with its recorded settings and output; drop "
                            + option + " (or start a new campaign without --resume)");
                }
            }
            dir = resume;
        } else {
            dir = out != null ? out : OUTPUT.resolve("campaign-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        try {
            return run(dir);
        } catch (IOException | UncheckedIOException e) {
            Testbed.UserError user = OutputTrouble.of(e, dir, "./testbed campaign --resume");
            if (user == null) {
                throw e;
            }
            throw user;
        }
    }

    private int run(Path dir) throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        CampaignSettings settings;
        Duration before = Duration.ZERO;
        long recordedBefore = 0;
        if (resume != null) {
            settings = readSettings(dir);
        } else {
            if (trials < 0 || (trials == 0 && time == null)) {
                throw new Testbed.UserError("--trials must be positive, or 0 together with --time");
            }
            if (workers < 1 || workers > 64) {
                throw new Testbed.UserError("--workers must be between 1 and 64, got " + workers);
            }
            settings = new CampaignSettings(corpus, Modes.names(Modes.modes(modes, techniques.protections())), Modes.faults(faults), trials,
                    duration(time), seed, workers);
        }
        // Resolved (again, for a resumed campaign) so that a plug-in technique without its jar is a usage error here, not in the workers.
        Modes.modes(settings.modes(), techniques.protections());
        Corpus entries = Modes.corpus(settings.corpus());
        Files.createDirectories(dir);
        try (CampaignLock lock = CampaignLock.acquire(dir)) {
            Path log = dir.resolve(TrialLog.FILE_NAME);
            if (resume == null && Files.exists(log)) {
                // Its trials would count as done for this campaign, whatever settings produced them.
                throw new Testbed.UserError(dir + " already holds a campaign; continue it with --resume " + dir + " or choose another --out");
            }
            if (resume != null) {
                before = previousElapsed(dir);
                recordedBefore = Files.exists(log) ? TrialLog.read(log).size() : 0;
            }
            writeSettings(dir, settings, before);
            linkLatest(dir);
            Campaign campaign = Campaign.of(settings, entries, dir, techniques.workerJvm());
            Provenance replays = Launcher.provenance(Launcher.arguments(spec), settings.corpus(), entries);
            campaign.replayCommands(replays::replayCommand);
            stdout.println("campaign: " + entries.entries().size() + " entries x " + settings.faults().size() + " fault kinds x "
                    + settings.modes().size() + " modes, " + (settings.trials() > 0 ? settings.trials() + " trials"
                            : "until " + Progress.human(settings.timeLimit()))
                    + ", " + settings.workers() + " workers, seed " + settings.seed() + " -> " + dir);
            if (!entries.defects().isEmpty()) {
                stdout.println("corpus: " + entries.defects().size() + " unusable file(s) left out, the first: " + entries.defects().get(0));
            }
            Campaign.Result result;
            try (Progress progress = new Progress(stdout, "trials", settings.trials())) {
                // Ctrl-C or a TERM stops dispatching instead of shutting the JVM down, so the report of
                // everything finished is still written (a JVM in shutdown can no longer render charts).
                // Installed after the progress bar: its terminal library sets Ctrl-C back to the default.
                StopOnSignal.install(campaign::stop);
                result = campaign.run(progress::update);
            }
            StopOnSignal.install(campaign::stop); // closing the bar's terminal restored the default again
            // A resume that found nothing left to run adds no time to the campaign's.
            Duration elapsed = result.records().size() > recordedBefore ? before.plus(result.elapsed()) : before;
            writeSettings(dir, settings, elapsed);
            Provenance provenance = Launcher.provenance(Launcher.arguments(spec), settings.corpus(), entries)
                    .withTechniqueJars(techniques.protections().jars().stream().map(Path::toString).toList());
            ContainmentReport.of(settings, result.records(), result.findings(), elapsed, provenance).writeTo(dir);
            summarise(stdout, settings, result, elapsed, dir);
            if (result.interrupted()) {
                spec.commandLine().getErr().println("testbed: interrupted: kept " + result.records().size()
                        + " trials; continue with --resume " + dir);
                return Testbed.INTERRUPTED;
            }
            if (!result.givenUp().isEmpty()) {
                throw new Testbed.UserError(result.givenUp().size() + " trial(s) lost to the host: their workers were killed from outside on every attempt ("
                        + result.givenUp().get(0).reason() + "; see " + InfrastructureFailure.FILE_NAME + "); kept "
                        + result.records().size() + " trials; continue with --resume " + dir);
            }
            long unexpected = result.records().stream().filter(TrialRecord::unexpected).count();
            return unexpected > 0 ? Testbed.UNEXPECTED : 0;
        } catch (CampaignLock.HeldException e) {
            throw new Testbed.UserError(e.getMessage());
        }
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
        if (!result.infrastructure().isEmpty()) {
            out.println("infrastructure: " + result.infrastructure().size() + " trial attempt(s) lost to the host, not to the extensions"
                    + " (rerun on a fresh worker; see " + InfrastructureFailure.FILE_NAME + ")");
        }
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

    /** Points {@code testbed-out/latest} at {@code dir} when it lives under {@code testbed-out/}. */
    static void linkLatest(Path dir) {
        Path parent = dir.toAbsolutePath().normalize().getParent();
        if (parent == null || !parent.equals(OUTPUT.toAbsolutePath().normalize())) {
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
