package testbed.cli;

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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import testbed.corpus.Corpus;
import testbed.corpus.Outcome;
import testbed.faults.Campaign;
import testbed.faults.CampaignSettings;
import testbed.faults.RateBound;
import testbed.faults.Shard;
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
    /** The index of a Kubernetes Indexed Job's pod. */
    static final String K8S_INDEX = "JOB_COMPLETION_INDEX";
    /** A Slurm array task's index, the array's size and its first index. */
    static final String SLURM_ID = "SLURM_ARRAY_TASK_ID";
    static final String SLURM_COUNT = "SLURM_ARRAY_TASK_COUNT";
    static final String SLURM_MIN = "SLURM_ARRAY_TASK_MIN";

    @Spec
    CommandSpec spec;

    @Option(names = "--corpus", defaultValue = "bundled", paramLabel = "LOCATION",
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

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: reports/<timestamp>).")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the campaign in DIR with its recorded settings, skipping finished trials.")
    Path resume;

    @Option(names = "--shard", paramLabel = "I/N", description = {"Run only shard I (0 to N-1) of the campaign cut into N, into DIR/shard-I-of-N under --out;",
            "merge the shards' directories with 'testbed merge'. Without it, a Slurm array task (SLURM_ARRAY_TASK_ID and",
            "SLURM_ARRAY_TASK_COUNT set) runs its shard of the array."})
    String shard;

    @Option(names = "--shards", paramLabel = "N", description = "Cut the campaign into N shards and run the one this job's index names "
            + "(Kubernetes' JOB_COMPLETION_INDEX, else SLURM_ARRAY_TASK_ID).")
    Integer shards;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        Path dir;
        CampaignFile file;
        Corpus entries;
        boolean continuing = resume != null;
        if (continuing) {
            dir = resume;
            file = recorded(dir);
            entries = corpusOf(dir, file);
        } else {
            Shard part = shard(shard, shards, System.getenv());
            if (trials < 0 || (trials == 0 && time == null)) {
                throw new Testbed.UserError("--trials must be positive, or 0 together with --time");
            }
            if (workers < 1 || workers > 64) {
                throw new Testbed.UserError("--workers must be between 1 and 64, got " + workers);
            }
            if (part.isPart() && trials == 0) {
                throw new Testbed.UserError("a sharded campaign needs --trials N: a plan cut only by --time has no fixed set of trials to share out");
            }
            if (part.isPart() && out == null) {
                throw new Testbed.UserError("a sharded campaign needs --out DIR, the same for every shard (shard " + part + " writes DIR/" + part.folder() + ")");
            }
            Path base = out != null ? out : REPORTS.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            dir = part.isPart() ? base.resolve(part.folder()) : base;
            CampaignSettings settings = new CampaignSettings(corpus, Modes.names(Modes.modes(modes, techniques.protections())), Modes.faults(faults), trials, duration(time), seed,
                    workers, part);
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
        // Resolved (again, for a resumed campaign) so that a plug-in technique without its jar is a usage error here, not in the workers.
        Modes.modes(settings.modes(), techniques.protections());
        Files.createDirectories(dir);
        file.write(dir);
        linkLatest(dir);
        Campaign campaign = Campaign.of(settings, entries, dir, techniques.workerJvm());
        if (continuing && Files.exists(dir.resolve(TrialLog.FILE_NAME))) {
            long[] done = {0};
            TrialLog.each(dir.resolve(TrialLog.FILE_NAME), r -> done[0]++);
            stdout.println("resuming " + dir + ": " + done[0] + " trials already done");
        }
        stdout.println("campaign: " + entries.entries().size() + " entries x " + settings.faults().size() + " fault kinds x "
                + settings.modes().size() + " modes, " + (settings.trials() > 0 ? settings.trials() + " trials" : "until " + settings.timeLimit())
                + (settings.shard().isPart() ? " (shard " + settings.shard() + ": " + settings.shardTrials() + " of them)" : "")
                + ", " + settings.workers() + " workers, seed " + settings.seed() + " -> " + dir);
        // Ctrl-C or a TERM stops dispatching instead of shutting the JVM down, so the report of
        // everything finished is still written (a JVM in shutdown can no longer render charts).
        StopOnSignal.install(campaign::stop);
        Campaign.Result result;
        try (Progress progress = new Progress(stdout, "trials", settings.shardTrials())) {
            result = campaign.run(progress::update);
        }
        Duration elapsed = before.plus(result.elapsed());
        file.ended(elapsed).write(dir);
        Provenance provenance = Launcher.provenance(Launcher.arguments(spec), settings.corpus(), file.corpusDigest())
                .withTechniqueJars(techniques.protections().jars().stream().map(Path::toString).toList());
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
