package testbed.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import testbed.corpus.Corpus;
import testbed.corpus.Outcome;

/**
 * A campaign: the trials of its {@link CampaignPlan} run in supervised worker processes
 * ({@link WorkerPool}), each finished trial appended to {@value TrialLog#FILE_NAME} at once and
 * counted, each new finding written as a {@link FindingFolder}. Trials already in the log are
 * skipped, which is how an interrupted campaign resumes. A sharded campaign runs only its shard's
 * positions of the plan.
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
     * @param remaining the time left, or null while it cannot be estimated yet
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

    /**
     * What a campaign ends with.
     *
     * @param infrastructure trial attempts lost to the host, in this run (see {@link InfrastructureFailure})
     */
    public record Result(List<TrialRecord> records, long trials, List<Finding> findings, Duration elapsed, boolean interrupted,
                         List<InfrastructureFailure> infrastructure) {
        /** Trials given up after every attempt was lost to the host: not recorded, so a resume runs them. */
        public List<InfrastructureFailure> givenUp() {
            return infrastructure.stream().filter(f -> !f.rerun()).toList();
        }
    }

    private final CampaignSettings settings;
    private final Corpus corpus;
    private final Path out;
    private final CampaignPlan plan;
    private final WorkerPool workers;
    private volatile Function<TrialRecord, String> replayCommand = TrialRecord::replayCommand;
    private volatile Consumer<TrialRecord> counter;

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

    /**
     * Sets how a finding's {@value FindingFolder#REPLAY} names its replay command (by default
     * {@link TrialRecord#replayCommand()}); a command line passes one that runs from any directory.
     */
    public Campaign replayCommands(Function<TrialRecord, String> command) {
        this.replayCommand = command;
        return this;
    }

    /**
     * Hands every record of the campaign to {@code counter} (those already logged when it resumes,
     * then each as it finishes, under one lock) instead of keeping it: {@link Result#records()}
     * then holds only the unexpected ones, so a campaign of millions of trials takes the memory of
     * its counts, not of its trials. A campaign of an explicit list of trials keeps every record.
     */
    public Campaign countingInto(Consumer<TrialRecord> counter) {
        this.counter = counter;
        return this;
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
        List<TrialRecord> records = new ArrayList<>();
        long[] trials = {0};
        Consumer<TrialRecord> counter = this.counter;
        Set<String> done = new HashSet<>();
        Tally tally = new Tally();
        if (Files.exists(out.resolve(TrialLog.FILE_NAME))) {
            TrialLog.each(out.resolve(TrialLog.FILE_NAME), r -> {
                done.add(r.id());
                trials[0]++;
                if (tally.add(r) && !Files.isDirectory(out.resolve(folder(r)))) {
                    writeFinding(r); // the run that logged it stopped before its folder was written
                }
                keep(records, r, counter);
            });
        }
        long total = settings.trials() > 0 ? settings.trials() : Long.MAX_VALUE;
        long deadline = settings.timeLimit() == null ? Long.MAX_VALUE : System.nanoTime() + settings.timeLimit().toNanos();
        Dispenser dispenser = new Dispenser(plan, settings.shard(), settings.modes().size(), total, done, deadline, workers::stopping);
        long start = System.nanoTime();
        long alreadyDone = trials[0];
        Pace pace = new Pace();
        List<InfrastructureFailure> lost = new ArrayList<>();
        IOException[] failure = {null};
        try (TrialLog log = TrialLog.appendTo(out.resolve(TrialLog.FILE_NAME))) {
            workers.run(dispenser, !plan.isExplicit(), (record, line) -> {
                synchronized (records) {
                    // After a stop (Ctrl-C, TERM) an answer may come from a worker or extension process
                    // the same signal reached while it started: left unlogged, the trial reruns on resume.
                    if (failure[0] != null || workers.stopping()) {
                        return;
                    }
                    try {
                        if (line != null) {
                            log.append(line);
                        } else {
                            log.append(record);
                        }
                        boolean first = tally.add(record);
                        trials[0]++;
                        keep(records, record, counter);
                        if (first) {
                            writeFinding(record);
                        }
                    } catch (IOException | UncheckedIOException e) {
                        // The output cannot take more (a full disk): what is on disk stays whole, and a resume continues.
                        failure[0] = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
                        workers.stop();
                        return;
                    }
                    long now = System.nanoTime();
                    long doneNow = trials[0];
                    pace.finished(doneNow - alreadyDone, now);
                    long left = settings.trials() > 0 ? Math.max(0, settings.shardTrials() - doneNow) : -1;
                    Duration remaining = left >= 0 ? pace.remaining(doneNow - alreadyDone, left, now) : null;
                    if (deadline != Long.MAX_VALUE) {
                        Duration toDeadline = Duration.ofNanos(Math.max(0, deadline - now));
                        remaining = remaining == null || toDeadline.compareTo(remaining) < 0 ? toDeadline : remaining;
                    }
                    double rate = pace.rate(doneNow - alreadyDone, now);
                    if (rate == 0) {
                        rate = (doneNow - alreadyDone) / Math.max(1e-9, (now - start) / 1e9);
                    }
                    progress.accept(tally.progress(doneNow, settings.trials() > 0 ? settings.shardTrials() : -1, rate, remaining));
                }
            }, attempt -> {
                synchronized (records) {
                    lost.add(attempt);
                    try {
                        Files.writeString(out.resolve(InfrastructureFailure.FILE_NAME), JSON.writeValueAsString(attempt) + "\n",
                                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    } catch (IOException e) {
                        failure[0] = failure[0] == null ? e : failure[0];
                        workers.stop();
                    }
                }
            });
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return new Result(List.copyOf(records), trials[0], tally.findings(), Duration.ofNanos(System.nanoTime() - start),
                workers.stopping(), List.copyOf(lost));
    }

    /**
     * Keeps a finished trial's record as the campaign needs it: whole in an explicit plan; else
     * handed to the counter and kept only if unexpected; else, without a counter, in brief
     * (the log holds it whole).
     */
    private void keep(List<TrialRecord> records, TrialRecord r, Consumer<TrialRecord> counter) {
        if (plan.isExplicit()) {
            records.add(r);
        } else if (counter != null) {
            counter.accept(r);
            if (r.unexpected()) {
                records.add(r);
            }
        } else {
            records.add(r.unexpected() ? r : r.brief());
        }
    }

    private void writeFinding(TrialRecord r) {
        try {
            FindingFolder.create(out, folder(r))
                    .write(FindingFolder.INPUT, TrialRunner.input(corpus, TrialId.parse(r.id())))
                    .write(FindingFolder.SEED, r.seed() + "\n")
                    .write(FindingFolder.VERDICT, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r) + "\n")
                    .write(FindingFolder.REPLAY, replayCommand.apply(r) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write finding " + folder(r) + ": " + e.getMessage(), e);
        }
    }

    /** The finding folder of a trial record, relative to the output directory: one per outcome and signature. */
    public static String folder(TrialRecord r) {
        return FindingFolder.relative(r.outcome().name(), r.signature());
    }
}
