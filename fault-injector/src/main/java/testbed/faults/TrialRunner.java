package testbed.faults;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import testbed.corpus.Corpus;
import testbed.corpus.CorpusEntry;
import testbed.corpus.Outcome;
import testbed.faults.environment.Arming;
import testbed.faults.environment.EnvironmentFault;
import testbed.faults.environment.TrialEnvironment;
import testbed.faults.mutation.BytecodeFault;
import testbed.faults.mutation.Mutant;
import testbed.kernel.Abort;
import testbed.kernel.DomainSpec;
import testbed.kernel.Hook;
import testbed.kernel.Kernel;
import testbed.kernel.KernelConfig;
import testbed.kernel.KernelPanic;
import testbed.kernel.Trap;
import testbed.kernel.oracle.Oracle;
import testbed.kernel.oracle.Verdict;
import testbed.kernel.oracle.Violation;
import testbed.sandbox.Budget;
import testbed.sandbox.FaultDomain;
import testbed.sandbox.Protection;
import testbed.sandbox.Protections;
import testbed.sandbox.Sandbox;
import testbed.sandbox.verify.Rejection;

/**
 * Runs trials, one at a time, on one kernel that it restores before each trial in O(pages
 * touched). A trial is a pure function of its {@link TrialId}: the corpus entry, the fault and
 * its seed, and the mode fix everything it does.
 *
 * <p>An unprotected ({@code NONE}) trial can hang this thread or kill this JVM; that is why
 * campaigns run trials in supervised worker processes.
 */
public final class TrialRunner implements AutoCloseable {
    /** What every trial's domain gets: a 64 KiB segment and every helper, so attacks are not stopped by a missing capability. */
    static final DomainSpec SPEC = DomainSpec.segment(64 << 10).allowAll();

    private final Corpus corpus;
    private final Kernel kernel = Kernel.boot(KernelConfig.defaults());
    private final Kernel.Snapshot clean = kernel.snapshot();
    private final Oracle oracle = Oracle.watching(kernel);
    private final Protections protections;
    private final Map<String, Sandbox> sandboxes = new HashMap<>();
    private final Map<String, Optional<Long>> references = new HashMap<>();
    private final Workload workload = new Workload();
    /** Answers of {@link #bypassesMonitor}, least recently used dropped past a bound. */
    private final Map<ClassBytes, Boolean> bypasses = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ClassBytes, Boolean> eldest) {
            return size() > 4096;
        }
    };
    private boolean restoreFully;

    /** A runner for the built-in protection modes. */
    public TrialRunner(Corpus corpus) {
        this(corpus, Protections.builtIn());
    }

    /** A runner for every technique of {@code protections}, built-in and plug-in. */
    public TrialRunner(Corpus corpus, Protections protections) {
        this.corpus = corpus;
        this.protections = protections;
        // Every technique's sandbox (and its watchdog thread) exists from the start, so that a
        // thread appearing during a trial can only be the extension's.
        for (Protection p : protections.all()) {
            sandbox(p);
        }
    }

    /**
     * The record of a trial that gave no answer of its own: its worker process died
     * ({@code CRASHED}) or never answered ({@code HUNG}).
     */
    public static TrialRecord unanswered(Corpus corpus, TrialId id, Outcome outcome, String detail, long micros) {
        CorpusEntry entry = corpus.entry(id.entry());
        Fault fault = Faults.byName(id.fault());
        boolean faulted = !(fault instanceof BytecodeFault bytecode) ? fault != Faults.none()
                : bytecode.mutate(entry.classBytes(), id.seed()).mutated();
        // The supervisor may not have the plug-in jars loaded: judged by name, a plug-in's expectation is the corpus's default.
        boolean unprotected = id.mode().equals(Protections.UNPROTECTED);
        Outcome expected = faulted ? null : entry.expected(id.mode());
        return new TrialRecord(id.toString(), entry.name(), entry.family().directory(), fault.name(), fault.family().id(),
                id.mode(), id.seed(), outcome, expected, unexpected(faulted, unprotected, outcome, expected), null, detail, List.of(),
                outcome + "|" + id.mode() + "|" + entry.name() + "|worker", micros);
    }

    /**
     * Whether an outcome is a finding: for an unfaulted entry, any outcome other than the one its
     * metadata expects; for a faulted one, damage, a hang or a crash in a protected mode
     * (unprotected, anything can happen, and that is the point of the baseline).
     */
    private static boolean unexpected(boolean faulted, boolean unprotected, Outcome outcome, Outcome expected) {
        return faulted
                ? !unprotected && (outcome == Outcome.ESCAPED || outcome == Outcome.HUNG || outcome == Outcome.CRASHED)
                : outcome != expected;
    }

    /** The input a trial loads: the entry's class bytes after its bytecode fault, if any. */
    public static byte[] input(Corpus corpus, TrialId id) {
        byte[] bytes = corpus.entry(id.entry()).classBytes();
        return Faults.byName(id.fault()) instanceof BytecodeFault bytecode ? bytecode.mutate(bytes, id.seed()).classBytes() : bytes;
    }

    /**
     * Runs one trial.
     *
     * @throws IllegalArgumentException for an unknown entry, fault or mode, with a one-line message
     */
    public TrialRecord run(TrialId id) {
        long start = System.nanoTime();
        CorpusEntry entry = corpus.entry(id.entry());
        Fault fault = Faults.byName(id.fault());
        Protection mode = protections.byName(id.mode());
        Execution x = execute(entry, fault, mode, id.seed());
        boolean faulted = x.faultApplied;
        Outcome expected = faulted ? null : entry.expected(mode.expectationsOf());
        long r0 = System.nanoTime();
        Optional<Long> reference = reference(entry, mode);
        x.phases[REFERENCE] += System.nanoTime() - r0;
        Outcome outcome = classify(x, reference);
        boolean unexpected = unexpected(faulted, mode.unprotected(), outcome, expected);
        List<String> violations = new ArrayList<>();
        if (x.verdict != null) {
            for (Violation v : x.verdict.violations()) {
                violations.add(v.toString());
            }
        }
        String detail = detail(x, violations);
        return new TrialRecord(id.toString(), entry.name(), entry.family().directory(), fault.name(), fault.family().id(),
                mode.name(), id.seed(), outcome, expected, unexpected, x.trap == null ? null : x.trap.kind().name(),
                (x.faultSite.isEmpty() ? "" : "[" + x.faultSite + "] ") + detail, violations,
                signature(entry, mode, outcome, x), (System.nanoTime() - start) / 1000, x.phaseMicros());
    }

    private static final int RESTORE = 0;
    private static final int FAULT = 1;
    private static final int LOAD = 2;
    private static final int RUN = 3;
    private static final int JUDGE = 4;
    private static final int UNLOAD = 5;
    private static final int REFERENCE = 6;

    /** What happened in one trial, before it is classified. */
    private static final class Execution {
        /** Nanoseconds per phase, indexed as {@link TrialRecord#PHASES}. */
        final long[] phases = new long[TrialRecord.PHASES.size()];
        private long mark = System.nanoTime();

        /** Ends the current phase, charging its time to {@code phase}. */
        void lap(int phase) {
            long now = System.nanoTime();
            phases[phase] += now - mark;
            mark = now;
        }

        Map<String, Long> phaseMicros() {
            Map<String, Long> out = new LinkedHashMap<>();
            for (int i = 0; i < phases.length; i++) {
                out.put(TrialRecord.PHASES.get(i), phases[i] / 1000);
            }
            return out;
        }

        Rejection rejection;
        Throwable hostFailure;
        Trap trap;
        Verdict verdict;
        long digest;
        boolean badAnswer;
        boolean faultApplied;
        String faultSite = "";
    }

    private Execution execute(CorpusEntry entry, Fault fault, Protection mode, long seed) {
        Execution x = new Execution();
        if (restoreFully) {
            kernel.restoreFully(clean);
            restoreFully = false;
        } else {
            kernel.restore(clean);
        }
        x.lap(RESTORE);
        byte[] bytes = entry.classBytes();
        if (fault instanceof BytecodeFault bytecode) {
            Mutant mutant = bytecode.mutate(bytes, seed);
            bytes = mutant.classBytes();
            x.faultApplied = mutant.mutated();
            x.faultSite = mutant.site().map(Mutant.Site::toString).orElse("no site");
        }
        x.lap(FAULT);
        oracle.baseline();
        x.lap(RESTORE);
        Hook hook = hookOf(entry);
        long badAnswersBefore = kernel.hookTable().badAnswers(hook);
        FaultDomain domain = null;
        try {
            domain = sandbox(mode).load(entry.name(), bytes, SPEC);
            domain.attach();
            x.lap(LOAD);
            Environment env = new Environment(bytes, domain, hook);
            if (fault instanceof EnvironmentFault environmental) {
                Arming arming = environmental.arm(env, seed);
                x.faultApplied = arming.armed();
                x.faultSite = arming.description();
            }
            x.lap(FAULT);
            x.digest = env.workload.drive(kernel, domain.domain(), hook, env.revokeAt, env.revokeFrames);
        } catch (Rejection r) {
            x.rejection = r;
        } catch (Trap t) {
            x.trap = t;
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError || t instanceof OutOfMemoryError)) {
                throw (VirtualMachineError) t;
            }
            x.hostFailure = t;
        }
        x.lap(domain == null ? LOAD : RUN);
        if (x.rejection == null) {
            x.verdict = judge();
            x.badAnswer = kernel.hookTable().badAnswers(hook) != badAnswersBefore;
            if (x.trap == null && domain != null) {
                x.trap = trapOf(domain);
            }
        }
        x.lap(JUDGE);
        if (domain != null) {
            try {
                domain.unload();
            } catch (RuntimeException corrupted) {
                // A kernel the extension wrecked may refuse to destroy the domain; the restore before the next trial repairs it.
            }
        }
        if (mode.unprotected() && bypassesMonitor(bytes)) {
            // Damage the write monitor may not have seen (an unprotected extension that reached
            // the array behind physical memory writes without being recorded): the restore of
            // touched pages would leave it for the next trial, so copy all of memory back.
            restoreFully = true;
        }
        x.lap(UNLOAD);
        return x;
    }

    /** {@link MonitorBypass#possible}, asked once per distinct class bytes. */
    private boolean bypassesMonitor(byte[] bytes) {
        return bypasses.computeIfAbsent(new ClassBytes(bytes), b -> MonitorBypass.possible(bytes));
    }

    /** Class bytes compared by content. */
    private record ClassBytes(byte[] bytes, int hash) {
        ClassBytes(byte[] bytes) {
            this(bytes, Arrays.hashCode(bytes));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ClassBytes c && c.hash == hash && Arrays.equals(c.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private Verdict judge() {
        try {
            return oracle.judge();
        } catch (RuntimeException e) {
            restoreFully = true;
            return new Verdict(List.of(new Violation(Violation.Kind.INCONSISTENT_STRUCTURE, -1, -1, "KERNEL", -1,
                    "the oracle could not inspect the kernel: " + e)), 0, 0);
        }
    }

    private Trap trapOf(FaultDomain domain) {
        for (Abort a : kernel.aborts()) {
            if (a.domain() == domain.domain().id()) {
                return a.trap();
            }
        }
        return null;
    }

    private static Outcome classify(Execution x, Optional<Long> reference) {
        if (x.rejection != null) {
            return Outcome.REJECTED;
        }
        if (x.hostFailure != null) {
            return x.hostFailure instanceof KernelPanic panic && panic.isHang() ? Outcome.HUNG : Outcome.CRASHED;
        }
        if (!x.verdict.violations().isEmpty()) {
            return Outcome.ESCAPED;
        }
        if (x.trap != null) {
            return x.trap.kind() == Trap.Kind.WATCHDOG ? Outcome.HUNG : Outcome.CONTAINED;
        }
        if (x.badAnswer || (reference.isPresent() && reference.get() != x.digest)) {
            return Outcome.WRONG_RESULT;
        }
        return Outcome.OK;
    }

    /**
     * The digest a correct run of {@code entry} produces: the unfaulted entry unprotected when it
     * is expected to be OK there (transparency: every mode must match it), else the unfaulted
     * entry in {@code mode} when that is expected OK, else none. Expectations decide which runs
     * are safe, so a reference never runs something that could hang.
     */
    private Optional<Long> reference(CorpusEntry entry, Protection mode) {
        Protection none = protections.byName(Protections.UNPROTECTED);
        Protection from = entry.expected(none.name()) == Outcome.OK ? none
                : entry.expected(mode.expectationsOf()) == Outcome.OK ? mode : null;
        if (from == null) {
            return Optional.empty();
        }
        String key = entry.name() + "@" + from.name();
        Optional<Long> known = references.get(key);
        if (known == null) {
            Execution x = execute(entry, Faults.none(), from, 0);
            known = classify(x, Optional.empty()) == Outcome.OK ? Optional.of(x.digest) : Optional.empty();
            references.put(key, known);
        }
        return known;
    }

    private static Hook hookOf(CorpusEntry entry) {
        for (Hook h : Hook.values()) {
            if (h.type() == entry.hook()) {
                return h;
            }
        }
        throw new IllegalArgumentException(entry.name() + " implements no hook");
    }

    private Sandbox sandbox(Protection mode) {
        // Unprotected, the standard budget is the simulated machine's: what would stop a protected
        // extension hangs or crashes the unprotected kernel, judged from the same counts.
        return sandboxes.computeIfAbsent(mode.name(), m -> mode.unprotected()
                ? Sandbox.unprotected(kernel, Budget.standard())
                : Sandbox.on(kernel, mode, Budget.standard()));
    }

    private static String detail(Execution x, List<String> violations) {
        if (x.rejection != null) {
            return x.rejection.getMessage();
        }
        if (x.hostFailure instanceof KernelPanic panic) {
            return panic.getMessage();
        }
        if (x.hostFailure != null) {
            return "host failure: " + x.hostFailure;
        }
        if (!violations.isEmpty()) {
            return violations.get(0);
        }
        if (x.trap != null) {
            String message = x.trap.getMessage();
            return x.trap.location().isEmpty() || message.contains(x.trap.location()) ? message : message + " at " + x.trap.location();
        }
        return x.badAnswer ? "the kernel rejected the extension's answer and used its default" : "";
    }

    /** Deduplication key: outcome and where it happened, never a message. */
    private static String signature(CorpusEntry entry, Protection mode, Outcome outcome, Execution x) {
        String site;
        if (x.rejection != null) {
            site = x.rejection.rule().name();
        } else if (x.hostFailure instanceof KernelPanic panic) {
            site = "panic@" + panic.reason().name();
        } else if (x.hostFailure != null) {
            StackTraceElement[] frames = x.hostFailure.getStackTrace();
            site = x.hostFailure.getClass().getName() + (frames.length > 0 ? "@" + frames[0].getClassName() + "." + frames[0].getMethodName() : "");
        } else if (x.verdict != null && !x.verdict.violations().isEmpty()) {
            Violation v = x.verdict.violations().get(0);
            site = v.kind() + "@" + v.region();
        } else if (x.trap != null) {
            site = x.trap.kind() + "@" + x.trap.location();
        } else {
            site = x.badAnswer ? "bad-answer" : "result";
        }
        return outcome + "|" + mode.name() + "|" + entry.name() + "|" + site;
    }

    /** The trial's environment as environment faults see it: the real kernel and domain. */
    private final class Environment implements TrialEnvironment {
        private final byte[] bytes;
        private final FaultDomain domain;
        private final Hook hook;
        Workload workload = TrialRunner.this.workload;
        int revokeAt = -1;
        int revokeFrames;

        Environment(byte[] bytes, FaultDomain domain, Hook hook) {
            this.bytes = bytes;
            this.domain = domain;
            this.hook = hook;
        }

        @Override
        public byte[] extensionClass() {
            return bytes.clone();
        }

        @Override
        public void failHelper(String helper, int nthCall, int status) {
            kernel.failHelper(helper, nthCall, status);
        }

        @Override
        public boolean revokeAt(int invocation, int frames) {
            if (hook != Hook.LIBRARY_OS) {
                return false;
            }
            revokeAt = invocation;
            revokeFrames = frames;
            return true;
        }

        @Override
        public boolean corruptPacketLengths(PacketLength corruption, long seed) {
            if (hook != Hook.PACKET_FILTER) {
                return false;
            }
            workload = TrialRunner.this.workload.lyingAboutLengths(corruption, seed);
            return true;
        }

        @Override
        public void preemptAfter(long fuel) {
            domain.preemptAfter(fuel);
        }
    }

    /**
     * Tells the runner that a trial was stopped midway (its thread killed while it hung): the next
     * trial starts from a full restore, since the kernel may have been stopped mid-update.
     */
    public void trialAbandoned() {
        restoreFully = true;
    }

    @Override
    public void close() {
        sandboxes.values().forEach(Sandbox::close);
        sandboxes.clear();
    }
}
