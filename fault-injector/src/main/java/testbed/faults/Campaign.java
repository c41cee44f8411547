package testbed.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import testbed.corpus.Corpus;
import testbed.corpus.Outcome;

/**
 * A campaign: the trials of its {@link CampaignPlan} run in supervised worker processes
 * ({@link WorkerPool}), each finished trial appended to {@value TrialLog#FILE_NAME} at once and
 * counted, each new finding written as a {@link FindingFolder}. Trials already in the log are
 * skipped, which is how an interrupted campaign resumes.
 */
public final class Campaign {
    /** The folder under the output directory where findings go. */
    public static final String FINDINGS = FindingFolder.DIRECTORY;
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /**
     * How far a campaign has got, as shown while it runs.
     *
     * @param protectedTrials trials so far in protected modes (every mode but {@code NONE})
     * @param protectedEscapes those of them that came out {@code ESCAPED}
     */
    public record Progress(long done, long total, double trialsPerSecond, Map<Outcome, Long> outcomes, long unexpected,
                           Duration remaining, long protectedTrials, long protectedEscapes) {
        /** Escapes so far: trials the oracle found damage after, in any mode. */
        public long escapes() {
            return outcomes.getOrDefault(Outcome.ESCAPED, 0L);
        }

        /** The 95% upper bound on the protected modes' escape rate that the trials so far support. */
        public double protectedEscapeBound() {
            return RateBound.upper95(protectedEscapes, protectedTrials);
        }
    }

    /** What a campaign ends with. */
    public record Result(List<TrialRecord> records, List<Finding> findings, Duration elapsed, boolean interrupted) {
    }

    private final CampaignSettings settings;
    private final Corpus corpus;
    private final Path out;
    private final CampaignPlan plan;
    private final WorkerPool workers;

    private Campaign(CampaignSettings settings, Corpus corpus, Path out, List<String> javaOptions, CampaignPlan plan) {
        this.settings = settings;
        this.corpus = corpus;
        this.out = out;
        this.plan = plan;
        for (String fault : settings.faults()) {
            Faults.byName(fault);
        }
        if (settings.workers() < 1) {
            throw new IllegalArgumentException("a campaign needs at least one worker, got " + settings.workers());
        }
        this.workers = new WorkerPool(corpus, javaOptions, settings.workers());
    }

    /**
     * A campaign over {@code corpus} writing into {@code out}.
     *
     * @param javaOptions extra options for the worker JVMs
     * @throws IllegalArgumentException for an unknown fault or mode, or no workers
     */
    public static Campaign of(CampaignSettings settings, Corpus corpus, Path out, List<String> javaOptions) {
        return new Campaign(settings, corpus, out, javaOptions, CampaignPlan.of(settings, corpus));
    }

    /** A campaign that runs exactly {@code trials}, in order: a replay, or a check of every entry. */
    public static Campaign of(List<TrialId> trials, Corpus corpus, Path out, List<String> javaOptions, int workers) {
        List<String> modes = trials.stream().map(TrialId::mode).distinct().toList();
        List<String> faults = trials.stream().map(TrialId::fault).distinct().toList();
        CampaignSettings settings = new CampaignSettings(corpus.origin(), modes, faults, trials.size(), null,
                trials.isEmpty() ? 0 : trials.get(0).seed(), workers);
        return new Campaign(settings, corpus, out, javaOptions, CampaignPlan.of(settings, trials));
    }

    public CampaignSettings settings() {
        return settings;
    }

    /** The {@code n}-th trial of the plan (see {@link CampaignPlan}). */
    public TrialId trial(long n) {
        return plan.trial(n);
    }

    /** Stops dispatching and kills the workers; trials already logged are kept. Safe from a shutdown hook. */
    public void stop() {
        workers.stop();
    }

    /**
     * Runs the campaign to its trial count or time limit, or until {@link #stop()}.
     *
     * @param progress called after every trial, from a supervising thread
     */
    public Result run(Consumer<Progress> progress) throws IOException {
        Files.createDirectories(out.resolve(FINDINGS));
        List<TrialRecord> records = new ArrayList<>(Files.exists(out.resolve(TrialLog.FILE_NAME))
                ? TrialLog.read(out.resolve(TrialLog.FILE_NAME)) : List.of());
        Set<String> done = new HashSet<>();
        Tally tally = new Tally();
        for (int i = 0; i < records.size(); i++) {
            TrialRecord r = records.get(i);
            done.add(r.id());
            tally.add(r);
            if (!plan.isExplicit() && !r.unexpected()) {
                records.set(i, r.brief());
            }
        }
        long total = settings.trials() > 0 ? settings.trials() : Long.MAX_VALUE;
        long deadline = settings.timeLimit() == null ? Long.MAX_VALUE : System.nanoTime() + settings.timeLimit().toNanos();
        Dispenser dispenser = new Dispenser(plan, total, done, deadline, workers::stopping);
        long start = System.nanoTime();
        long alreadyDone = records.size();
        try (TrialLog log = TrialLog.appendTo(out.resolve(TrialLog.FILE_NAME))) {
            workers.run(dispenser, record -> {
                synchronized (records) {
                    try {
                        log.append(record);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    boolean first = tally.add(record);
                    // A million-trial campaign keeps its records in brief; the log holds them whole.
                    records.add(!plan.isExplicit() && !record.unexpected() ? record.brief() : record);
                    if (first) {
                        writeFinding(record);
                    }
                    long doneNow = records.size();
                    double elapsed = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
                    double rate = (doneNow - alreadyDone) / elapsed;
                    long left = settings.trials() > 0 ? Math.max(0, settings.trials() - doneNow) : -1;
                    Duration remaining = left >= 0 && rate > 0 ? Duration.ofMillis((long) (left / rate * 1000))
                            : deadline == Long.MAX_VALUE ? Duration.ZERO : Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                    progress.accept(tally.progress(doneNow, settings.trials() > 0 ? settings.trials() : -1, rate, remaining));
                }
            });
        }
        return new Result(List.copyOf(records), tally.findings(), Duration.ofNanos(System.nanoTime() - start), workers.stopping());
    }

    private void writeFinding(TrialRecord r) {
        try {
            FindingFolder.create(out, folder(r))
                    .write(FindingFolder.INPUT, TrialRunner.input(corpus, TrialId.parse(r.id())))
                    .write(FindingFolder.SEED, r.seed() + "\n")
                    .write(FindingFolder.VERDICT, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r) + "\n")
                    .write(FindingFolder.REPLAY, r.replayCommand() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write finding " + folder(r) + ": " + e.getMessage(), e);
        }
    }

    /** The finding folder of a trial record, relative to the output directory: one per outcome and signature. */
    static String folder(TrialRecord r) {
        return FindingFolder.relative(r.outcome().name(), r.signature());
    }
}
