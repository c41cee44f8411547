package testbed.faults.fuzz;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import testbed.corpus.Outcome;
import testbed.program.Program;
import testbed.program.ProgramText;
import testbed.corpus.Reproducer;
import testbed.faults.Campaign;
import testbed.faults.FindingFolder;
import testbed.faults.TrialEngine;
import testbed.faults.TrialRecord;
import testbed.sandbox.Protection;
import testbed.sfi.ProtectionMode;

/**
 * The seeded random driver: generates programs from a run seed, checks every {@link Property}
 * on each in several threads, deduplicates failures into findings, shrinks each finding and
 * writes it as a corpus reproducer. Program {@code i} depends only on the run seed and {@code i},
 * so a run is deterministic per seed whatever the thread count and however far it got.
 */
public final class Fuzzer {
    /** The fault name generated programs are recorded under, so reports and replays can tell them from corpus trials. */
    public static final String GENERATED = "generated";
    /** The entry name runs that broke no property share in the report. */
    static final String PASSING_ENTRY = GENERATED + "/programs";
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final int SHRINK_TESTS = 2_000;

    private final FuzzSettings settings;
    private final Path out;
    private final TrialEngine.Sandboxes sandboxes;
    private volatile boolean stopping;
    private volatile String launcher = LOCAL_LAUNCHER;
    private static final String LOCAL_LAUNCHER = "./testbed";

    /**
     * @param out where findings are written, or {@code null} to write nothing
     * @param sandboxes the isolation pipeline under test, or {@code null} for the standard one
     */
    public Fuzzer(FuzzSettings settings, Path out, TrialEngine.Sandboxes sandboxes) {
        this.settings = settings;
        this.out = out;
        this.sandboxes = sandboxes;
    }

    /** What a run ends with. */
    public record Result(long programs, List<TrialRecord> records, List<FuzzFinding> findings, GenerationStats stats,
            Map<Property, Long> failures, Map<String, Long> nanosByPhase, Duration elapsed, boolean interrupted) {
    }

    /**
     * Sets the command that starts the tool, as a shell would take it (by default {@code ./testbed},
     * which works only from a checkout's root), for the commands a finding's
     * {@value FindingFolder#REPLAY} names; with an absolute one they run from any directory.
     */
    public Fuzzer launcher(String command) {
        this.launcher = command;
        return this;
    }

    /** Asks a running {@link #run} to stop after the programs in progress; safe from any thread. */
    public void stop() {
        stopping = true;
    }

    /** Program {@code index}'s seed in a run seeded {@code seed}: a bijective mix, so neighbouring runs share no programs. */
    public static long programSeed(long seed, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + index + 1;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The program a seed generates: the same seed and size limit give the same program. */
    public static Program program(ProgramGenerator generator, long programSeed) {
        return generator.generate(new SeededChoices(programSeed), GeneratedTrial.programName(programSeed));
    }

    /** The one command that regenerates the program of {@code programSeed} and rechecks it. */
    public static String replayCommand(long programSeed, FuzzSettings settings) {
        StringBuilder s = new StringBuilder("./testbed fuzz --replay ").append(programSeed);
        if (settings.maxOps() != ProgramGenerator.DEFAULT_MAX_OPS) {
            s.append(" --max-ops ").append(settings.maxOps());
        }
        List<String> all = protectedModes().stream().map(ProtectionMode::name).toList();
        List<String> modes = settings.modes().stream().map(Protection::name).toList();
        if (!modes.equals(all)) {
            s.append(" --modes ").append(String.join(",", modes));
        }
        settings.modes().stream().filter(m -> m instanceof Protection.PlugIn).map(m -> ((Protection.PlugIn) m).jar()).distinct()
                .forEach(jar -> s.append(" --technique-jar ").append(jar));
        return s.toString();
    }

    /** The techniques a fuzz run checks unless told otherwise: the in-JVM built-in protected modes. */
    public static List<Protection> defaultModes() {
        return Protection.of(List.of(ProtectionMode.SFI_MASK, ProtectionMode.SFI_CHECK, ProtectionMode.BOUNDS, ProtectionMode.VERIFIED));
    }

    /** Every built-in protected mode. */
    public static List<ProtectionMode> protectedModes() {
        List<ProtectionMode> all = new ArrayList<>(List.of(ProtectionMode.values()));
        all.remove(ProtectionMode.NONE);
        return all;
    }

    /**
     * Runs until the program budget or the time limit is reached, or {@link #stop} is called.
     *
     * @param progress called from this thread a few times a second
     */
    public Result run(Consumer<Campaign.Progress> progress) {
        long start = System.nanoTime();
        long deadline = settings.timeLimit() == null ? Long.MAX_VALUE : start + settings.timeLimit().toNanos();
        AtomicLong next = new AtomicLong();
        Map<Long, List<TrialRecord>> records = new ConcurrentHashMap<>();
        Map<String, FindingState> findings = new ConcurrentHashMap<>();
        Map<Outcome, AtomicLong> outcomes = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            outcomes.put(o, new AtomicLong());
        }
        AtomicLong failedPrograms = new AtomicLong();
        List<Checker> checkers = new ArrayList<>();
        for (int t = 0; t < settings.threads(); t++) {
            checkers.add(new Checker(next, deadline, records, findings, outcomes, failedPrograms));
        }
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < checkers.size(); t++) {
            Thread thread = new Thread(checkers.get(t), "fuzz-" + t);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            while (thread.isAlive()) {
                try {
                    thread.join(250);
                } catch (InterruptedException e) {
                    stopping = true;
                    Thread.currentThread().interrupt();
                }
                progress.accept(progress(start, deadline, records.size(), outcomes, failedPrograms.get()));
            }
        }
        for (Checker c : checkers) {
            if (c.failure != null) {
                throw new IllegalStateException("a fuzz thread failed: " + c.failure, c.failure);
            }
        }
        long done = records.size();
        List<TrialRecord> all = new ArrayList<>();
        records.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> all.addAll(e.getValue()));
        GenerationStats stats = new GenerationStats();
        Map<String, Long> phases = new LinkedHashMap<>();
        Map<Property, Long> byProperty = new EnumMap<>(Property.class);
        for (Checker c : checkers) {
            stats.add(c.generator.stats());
            c.phases.forEach((k, v) -> phases.merge(k, v, Long::sum));
            c.trials.close();
        }
        List<FuzzFinding> found = new ArrayList<>();
        findings.values().stream().sorted(Comparator.comparingLong(f -> f.index)).forEach(f -> {
            FuzzFinding first = f.finding.join();
            found.add(new FuzzFinding(first.failure(), first.first(), f.count.get(), first.shrunk(), first.shrinkTests(),
                    first.reproducer(), first.folder(), first.replayCommand()));
            byProperty.merge(f.failure.property(), f.count.get(), Long::sum);
        });
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        progress.accept(progress(start, deadline, done, outcomes, failedPrograms.get()));
        return new Result(done, all, found, stats, byProperty, phases, elapsed, stopping);
    }

    private Campaign.Progress progress(long start, long deadline, long done, Map<Outcome, AtomicLong> outcomes, long failed) {
        double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        double rate = done / seconds;
        Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
        outcomes.forEach((o, n) -> counts.put(o, n.get()));
        Duration left;
        if (settings.programs() > 0 && rate > 0) {
            left = Duration.ofMillis((long) ((settings.programs() - done) / rate * 1000));
        } else {
            left = Duration.ZERO;
        }
        if (deadline != Long.MAX_VALUE) {
            Duration toDeadline = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            left = settings.programs() > 0 && left.compareTo(toDeadline) < 0 ? left : toDeadline;
        }
        return new Campaign.Progress(done, settings.programs(), rate, counts, failed, left, 0, 0);
    }

    /** A finding while the run goes on: the first failure of a signature, shrunk once by the thread that found it. */
    private static final class FindingState {
        final PropertyFailure failure;
        final long index;
        final AtomicLong count = new AtomicLong();
        final java.util.concurrent.CompletableFuture<FuzzFinding> finding = new java.util.concurrent.CompletableFuture<>();

        FindingState(PropertyFailure failure, long index) {
            this.failure = failure;
            this.index = index;
        }
    }

    /** One thread's work: its own kernel, generator and counters. */
    private final class Checker implements Runnable {
        final AtomicLong next;
        final long deadline;
        final Map<Long, List<TrialRecord>> records;
        final Map<String, FindingState> findings;
        final Map<Outcome, AtomicLong> outcomes;
        final AtomicLong failedPrograms;
        final ProgramGenerator generator = ProgramGenerator.over(Layout.defaults()).maxOps(settings.maxOps());
        final ProgramTrials trials = sandboxes == null ? new ProgramTrials(settings.modes())
                : new ProgramTrials(settings.modes(), sandboxes);
        final Map<String, Long> phases = new LinkedHashMap<>();
        volatile Throwable failure;

        Checker(AtomicLong next, long deadline, Map<Long, List<TrialRecord>> records, Map<String, FindingState> findings,
                Map<Outcome, AtomicLong> outcomes, AtomicLong failedPrograms) {
            this.next = next;
            this.deadline = deadline;
            this.records = records;
            this.findings = findings;
            this.outcomes = outcomes;
            this.failedPrograms = failedPrograms;
        }

        @Override
        public void run() {
            try {
                while (!stopping && System.nanoTime() < deadline) {
                    long index = next.getAndIncrement();
                    if (settings.programs() > 0 && index >= settings.programs()) {
                        return;
                    }
                    check(index);
                }
            } catch (Throwable t) {
                failure = t;
                stopping = true;
            }
        }

        private void check(long index) {
            long seed = programSeed(settings.seed(), index);
            long t0 = System.nanoTime();
            Program program = program(generator, seed);
            long t1 = System.nanoTime();
            ProgramVerdict verdict = trials.check(program, seed);
            long t2 = System.nanoTime();
            phases.merge("generate", t1 - t0, Long::sum);
            phases.merge("check", t2 - t1, Long::sum);
            verdict.runs().forEach((key, r) -> phases.merge(phaseOf(key), r.micros() * 1000, Long::sum));
            List<TrialRecord> mine = records(verdict, settings.maxOps());
            for (TrialRecord r : mine) {
                outcomes.get(r.outcome()).incrementAndGet();
            }
            if (verdict.failed()) {
                failedPrograms.incrementAndGet();
                for (PropertyFailure f : verdict.failures()) {
                    FindingState[] created = new FindingState[1];
                    FindingState state = findings.computeIfAbsent(f.signature(), s -> created[0] = new FindingState(f, index));
                    state.count.incrementAndGet();
                    if (created[0] != null) {
                        long s0 = System.nanoTime();
                        state.finding.complete(finding(verdict, f));
                        phases.merge("shrink", System.nanoTime() - s0, Long::sum);
                    }
                }
            }
            records.put(index, mine);
        }

        private String phaseOf(RunKey run) {
            return run.kind() == RunKey.Kind.PREEMPTED ? "abort run" : "run " + run.name();
        }

        private FuzzFinding finding(ProgramVerdict verdict, PropertyFailure failure) {
            Program shrunk = verdict.program();
            int tests = 0;
            ProgramVerdict last = verdict;
            if (settings.shrink()) {
                ProgramVerdict[] kept = {verdict};
                Shrinker shrinker = new Shrinker(candidate -> {
                    ProgramVerdict v = trials.check(candidate, verdict.seed());
                    boolean same = v.failures().stream().anyMatch(g -> sameKind(g, failure));
                    if (same) {
                        kept[0] = v;
                    }
                    return same;
                }, SHRINK_TESTS);
                shrunk = shrinker.shrink(verdict.program());
                tests = shrinker.tests();
                last = kept[0];
            }
            Reproducer reproducer = reproducer(shrunk, failure, last, verdict.seed());
            String folder = FindingFolder.relative(failure.property().name().replace('_', '-'), failure.signature());
            String replay = replayCommand(verdict.seed(), settings);
            FuzzFinding finding = new FuzzFinding(failure, verdict, 1, shrunk, tests, reproducer, folder, replay);
            if (out != null) {
                write(finding);
            }
            return finding;
        }
    }

    /** Shrinking keeps a candidate that breaks the same property in the same mode the same kind of way. */
    static boolean sameKind(PropertyFailure a, PropertyFailure b) {
        return a.property() == b.property() && a.mode().equals(b.mode()) && head(a.site()).equals(head(b.site()));
    }

    private static String head(String site) {
        int at = site.indexOf('@');
        return at < 0 ? site : site.substring(0, at);
    }

    /**
     * The reproducer of a finding. Its expectations are what a correct build should give: the
     * outcome seen in every mode that broke nothing, and for the mode that broke a property the
     * outcome of its sibling (segment matching and bounds checks must agree; address sandboxing
     * must quietly finish where they trap on an address). They are predictions for the broken
     * mode: check them against a fixed build.
     */
    static Reproducer reproducer(Program shrunk, PropertyFailure failure, ProgramVerdict shrunkVerdict, long seed) {
        Map<String, Outcome> observed = new LinkedHashMap<>();
        shrunkVerdict.runs().forEach((key, run) -> {
            if (key.whole()) {
                observed.put(key.name(), run.outcome());
            }
        });
        Map<String, Outcome> expected = new LinkedHashMap<>(observed);
        for (PropertyFailure f : shrunkVerdict.failures()) {
            if (!observed.containsKey(f.mode())) {
                continue;
            }
            expected.put(f.mode(), predicted(f.mode(), shrunkVerdict));
        }
        Map<Outcome, Integer> votes = new EnumMap<>(Outcome.class);
        expected.values().forEach(o -> votes.merge(o, 1, Integer::sum));
        Outcome otherwise = votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(Outcome.CONTAINED);
        Map<String, Outcome> differing = new LinkedHashMap<>();
        expected.forEach((m, o) -> {
            if (o != otherwise) {
                differing.put(m, o);
            }
        });
        ModeRun broken = shrunkVerdict.run(failure.mode());
        String verdict = failure.property() + " broken in " + failure.mode() + ": " + failure.detail()
                + (broken == null ? "" : " (" + broken.outcome() + ")");
        String threat = "generated program that breaks " + failure.property().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                + " in " + failure.mode() + " (" + shrunk.size() + " operations after shrinking)";
        return new Reproducer(shrunk, threat, OptionalLong.of(seed), verdict.replace('\n', ' '), differing, otherwise);
    }

    private static Outcome predicted(String mode, ProgramVerdict v) {
        ModeRun check = v.run(ProtectionMode.SFI_CHECK.name());
        ModeRun bounds = v.run(ProtectionMode.BOUNDS.name());
        boolean checkBroken = v.failures().stream().anyMatch(f -> f.concerns(ProtectionMode.SFI_CHECK.name()));
        boolean boundsBroken = v.failures().stream().anyMatch(f -> f.concerns(ProtectionMode.BOUNDS.name()));
        ModeRun sibling = mode.equals(ProtectionMode.BOUNDS.name()) ? (checkBroken ? null : check)
                : mode.equals(ProtectionMode.SFI_CHECK.name()) ? (boundsBroken ? null : bounds)
                : !checkBroken ? check : !boundsBroken ? bounds : null;
        if (sibling == null) {
            return Outcome.CONTAINED;
        }
        if (mode.equals(ProtectionMode.SFI_MASK.name()) && sibling.addressTrap()) {
            if (v.reference().maskStraddles()) {
                return Outcome.CONTAINED; // the masked access runs into the guard zone and faults
            }
            // Masked, the program runs to its end; its answer is whatever the unmasked computation left in r0.
            ModeRun reference = v.reference().run();
            return reference.answerRefused() ? Outcome.WRONG_RESULT : Outcome.OK;
        }
        return sibling.outcome();
    }

    private void write(FuzzFinding f) {
        FindingFolder folder = FindingFolder.create(out, f.folder());
        Path dir = folder.path();
        Map<String, Object> verdict = new LinkedHashMap<>();
        verdict.put("property", f.failure().property());
        verdict.put("mode", f.failure().mode());
        verdict.put("detail", f.failure().detail());
        verdict.put("signature", f.failure().signature());
        verdict.put("seed", f.first().seed());
        verdict.put("originalOperations", f.first().program().size());
        verdict.put("shrunkOperations", f.shrunk().size());
        verdict.put("shrinkTests", f.shrinkTests());
        verdict.put("runs", f.first().runs());
        verdict.put("reference", f.first().reference());
        String json;
        try {
            json = JSON.writeValueAsString(verdict);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write finding " + dir + ": " + e.getMessage(), e);
        }
        folder.write(f.reproducer().fileName(), f.reproducer().render())
                .write(FindingFolder.ORIGINAL, ProgramText.print(f.first().program()))
                .write(FindingFolder.SEED, f.first().seed() + "\n")
                .write(FindingFolder.VERDICT, json + "\n")
                .write(FindingFolder.REPLAY, launcher + f.replayCommand().substring(LOCAL_LAUNCHER.length()) + "\n"
                        + "# the shrunk reproducer, as a corpus entry:\n" + launcher + " corpus check --corpus " + quoted(dir) + "\n"
                        + "# keep it in the corpus:\n" + launcher + " corpus add " + quoted(dir.resolve(f.reproducer().fileName())) + "\n");
    }

    /** An absolute path as one shell word. */
    private static String quoted(Path path) {
        String p = path.toAbsolutePath().normalize().toString();
        return p.matches("[A-Za-z0-9_./+=@%,-]+") ? p : "'" + p.replace("'", "'\\''") + "'";
    }

    /**
     * The verdict's whole runs as trial records, one per technique, for the containment report;
     * each record's id is its {@link GeneratedTrial}'s, which {@code testbed replay} reruns. A
     * run that broke nothing is kept in brief, under one shared entry name and without its detail:
     * a fuzz run makes thousands of them a second, and only their counts are reported.
     *
     * @param maxOps the generator's size limit the program was made under
     */
    public static List<TrialRecord> records(ProgramVerdict v, int maxOps) {
        List<TrialRecord> out = new ArrayList<>();
        v.runs().forEach((key, r) -> {
            if (!key.whole()) {
                return;
            }
            String mode = key.name();
            List<PropertyFailure> mine = v.failures().stream().filter(f -> f.concerns(mode)).toList();
            String id = new GeneratedTrial(v.seed(), maxOps, mode).id().toString();
            if (mine.isEmpty()) {
                out.add(new TrialRecord(id, PASSING_ENTRY, GENERATED, GENERATED, GENERATED, mode, v.seed(), r.outcome(), null, false,
                        r.trapKind(), "", List.of(), r.outcome() + "|" + mode + "|" + GENERATED, r.micros()));
            } else {
                out.add(new TrialRecord(id, GENERATED + "/" + v.program().name(), GENERATED, GENERATED, GENERATED, mode, v.seed(),
                        r.outcome(), null, true, r.trapKind(), mine.get(0).toString(), r.violations(), mine.get(0).signature(),
                        r.micros()));
            }
        });
        return out;
    }
}
