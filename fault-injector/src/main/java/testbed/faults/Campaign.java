package testbed.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import testbed.corpus.Corpus;
import testbed.corpus.CorpusEntry;
import testbed.corpus.Outcome;

/**
 * A campaign: the trials of (corpus entries x faults x modes x seeds) run in supervised worker
 * processes, each finished trial appended to {@value TrialLog#FILE_NAME} at once, each new
 * finding written as a folder. A worker that dies takes only its current trial with it (recorded
 * {@code CRASHED}); one that stops answering is killed (its trial {@code HUNG}); either is
 * replaced and the campaign goes on. Trials already in the log are skipped, which is how an
 * interrupted campaign resumes. A sharded campaign runs only its shard's positions of the plan.
 */
public final class Campaign {
    /** Trials sent to a worker ahead of its answers: enough to hide the pipe's latency. */
    private static final int PIPELINE = 8;
    private static final Duration PROTECTED_TIMEOUT = Duration.ofSeconds(120);
    /** The worker judges hangs itself; this backstop catches a worker that cannot even do that. */
    private static final Duration UNPROTECTED_TIMEOUT = Duration.ofSeconds(60);
    /** A freshly booted worker's first trial also loads and compiles the machinery. */
    private static final Duration FIRST_TRIAL_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    public static final String FINDINGS = "findings";
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
    private final List<String> entries = new ArrayList<>();
    private final List<String> javaOptions;
    /** An explicit plan (replays, corpus checks), or null for the settings' cross product. */
    private final List<TrialId> plan;
    private volatile boolean stopping;
    private final List<Process> live = new ArrayList<>();

    private Campaign(CampaignSettings settings, Corpus corpus, Path out, List<String> javaOptions, List<TrialId> plan) {
        this.plan = plan == null ? null : List.copyOf(plan);
        this.settings = settings;
        this.corpus = corpus;
        this.out = out;
        this.javaOptions = List.copyOf(javaOptions);
        for (CorpusEntry e : corpus.entries()) {
            entries.add(e.name());
        }
        for (String fault : settings.faults()) {
            Faults.byName(fault);
        }
        if (settings.workers() < 1) {
            throw new IllegalArgumentException("a campaign needs at least one worker, got " + settings.workers());
        }
    }

    /**
     * A campaign over {@code corpus} writing into {@code out}.
     *
     * @param javaOptions extra options for the worker JVMs
     * @throws IllegalArgumentException for an unknown fault or mode, or no workers
     */
    public static Campaign of(CampaignSettings settings, Corpus corpus, Path out, List<String> javaOptions) {
        return new Campaign(settings, corpus, out, javaOptions, null);
    }

    /** A campaign that runs exactly {@code trials}, in order: a replay, or a check of every entry. */
    public static Campaign of(List<TrialId> trials, Corpus corpus, Path out, List<String> javaOptions, int workers) {
        List<String> modes = trials.stream().map(TrialId::mode).distinct().toList();
        List<String> faults = trials.stream().map(TrialId::fault).distinct().toList();
        CampaignSettings settings = new CampaignSettings(corpus.origin(), modes, faults, trials.size(), null,
                trials.isEmpty() ? 0 : trials.get(0).seed(), workers);
        return new Campaign(settings, corpus, out, javaOptions, trials);
    }

    public CampaignSettings settings() {
        return settings;
    }

    /**
     * The {@code n}-th trial of the plan: rounds of every entry under every fault, each
     * (entry, fault) pair with one seed run in every mode one after another, and the pairs of a
     * round in their own seeded order. The plan is balanced: every mode gets the same
     * (entry, fault, seed) triples, so a difference between two columns of the report is the
     * modes' doing, and a campaign cut short by its trial count or time limit still samples every
     * entry and fault evenly (exactly balanced when cut at a multiple of the mode count).
     */
    public TrialId trial(long n) {
        if (plan != null) {
            return plan.get((int) (n % plan.size()));
        }
        int modes = settings.modes().size();
        int faults = settings.faults().size();
        int pairs = entries.size() * faults;
        long perRound = (long) pairs * modes;
        long round = n / perRound;
        long inRound = n % perRound;
        int pair = order(round, pairs)[(int) (inRound / modes)];
        String mode = settings.modes().get((int) (inRound % modes));
        String fault = settings.faults().get(pair % faults);
        String entry = entries.get(pair / faults);
        return new TrialId(entry, fault, mode, Fault.draw(settings.seed() + round, pair) & Long.MAX_VALUE);
    }

    private long orderRound = -1;
    private int[] order;

    private synchronized int[] order(long round, int size) {
        if (round != orderRound) {
            List<Integer> indices = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                indices.add(i);
            }
            java.util.Collections.shuffle(indices, new java.util.Random(Fault.draw(settings.seed(), (int) round)));
            order = indices.stream().mapToInt(Integer::intValue).toArray();
            orderRound = round;
        }
        return order;
    }

    /** Stops dispatching and kills the workers; trials already logged are kept. Safe from a shutdown hook. */
    public void stop() {
        stopping = true;
        synchronized (live) {
            live.forEach(Process::destroyForcibly);
        }
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
        Map<String, List<TrialRecord>> bySignature = new LinkedHashMap<>();
        Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
        long[] unexpected = {0};
        long[] protectedCounts = {0, 0};
        for (int i = 0; i < records.size(); i++) {
            TrialRecord r = records.get(i);
            done.add(r.id());
            tally(r, outcomes, unexpected, bySignature);
            countProtected(r, protectedCounts);
            if (plan == null && !r.unexpected()) {
                records.set(i, r.brief());
            }
        }
        long total = settings.trials() > 0 ? settings.trials() : Long.MAX_VALUE;
        long deadline = settings.timeLimit() == null ? Long.MAX_VALUE : System.nanoTime() + settings.timeLimit().toNanos();
        Dispenser dispenser = new Dispenser(total, done, deadline);
        long start = System.nanoTime();
        long alreadyDone = records.size();
        try (TrialLog log = TrialLog.appendTo(out.resolve(TrialLog.FILE_NAME))) {
            Consumer<TrialRecord> finished = record -> {
                synchronized (records) {
                    try {
                        log.append(record);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    boolean first = tally(record, outcomes, unexpected, bySignature);
                    // A million-trial campaign keeps its records in brief; the log holds them whole.
                    records.add(plan == null && !record.unexpected() ? record.brief() : record);
                    if (first) {
                        writeFinding(record);
                    }
                    countProtected(record, protectedCounts);
                    long doneNow = records.size();
                    double elapsed = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
                    double rate = (doneNow - alreadyDone) / elapsed;
                    long left = settings.trials() > 0 ? Math.max(0, settings.shardTrials() - doneNow) : -1;
                    Duration remaining = left >= 0 && rate > 0 ? Duration.ofMillis((long) (left / rate * 1000))
                            : deadline == Long.MAX_VALUE ? Duration.ZERO : Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                    progress.accept(new Progress(doneNow, settings.trials() > 0 ? settings.shardTrials() : -1, rate,
                            new EnumMap<>(outcomes), unexpected[0], remaining, protectedCounts[0], protectedCounts[1]));
                }
            };
            List<Thread> supervisors = new ArrayList<>();
            for (int w = 0; w < settings.workers(); w++) {
                Thread t = new Thread(() -> supervise(dispenser, finished), "supervisor-" + w);
                t.start();
                supervisors.add(t);
            }
            for (Thread t : supervisors) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    stop();
                    Thread.currentThread().interrupt();
                }
            }
        }
        List<Finding> findings = new ArrayList<>();
        for (List<TrialRecord> same : bySignature.values()) {
            findings.add(new Finding(same.get(0).signature(), same.get(0), same.size(), FINDINGS + "/" + folderName(same.get(0))));
        }
        return new Result(List.copyOf(records), findings, Duration.ofNanos(System.nanoTime() - start), stopping);
    }

    private static void countProtected(TrialRecord r, long[] counts) {
        if (!r.mode().equals("NONE")) {
            counts[0]++;
            if (r.outcome() == Outcome.ESCAPED) {
                counts[1]++;
            }
        }
    }

    /** Counts a record; true if it is the first of a new finding. */
    private static boolean tally(TrialRecord r, Map<Outcome, Long> outcomes, long[] unexpected, Map<String, List<TrialRecord>> bySignature) {
        outcomes.merge(r.outcome(), 1L, Long::sum);
        if (!r.unexpected()) {
            return false;
        }
        unexpected[0]++;
        List<TrialRecord> same = bySignature.computeIfAbsent(r.signature(), s -> new ArrayList<>());
        same.add(r);
        return same.size() == 1;
    }

    /** Hands out plan positions {@code 0..total-1} in order, skipping trials already logged, until the deadline. */
    private final class Dispenser {
        private final long total;
        private final Set<String> done;
        private final long deadline;
        private final Deque<TrialId> retry = new ArrayDeque<>();
        private long next;

        Dispenser(long total, Set<String> done, long deadline) {
            this.total = total;
            this.done = done;
            this.deadline = deadline;
        }

        synchronized TrialId take() {
            if (stopping || System.nanoTime() > deadline) {
                return null;
            }
            if (!retry.isEmpty()) {
                return retry.poll();
            }
            while (next < total) {
                if (plan == null) {
                    next = settings.shard().next(next, settings.modes().size());
                    if (next >= total) {
                        break;
                    }
                }
                TrialId id = trial(next++);
                // Positions of the cross product are distinct trials, so only those already logged
                // need remembering; an explicit plan may name a trial twice.
                if (plan == null ? !done.contains(id.toString()) : done.add(id.toString())) {
                    return id;
                }
            }
            return null;
        }

        synchronized void giveBack(List<TrialId> ids) {
            for (int i = ids.size() - 1; i >= 0; i--) {
                retry.addFirst(ids.get(i));
            }
        }
    }

    /**
     * One worker's life cycle: feed it, read its answers, replace it when it dies, hangs or
     * retires. A standby worker boots while the current one works, so a replacement costs no wait.
     */
    private void supervise(Dispenser dispenser, Consumer<TrialRecord> finished) {
        Deque<TrialId> inFlight = new ArrayDeque<>();
        CompletableFuture<WorkerProcess> standby = boot();
        try {
            while (!stopping) {
                WorkerProcess worker;
                try {
                    worker = standby.join();
                } catch (CompletionException e) {
                    if (stopping) {
                        return;
                    }
                    throw new UncheckedIOException("cannot start a worker JVM: " + e.getCause().getMessage(), new IOException(e.getCause()));
                }
                standby = boot();
                try {
                    if (!feed(worker, dispenser, inFlight, finished)) {
                        return;
                    }
                } finally {
                    dispenser.giveBack(List.copyOf(inFlight));
                    inFlight.clear();
                    retire(worker);
                }
            }
        } finally {
            standby.thenAccept(this::retire);
        }
    }

    private CompletableFuture<WorkerProcess> boot() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                WorkerProcess w = WorkerProcess.start(javaOptions, corpus.origin(), START_TIMEOUT);
                synchronized (live) {
                    live.add(w.process);
                }
                if (stopping) {
                    retire(w);
                }
                return w;
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
    }

    private void retire(WorkerProcess worker) {
        worker.process.destroyForcibly();
        synchronized (live) {
            live.remove(worker.process);
        }
    }

    /**
     * Feeds one worker until the plan is exhausted (false) or the worker must be replaced (true).
     * Trials are answered in the order sent, so the first unanswered one is the one running.
     */
    private boolean feed(WorkerProcess worker, Dispenser dispenser, Deque<TrialId> inFlight, Consumer<TrialRecord> finished) {
        boolean first = true;
        try {
            while (!stopping) {
                while (inFlight.size() < PIPELINE) {
                    TrialId id = dispenser.take();
                    if (id == null) {
                        break;
                    }
                    worker.send(id);
                    inFlight.add(id);
                }
                if (inFlight.isEmpty()) {
                    return false;
                }
                TrialId current = inFlight.peek();
                Duration limit = first ? FIRST_TRIAL_TIMEOUT : current.mode().equals("NONE") ? UNPROTECTED_TIMEOUT : PROTECTED_TIMEOUT;
                first = false;
                long asked = System.nanoTime();
                String line = worker.answer(limit);
                if (Worker.RETIRING.equals(line)) {
                    return true;
                }
                if (line == null || line == WorkerProcess.DIED) {
                    inFlight.poll();
                    boolean hung = line == null;
                    if (!stopping) {
                        finished.accept(TrialRunner.unanswered(corpus, current, hung ? Outcome.HUNG : Outcome.CRASHED,
                                hung ? "no answer within " + limit.toMillis() + " ms: the worker was killed"
                                     : "the worker JVM died (exit status " + worker.exitStatus() + ")",
                                (System.nanoTime() - asked) / 1000));
                    }
                    return true;
                }
                TrialRecord record;
                try {
                    record = JSON.readValue(line, TrialRecord.class);
                } catch (IOException garbled) {
                    // A JVM that crashed in native code (an unprotected Unsafe write) may print its
                    // fatal-error banner where answers go: the trial killed its worker.
                    inFlight.poll();
                    if (!stopping) {
                        finished.accept(TrialRunner.unanswered(corpus, current, Outcome.CRASHED,
                                "the worker JVM died (exit status " + worker.exitStatus() + ")", (System.nanoTime() - asked) / 1000));
                    }
                    return true;
                }
                inFlight.poll();
                finished.accept(record);
            }
            return false;
        } catch (IOException e) {
            return !stopping;
        }
    }

    private void writeFinding(TrialRecord r) {
        Path dir = out.resolve(FINDINGS).resolve(folderName(r));
        try {
            Files.createDirectories(dir);
            TrialId id = TrialId.parse(r.id());
            Files.write(dir.resolve("input.class"), TrialRunner.input(corpus, id));
            Files.writeString(dir.resolve("seed.txt"), r.seed() + "\n");
            Files.writeString(dir.resolve("verdict.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r) + "\n");
            Files.writeString(dir.resolve("replay.txt"), r.replayCommand() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write finding " + dir + ": " + e.getMessage(), e);
        }
    }

    /** {@code <outcome>-<hash of the signature>}: stable across runs, one folder per finding. */
    public static String folderName(TrialRecord r) {
        return r.outcome().name().toLowerCase(java.util.Locale.ROOT) + "-" + String.format("%08x", r.signature().hashCode());
    }

    /** A worker JVM and the thread that reads its answers. */
    private static final class WorkerProcess {
        static final String DIED = new String("<died>");
        final Process process;
        private final OutputStream to;
        private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

        private WorkerProcess(Process process) {
            this.process = process;
            this.to = process.getOutputStream();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        answers.add(line);
                    }
                } catch (IOException e) {
                    // the worker went away; DIED below says so
                }
                answers.add(DIED);
            }, "worker-reader");
            reader.setDaemon(true);
            reader.start();
        }

        static WorkerProcess start(List<String> javaOptions, String corpusOrigin, Duration startTimeout) throws IOException {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(javaOptions);
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(Worker.class.getName());
            command.add(corpusOrigin);
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            WorkerProcess w = new WorkerProcess(p);
            String hello = w.answer(startTimeout);
            if (!Worker.READY.equals(hello)) {
                p.destroyForcibly();
                throw new IOException("worker did not start" + (hello == DIED ? " (exit status " + w.exitStatus() + ")" : ""));
            }
            return w;
        }

        void send(TrialId id) throws IOException {
            to.write((id + "\n").getBytes(StandardCharsets.UTF_8));
            to.flush();
        }

        /** The next answer line, {@link #DIED} if the worker is gone, or null if none came in time. */
        String answer(Duration limit) {
            try {
                return answers.poll(limit.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return DIED;
            }
        }

        String exitStatus() {
            try {
                return process.waitFor(2, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "unknown";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "unknown";
            }
        }
    }
}
