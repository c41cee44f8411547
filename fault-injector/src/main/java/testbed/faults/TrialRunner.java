package testbed.faults;

import java.util.HashMap;
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
import testbed.kernel.Domain;
import testbed.kernel.api.Hook;
import testbed.sandbox.FaultDomain;
import testbed.sandbox.Protection;
import testbed.sandbox.Protections;

/**
 * Runs campaign trials, one at a time, on a {@link TrialEngine} of its own: a corpus entry,
 * faulted, driven through its hook by the {@link Workload}, and compared with the digest of a
 * correct run of the entry. A trial is a pure function of its {@link TrialId}: the corpus entry,
 * the fault and its seed, and the mode fix everything it does.
 *
 * <p>An unprotected ({@code NONE}) trial can hang this thread or kill this JVM; that is why
 * campaigns run trials in supervised worker processes.
 */
public final class TrialRunner implements AutoCloseable {
    private final Corpus corpus;
    private final Protections protections;
    private final TrialEngine engine;
    private final Map<String, Optional<Long>> references = new HashMap<>();
    private final Workload workload = new Workload();

    /** A runner for the built-in protection modes. */
    public TrialRunner(Corpus corpus) {
        this(corpus, Protections.builtIn());
    }

    /** A runner for every technique of {@code protections}, built-in and plug-in. */
    public TrialRunner(Corpus corpus, Protections protections) {
        this.corpus = corpus;
        this.protections = protections;
        this.engine = new TrialEngine(protections.all(), TrialEngine.MACHINE_LIMITS);
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
        x.phases[Execution.REFERENCE] += System.nanoTime() - r0;
        Outcome outcome = x.outcome(reference.isEmpty() || reference.get() == x.digest);
        boolean unexpected = unexpected(faulted, mode.unprotected(), outcome, expected);
        return new TrialRecord(id.toString(), entry.name(), entry.family().directory(), fault.name(), fault.family().id(),
                mode.name(), id.seed(), outcome, expected, unexpected, x.trap == null ? null : x.trap.kind().name(),
                (x.faultSite.isEmpty() ? "" : "[" + x.faultSite + "] ") + x.detail(), x.violations(),
                outcome + "|" + mode.name() + "|" + entry.name() + "|" + x.site(), (System.nanoTime() - start) / 1000, x.phaseMicros());
    }

    /** One run of {@code entry} under {@code fault} in {@code mode}: the bytecode fault mutates the input, an environment fault is armed on the loaded domain. */
    private Execution execute(CorpusEntry entry, Fault fault, Protection mode, long seed) {
        Hook hook = entry.hook();
        byte[] bytes = entry.classBytes();
        return engine.run(mode, entry.name(), x -> {
            if (fault instanceof BytecodeFault bytecode) {
                Mutant mutant = bytecode.mutate(bytes, seed);
                x.faulted(mutant.mutated(), mutant.site().map(Mutant.Site::toString).orElse("no site"));
                return mutant.classBytes();
            }
            return bytes;
        }, hook, new Environment(bytes, fault, seed, hook));
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
            known = x.outcome(true) == Outcome.OK ? Optional.of(x.digest) : Optional.empty();
            references.put(key, known);
        }
        return known;
    }

    /**
     * The trial's environment as environment faults see it (the real kernel and domain), and the
     * drive of the entry's hook: the workload, with what an armed fault changed in it.
     */
    private final class Environment implements TrialEnvironment, TrialEngine.Drive {
        private final byte[] bytes;
        private final Fault fault;
        private final long seed;
        private final Hook hook;
        private FaultDomain domain;
        private Workload workload = TrialRunner.this.workload;
        private int revokeAt = -1;
        private int revokeFrames;

        /** @param bytes the class loaded: an environment fault leaves the entry's bytes as they are */
        Environment(byte[] bytes, Fault fault, long seed, Hook hook) {
            this.bytes = bytes;
            this.fault = fault;
            this.seed = seed;
            this.hook = hook;
        }

        @Override
        public void arm(FaultDomain loaded, Execution x) {
            if (fault instanceof EnvironmentFault environmental) {
                domain = loaded;
                Arming arming = environmental.arm(this, seed);
                x.faulted(arming.armed(), arming.description());
            }
        }

        @Override
        public long drive(Domain d) {
            return workload.drive(engine.kernel(), d, hook, revokeAt, revokeFrames);
        }

        @Override
        public byte[] extensionClass() {
            return bytes.clone();
        }

        @Override
        public void failHelper(String helper, int nthCall, int status) {
            engine.kernel().failHelper(helper, nthCall, status);
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
        engine.abandoned();
    }

    @Override
    public void close() {
        engine.close();
    }
}
