package testbed.faults;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import testbed.kernel.Abort;
import testbed.kernel.Crossing;
import testbed.kernel.Domain;
import testbed.kernel.DomainSpec;
import testbed.kernel.api.Hook;
import testbed.kernel.Kernel;
import testbed.kernel.KernelConfig;
import testbed.kernel.Snapshot;
import testbed.kernel.Trap;
import testbed.kernel.oracle.Oracle;
import testbed.kernel.oracle.Verdict;
import testbed.kernel.oracle.Violation;
import testbed.sandbox.Budget;
import testbed.sandbox.ContentHash;
import testbed.sandbox.FaultDomain;
import testbed.sandbox.Protection;
import testbed.sandbox.Sandbox;
import testbed.sandbox.verify.Rejection;

/**
 * The one trial loop that campaigns ({@link TrialRunner}), the fuzzer
 * ({@code testbed.faults.fuzz.ProgramTrials}) and the classic BPF trials
 * ({@code testbed.bpf.trial.BpfTrials}) drive: a kernel of its own, restored before each run, its
 * oracle, a sandbox per technique, and the steps of a run (restore, fault, load, run, judge,
 * unload), each timed as {@link TrialRecord#PHASES} names it. What happened is an
 * {@link Execution}, classified into an outcome in one place ({@link Execution#outcome}).
 * Not thread-safe: one per thread.
 *
 * <p>The restore before a run copies back the pages the write monitor saw touched, or all of
 * memory when the last run may have written past the monitor: an unprotected class with a route
 * around it ({@link MonitorBypass}), a page changed that the monitor did not see, an oracle that
 * could not read the kernel, a domain the kernel refused to unload, or a run abandoned midway.
 *
 * <pre>{@code
 * try (TrialEngine engine = new TrialEngine(protections.all(), TrialEngine.MACHINE_LIMITS)) {
 *     Execution x = engine.run(mode, "Echo", e -> bytes, Hook.PACKET_FILTER, domain -> kernel.receive(packet));
 *     Outcome o = x.outcome(true);
 * }
 * }</pre>
 */
public final class TrialEngine implements AutoCloseable {
    /** What every run's domain gets: a 64 KiB segment and every helper, so attacks are not stopped by a missing capability. */
    public static final DomainSpec DOMAIN = DomainSpec.segment(64 << 10).allowAll();

    /**
     * Campaign sandboxes: unprotected, the standard budget is the simulated machine's (what would
     * stop a protected extension hangs or crashes the unprotected kernel, judged from the same
     * counts); every other technique through {@link Sandbox#on(Kernel, Protection, Budget)}.
     */
    public static final Sandboxes MACHINE_LIMITS = (kernel, technique, budget) -> technique.unprotected()
            ? Sandbox.unprotected(kernel, budget)
            : Sandbox.on(kernel, technique, budget);

    /**
     * Every technique through {@link Sandbox#on(Kernel, Protection, Budget)}, unprotected
     * included: its work is not counted. For extensions known to finish within their budget (the
     * fuzzer runs a program unprotected only when the reference interpreter saw it do so).
     */
    public static final Sandboxes UNCOUNTED = Sandbox::on;

    private final Kernel kernel = Kernel.boot(KernelConfig.defaults());
    private final Snapshot clean = kernel.snapshot();
    private final Oracle oracle = Oracle.watching(kernel);
    private final Map<String, Sandbox> sandboxes = new LinkedHashMap<>();
    /** Answers of {@link #bypassesMonitor}, least recently used dropped past a bound. */
    private final Map<ClassBytes, Boolean> bypasses = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ClassBytes, Boolean> eldest) {
            return size() > 4096;
        }
    };
    private boolean restoreFully;

    /**
     * An engine for {@code techniques}, with a sandbox for each made by {@code sandboxes} at once,
     * so that a thread appearing during a run (every sandbox has a watchdog thread) can only be
     * the extension's.
     */
    public TrialEngine(List<Protection> techniques, Sandboxes sandboxes) {
        for (Protection p : techniques) {
            this.sandboxes.computeIfAbsent(p.name(), name -> sandboxes.on(kernel, p, Budget.standard()));
        }
    }

    /** Makes the sandbox of one technique on the engine's kernel. */
    @FunctionalInterface
    public interface Sandboxes {
        Sandbox on(Kernel kernel, Protection technique, Budget budget);
    }

    /** The class bytes a run loads, made once the kernel is restored (a bytecode fault mutates here). */
    @FunctionalInterface
    public interface Input {
        /** The bytes to load; a fault records what it did in {@code x} ({@link Execution#faulted}). */
        byte[] classBytes(Execution x);
    }

    /** What a run does with its loaded, attached domain. */
    @FunctionalInterface
    public interface Drive {
        /** Before the work, charged to the fault phase: where an environment fault is armed. */
        default void arm(FaultDomain domain, Execution x) {
        }

        /**
         * The kernel work that drives the extension; exceptions an unprotected extension throws
         * propagate out of it, as they would out of a real kernel.
         *
         * @return the digest of what the kernel produced
         */
        long drive(Domain domain);

        /** After the oracle's judgement, before the domain is unloaded: a look at the kernel as the run left it. */
        default void inspect(Domain domain, Execution x) {
        }
    }

    /** The kernel the runs happen on. */
    public Kernel kernel() {
        return kernel;
    }

    /** The snapshot every run starts from. */
    public Snapshot clean() {
        return clean;
    }

    /**
     * One run: restore, make the input, load it through {@code technique}'s sandbox into a
     * {@link #DOMAIN} and attach it to {@code hook}, arm and drive it, judge the kernel, unload.
     *
     * @throws IllegalArgumentException for a technique the engine was not made with
     */
    public Execution run(Protection technique, String name, Input input, Hook hook, Drive drive) {
        return run(technique, name, input, DOMAIN, hook, drive);
    }

    /**
     * One run as {@link #run(Protection, String, Input, Hook, Drive)}, its domain made to
     * {@code spec}: for extensions whose expectations assume a narrower grant than {@link #DOMAIN}'s
     * (a packet filter that may call no helper).
     *
     * @throws IllegalArgumentException for a technique the engine was not made with
     */
    public Execution run(Protection technique, String name, Input input, DomainSpec spec, Hook hook, Drive drive) {
        Sandbox sandbox = sandboxes.get(technique.name());
        if (sandbox == null) {
            throw new IllegalArgumentException("no sandbox for technique " + technique.name() + " (have " + sandboxes.keySet() + ")");
        }
        Execution x = new Execution();
        restore();
        x.lap(Execution.RESTORE);
        byte[] bytes = input.classBytes(x);
        x.lap(Execution.FAULT);
        oracle.baseline();
        x.lap(Execution.RESTORE);
        long badAnswersBefore = kernel.view().badAnswers(hook);
        FaultDomain domain = null;
        try {
            domain = sandbox.load(name, bytes, spec);
            domain.attach();
            x.lap(Execution.LOAD);
            drive.arm(domain, x);
            x.lap(Execution.FAULT);
            x.digest = drive.drive(domain.domain());
        } catch (Rejection r) {
            x.rejection = r;
        } catch (Throwable t) {
            caught(x, t);
        }
        x.lap(domain == null ? Execution.LOAD : Execution.RUN);
        if (x.rejection == null) {
            judge(x, hook, badAnswersBefore, domain == null ? null : domain.domain());
            if (domain != null) {
                drive.inspect(domain.domain(), x);
            }
        }
        x.lap(Execution.JUDGE);
        if (domain != null) {
            try {
                domain.unload();
            } catch (RuntimeException wrecked) {
                restoreFully = true; // a kernel the extension wrecked may refuse to destroy the domain
            }
        }
        if (technique.unprotected() && bypassesMonitor(bytes)) {
            // Damage the write monitor may not have seen (an unprotected extension that reached
            // the array behind physical memory writes without being recorded): the restore of
            // touched pages would leave it for the next run, so copy all of memory back.
            restoreFully = true;
        }
        x.lap(Execution.UNLOAD);
        return x;
    }

    /**
     * One run of a trusted host object attached to {@code hook} directly, without a load
     * pipeline: a reference implementation whose run the others are compared with.
     */
    public Execution runTrusted(String name, Object extension, Hook hook, Drive drive) {
        Execution x = new Execution();
        restore();
        oracle.baseline();
        long badAnswersBefore = kernel.view().badAnswers(hook);
        Domain domain = kernel.createDomain(name, DOMAIN);
        try {
            kernel.attach(domain, extension, Crossing.DIRECT);
            x.digest = drive.drive(domain);
        } catch (Throwable t) {
            caught(x, t);
        }
        judge(x, hook, badAnswersBefore, domain);
        drive.inspect(domain, x);
        try {
            kernel.destroyDomain(domain);
        } catch (RuntimeException wrecked) {
            restoreFully = true;
        }
        x.lap(Execution.RUN);
        return x;
    }

    private void restore() {
        if (restoreFully) {
            kernel.restoreFully(clean);
            restoreFully = false;
        } else {
            kernel.restore(clean);
        }
    }

    private static void caught(Execution x, Throwable t) {
        if (t instanceof Trap trap) {
            x.trap = trap;
            return;
        }
        if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError || t instanceof OutOfMemoryError)) {
            throw (VirtualMachineError) t;
        }
        x.hostFailure = t;
    }

    private void judge(Execution x, Hook hook, long badAnswersBefore, Domain domain) {
        x.verdict = judge();
        if (x.verdict.has(Violation.Kind.CORRUPTED_PAGE)) {
            restoreFully = true; // a page changed that the monitor did not see: the touched-page restore would miss it
        }
        x.badAnswer = kernel.view().badAnswers(hook) != badAnswersBefore;
        if (x.trap == null && domain != null) {
            x.trap = trapOf(domain);
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

    private Trap trapOf(Domain domain) {
        for (Abort a : kernel.aborts()) {
            if (a.domain() == domain.id()) {
                return a.trap();
            }
        }
        return null;
    }

    /** {@link MonitorBypass#possible}, asked once per distinct class bytes. */
    private boolean bypassesMonitor(byte[] bytes) {
        return bypasses.computeIfAbsent(new ClassBytes(bytes), b -> MonitorBypass.possible(bytes));
    }

    /** Class bytes compared by content. */
    private record ClassBytes(byte[] bytes, int hash) {
        ClassBytes(byte[] bytes) {
            this(bytes, ContentHash.of(bytes));
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

    /**
     * Tells the engine that a run was stopped midway (its thread killed while it hung): the next
     * run starts from a full restore, since the kernel may have been stopped mid-update.
     */
    public void abandoned() {
        restoreFully = true;
    }

    @Override
    public void close() {
        sandboxes.values().forEach(Sandbox::close);
        sandboxes.clear();
    }
}
