package testbed.cli;

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
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
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
import testbed.faults.Shard;
import testbed.faults.TrialLog;
import testbed.faults.TrialRecord;
import testbed.reports.ContainmentReport;
import testbed.reports.CountsFile;
import testbed.reports.TrialCounts;
import testbed.reports.Provenance;
import testbed.sandbox.Protection;

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
    /** The index of a Kubernetes Indexed Job's pod. */
    static final String K8S_INDEX = "JOB_COMPLETION_INDEX";
    /** A Slurm array task's index, the array's size and its first index. */
    static final String SLURM_ID = "SLURM_ARRAY_TASK_ID";
    static final String SLURM_COUNT = "SLURM_ARRAY_TASK_COUNT";
    static final String SLURM_MIN = "SLURM_ARRAY_TASK_MIN";

    @Spec
    CommandSpec spec;

    @Option(names = "--corpus", defaultValue = Corpus.BUNDLED, paramLabel = "LOCATION",
            description = "'bundled' (default), a directory of compiled entries, or a jar of them.")
    String corpus;

    @Option(names = "--modes", split = ",", paramLabel = "MODE",
            description = "Protection modes and plug-in techniques (default: all built-in modes but VERIFIED_STRICT, and every technique of --technique-jar).")
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
            "--workers", "--out", "--shard", "--shards");

    @Option(names = "--shard", paramLabel = "I/N", description = {"Run only shard I (0 to N-1) of the campaign cut into N, into DIR/shard-I-of-N under --out;",
            "merge the shards' directories with 'testbed merge'. Without it, a Slurm array task (SLURM_ARRAY_TASK_ID and",
            "SLURM_ARRAY_TASK_COUNT set) runs its shard of the array."})
    String shard;

    @Option(names = "--shards", paramLabel = "N", description = "Cut the campaign into N shards and run the one this job's index names "
            + "(Kubernetes' JOB_COMPLETION_INDEX, else SLURM_ARRAY_TASK_ID).")
    Integer shards;

    @Override
    public Integer call() throws IOException {
        Path dir;
        Shard part = Shard.WHOLE;
        if (resume != null) {
            for (String option : SETTINGS_OPTIONS) {
                if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw new Testbed.UserError("--resume continues the campaign in " + resume + " with its recorded settings and output; drop "
                            + option + " (or start a new campaign without --resume)");
                }
            }
            dir = resume;
        } else {
            part = shard(shard, shards, System.getenv());
            if (part.isPart() && trials == 0) {
                throw new Testbed.UserError("a sharded campaign needs --trials N: a plan cut only by --time has no fixed set of trials to share out");
            }
            if (part.isPart() && out == null) {
                throw new Testbed.UserError("a sharded campaign needs --out DIR, the same for every shard (shard " + part + " writes DIR/" + part.folder() + ")");
            }
            Path base = out != null ? out : OUTPUT.resolve("campaign-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            dir = part.isPart() ? base.resolve(part.folder()) : base;
        }
        try {
            return run(dir, part);
        } catch (IOException | UncheckedIOException e) {
            Testbed.UserError user = OutputTrouble.of(e, dir, "./testbed campaign --resume");
            if (user == null) {
                throw e;
            }
            throw user;
        }
    }

    private int run(Path dir, Shard part) throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        CampaignFile file;
        Corpus entries;
        List<Protection> chosen;
        boolean continuing = resume != null;
        if (continuing) {
            file = recorded(dir);
            entries = corpusOf(dir, file);
            // Resolved here so that a plug-in technique without its jar is a usage error, not one in the workers.
            chosen = Modes.modes(file.settings().modes(), techniques.protections());
        } else {
            if (trials < 0 || (trials == 0 && time == null)) {
                throw new Testbed.UserError("--trials must be positive, or 0 together with --time");
            }
            if (workers < 1 || workers > 64) {
                throw new Testbed.UserError("--workers must be between 1 and 64, got " + workers);
            }
            chosen = Modes.modes(modes, techniques.protections());
            CampaignSettings settings = new CampaignSettings(corpus, Modes.names(chosen), Modes.faults(faults), trials, duration(time),
                    seed, workers, part);
            CampaignFile before = part.isPart() && CampaignFile.isIn(dir) ? recorded(dir) : null;
            if (before != null && before.settings().equals(withWorkers(settings, before.settings().workers()))) {
                // A scheduler that reruns a shard's job (a retried array task or pod) continues the shard.
                continuing = true;
                file = before;
                entries = corpusOf(dir, file);
            } else {
                if (before != null || Files.exists(dir.resolve(TrialLog.FILE_NAME))) {
                    // Its trials would count as done for this campaign, whatever settings produced them.
                    throw new Testbed.UserError(dir + " already holds " + (before != null ? "a shard of another campaign" : "a campaign")
                            + "; continue it with --resume " + dir + " or choose another --out");
                }
                entries = Modes.corpus(settings.corpus());
                Provenance build = Launcher.provenance(List.of(), settings.corpus(), entries);
                file = new CampaignFile(settings, Duration.ZERO, build.corpusDigest(), build.toolVersion(), build.gitCommit(),
                        java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), null);
            }
        }
        CampaignSettings settings = file.settings();
        Duration before = file.elapsed();
        Files.createDirectories(dir);
        try (CampaignLock lock = CampaignLock.acquire(dir)) {
            Path log = dir.resolve(TrialLog.FILE_NAME);
            if (!continuing && Files.exists(log)) {
                // Another campaign started into this directory just before this one took the lock.
                throw new Testbed.UserError(dir + " already holds a campaign; continue it with --resume " + dir + " or choose another --out");
            }
            long recordedBefore = 0;
            if (continuing && Files.exists(log)) {
                long[] done = {0};
                TrialLog.each(log, r -> done[0]++);
                recordedBefore = done[0];
                stdout.println("resuming " + dir + ": " + done[0] + " trials already done");
            }
            file.write(dir);
            linkLatest(dir);
            // Counted as they finish rather than kept: a campaign of millions of trials takes the memory of its report.
            TrialCounts counts = new TrialCounts();
            Campaign campaign = Campaign.of(settings, entries, dir, techniques.workerJvm()).countingInto(counts::add);
            // A finding's replay.txt names the plug-in jars as the report's replay commands do, so that it runs as it is.
            Provenance replays = Launcher.provenance(Launcher.arguments(spec), settings.corpus(), entries)
                    .withTechniqueJars(jarNames());
            campaign.replayCommands(replays::replayCommand);
            stdout.println("campaign: " + entries.entries().size() + " entries x " + settings.faults().size() + " fault kinds x "
                    + settings.modes().size() + " modes, " + (settings.trials() > 0 ? settings.trials() + " trials"
                            : "until " + Progress.human(settings.timeLimit()))
                    + (settings.shard().isPart() ? " (shard " + settings.shard() + ": " + settings.shardTrials() + " of them)" : "")
                    + ", " + settings.workers() + " workers, seed " + settings.seed() + " -> " + dir);
            if (!entries.defects().isEmpty()) {
                stdout.println("corpus: " + entries.defects().size() + " unusable file(s) left out, the first: " + entries.defects().get(0));
            }
            Campaign.Result result;
            try (Progress progress = new Progress(stdout, "trials", settings.shardTrials())) {
                // Ctrl-C or a TERM stops dispatching instead of shutting the JVM down, so the report of
                // everything finished is still written (a JVM in shutdown can no longer render charts).
                // Installed after the progress bar: its terminal library sets Ctrl-C back to the default.
                StopOnSignal.install(campaign::stop);
                result = campaign.run(progress::update);
            }
            StopOnSignal.install(campaign::stop); // closing the bar's terminal restored the default again
            // A resume that found nothing left to run adds no time to the campaign's.
            Duration elapsed = result.trials() > recordedBefore ? before.plus(result.elapsed()) : before;
            file.ended(elapsed).write(dir);
            Provenance provenance = Launcher.provenance(Launcher.arguments(spec), settings.corpus(), file.corpusDigest())
                    .withTechniqueJars(jarNames());
            ContainmentReport.of(settings, counts, result.findings(), elapsed, provenance).writeTo(dir);
            if (counts.trials() == result.trials()) { // every logged trial counted: merge may take the counts for the log
                CountsFile.write(dir, counts);
            }
            summarise(stdout, settings, chosen, result, counts, elapsed, dir);
            if (result.interrupted()) {
                spec.commandLine().getErr().println("testbed: interrupted: kept " + result.trials()
                        + " trials; continue with --resume " + dir);
                return Testbed.INTERRUPTED;
            }
            if (!result.givenUp().isEmpty()) {
                throw new Testbed.UserError(result.givenUp().size() + " trial(s) lost to the host: their workers were killed from outside on every attempt ("
                        + result.givenUp().get(0).reason() + "; see " + InfrastructureFailure.FILE_NAME + "); kept "
                        + result.trials() + " trials; continue with --resume " + dir);
            }
            return counts.unexpected().isEmpty() ? 0 : Testbed.UNEXPECTED;
        } catch (CampaignLock.HeldException e) {
            throw new Testbed.UserError(e.getMessage());
        }
    }

    /** The plug-in jars by absolute path, as replay commands name them. */
    private List<String> jarNames() {
        return techniques.protections().jars().stream().map(Path::toString).toList();
    }

    private static CampaignFile recorded(Path dir) {
        try {
            return CampaignFile.read(dir);
        } catch (IllegalArgumentException e) {
            throw new Testbed.UserError("cannot resume " + dir + ": " + e.getMessage());
        }
    }

    /** The campaign's corpus, which must be the one its trials so far ran over. */
    private static Corpus corpusOf(Path dir, CampaignFile file) {
        Corpus entries = Modes.corpus(file.settings().corpus());
        String digest = Provenance.digest(entries);
        if (!file.corpusDigest().equals("unknown") && !file.corpusDigest().equals(digest)) {
            throw new Testbed.UserError("cannot resume " + dir + ": the corpus " + file.settings().corpus()
                    + " has changed since the campaign started (digest " + digest + ", was " + file.corpusDigest() + ")");
        }
        return entries;
    }

    private static CampaignSettings withWorkers(CampaignSettings s, int workers) {
        return new CampaignSettings(s.corpus(), s.modes(), s.faults(), s.trials(), s.timeLimit(), s.seed(), workers, s.shard());
    }

    /**
     * The shard this run is: {@code --shard I/N}; else with {@code --shards N} the index a
     * scheduler gives the job (Kubernetes' {@value #K8S_INDEX}, else Slurm's {@value #SLURM_ID});
     * else, in a Slurm array task, its place in the array; else the whole campaign.
     */
    static Shard shard(String shard, Integer shards, Map<String, String> env) {
        try {
            if (shard != null) {
                if (shards != null) {
                    throw new Testbed.UserError("give --shard I/N or --shards N, not both");
                }
                return Shard.parse(shard);
            }
            if (shards != null) {
                String index = env.getOrDefault(K8S_INDEX, env.get(SLURM_ID));
                if (index == null) {
                    throw new Testbed.UserError("--shards " + shards + " needs the job's index in " + K8S_INDEX + " or " + SLURM_ID
                            + " (or give --shard I/N)");
                }
                return new Shard(Integer.parseInt(index.trim()) - Integer.parseInt(env.getOrDefault(SLURM_MIN, "0").trim()), shards);
            }
            if (env.containsKey(SLURM_ID) && env.containsKey(SLURM_COUNT)) {
                int first = Integer.parseInt(env.getOrDefault(SLURM_MIN, "0").trim());
                return new Shard(Integer.parseInt(env.get(SLURM_ID).trim()) - first, Integer.parseInt(env.get(SLURM_COUNT).trim()));
            }
            return Shard.WHOLE;
        } catch (IllegalArgumentException e) {
            // NumberFormatException included: a scheduler's variable that is not a number
            throw new Testbed.UserError(e.getMessage());
        }
    }

    private static void summarise(PrintWriter out, CampaignSettings settings, List<Protection> techniques, Campaign.Result result,
            TrialCounts counted, Duration elapsed, Path dir) {
        Set<String> unprotected = techniques.stream().filter(Protection::unprotected).map(Protection::name).collect(Collectors.toSet());
        Map<String, Map<Outcome, Long>> byMode = new LinkedHashMap<>();
        settings.modes().forEach(m -> byMode.put(m, new java.util.EnumMap<>(Outcome.class)));
        counted.outcomesByMode().forEach((mode, counts) -> byMode.computeIfAbsent(mode, m -> new java.util.EnumMap<>(Outcome.class))
                .putAll(counts));
        double seconds = Math.max(1e-9, elapsed.toNanos() / 1e9);
        out.printf("%d trials in %.1f s (%.0f trials/s)%n", counted.trials(), seconds, counted.trials() / seconds);
        byMode.forEach((mode, counts) -> out.println("  " + String.format("%-10s", mode) + " " + counts));
        byMode.forEach((mode, counts) -> {
            if (!unprotected.contains(mode)) {
                long trials = counts.values().stream().mapToLong(Long::longValue).sum();
                out.println("  " + RateBound.sentence(counts.getOrDefault(Outcome.ESCAPED, 0L), trials, "escapes", mode));
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
