package testbed.faults.fuzz;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import testbed.corpus.Outcome;
import testbed.program.Program;
import testbed.program.ProgramCompiler;
import testbed.program.ProgramInterpreter;
import testbed.kernel.Abort;
import testbed.kernel.Crossing;
import testbed.kernel.Domain;
import testbed.kernel.DomainSpec;
import testbed.kernel.Kernel;
import testbed.kernel.KernelConfig;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.Region;
import testbed.kernel.Trap;
import testbed.kernel.oracle.Oracle;
import testbed.kernel.oracle.Verdict;
import testbed.kernel.oracle.Violation;
import testbed.sandbox.Budget;
import testbed.sandbox.FaultDomain;
import testbed.sandbox.Sandbox;
import testbed.sandbox.verify.Rejection;
import testbed.sandbox.Protection;
import testbed.sfi.ProtectionMode;

/**
 * Runs generated programs on a kernel of its own, in every mode, and checks each
 * {@link Property} on each program. Not thread-safe: one per thread.
 *
 * <p>Per program: the trusted {@link ProgramInterpreter} runs it unprotected and records its
 * trace of addresses; if that run stayed within its limits (so the compiled program cannot
 * hang), the compiled program runs unprotected too; then it runs in each protected mode, and
 * once more in one protected mode stopped at a fuel point the seed picks. Every run starts from
 * the same restored kernel, so the runs differ only in the mode.
 */
public final class ProgramTrials implements AutoCloseable {
    /** The same domain shape campaign trials get: a 64 KiB segment and every helper. */
    static final DomainSpec SPEC = DomainSpec.segment(64 << 10).allowAll();
    /** The reference run's limits, well inside {@link Budget#standard()} so a program within them is within budget in every mode. */
    static final ProgramInterpreter.Limits LIMITS = new ProgramInterpreter.Limits(10_000, 64, 1 << 20);
    static final String REFERENCE = "REFERENCE";
    private static final Protection UNPROTECTED = new Protection.BuiltIn(ProtectionMode.NONE);
    private static final byte[] PACKET = packet();

    private final Kernel kernel = Kernel.boot(KernelConfig.defaults());
    private final Kernel.Snapshot clean = kernel.snapshot();
    private final Oracle oracle = Oracle.watching(kernel);
    private static final Region[] STATE_REGIONS = {Region.FRAME_TABLE, Region.BUDDY_MAP, Region.LOCK_TABLE, Region.HEAP_TABLE};

    private final List<Protection> modes;
    /** Why the last preempted run did not restore the kernel; empty when it did. */
    private final List<String> aborted = new ArrayList<>();
    private final Map<String, Sandbox> sandboxes = new HashMap<>();
    private final Function<Protection, Sandbox> sandboxFactory;
    private boolean restoreFully;

    /** Checks programs in the given protected modes (and always unprotected) with the standard pipeline. */
    public ProgramTrials(List<Protection> modes) {
        this(modes, null);
    }

    /**
     * Checks programs with sandboxes made by {@code sandboxes} instead of {@link Sandbox#on}: how
     * an alternative (or deliberately broken) isolation pipeline is put under the same fuzzer.
     */
    public ProgramTrials(List<Protection> modes, SandboxFactory sandboxes) {
        this.modes = List.copyOf(modes);
        this.sandboxFactory = sandboxes == null
                ? m -> Sandbox.on(kernel, m, Budget.standard())
                : m -> sandboxes.on(kernel, m, Budget.standard());
        if (this.modes.stream().anyMatch(Protection::unprotected)) {
            throw new IllegalArgumentException("NONE is always run; list only protected modes");
        }
    }

    /** Makes the sandbox for one mode on the trials' kernel. */
    @FunctionalInterface
    public interface SandboxFactory {
        Sandbox on(Kernel kernel, Protection mode, Budget budget);
    }

    /** The protected modes checked. */
    public List<Protection> modes() {
        return modes;
    }

    /**
     * Runs {@code program} everywhere and checks every property.
     *
     * @param seed the program's seed, recorded in the verdict and used to pick the fuel point and
     *     mode of the abort check
     */
    public ProgramVerdict check(Program program, long seed) {
        byte[] classBytes = ProgramCompiler.compile(program);
        Map<String, ModeRun> runs = new LinkedHashMap<>();
        ProgramVerdict.Reference reference = reference(program);
        runs.put(REFERENCE, reference.run());
        List<PropertyFailure> failures = new ArrayList<>();
        ModeRun none = null;
        if (reference.withinLimits()) {
            none = run(program.name(), classBytes, UNPROTECTED, -1);
            runs.put(none.mode(), none);
            checkSensitivity(reference, none, failures);
            checkCompiler(reference, none, failures);
        }
        for (Protection mode : modes) {
            ModeRun r = run(program.name(), classBytes, mode, -1);
            runs.put(r.mode(), r);
            checkContainment(r, failures);
            if (none != null) {
                checkTransparency(reference, none, r, failures);
            }
            checkAddressTraps(reference, r, failures);
        }
        checkModesAgree(runs, failures);
        if (!modes.isEmpty()) {
            checkAbortRestores(program, classBytes, seed, runs, failures);
        }
        return new ProgramVerdict(program, seed, reference, runs, failures);
    }

    // ------------------------------------------------------------------ properties

    private static void checkContainment(ModeRun r, List<PropertyFailure> failures) {
        if (r.outcome() == Outcome.ESCAPED || r.outcome() == Outcome.HUNG || r.outcome() == Outcome.CRASHED) {
            failures.add(new PropertyFailure(Property.CONTAINMENT, r.mode(), r.outcome() + ": " + r.detail(),
                    r.outcome() + "@" + site(r)));
        }
    }

    private static void checkSensitivity(ProgramVerdict.Reference reference, ModeRun none, List<PropertyFailure> failures) {
        if (reference.leftSegment() != none.wildAccess()) {
            String detail = reference.leftSegment()
                    ? "the trace left the segment but the oracle saw no wild access"
                    : "the oracle reported a wild access but the trace stayed in the segment: " + none.detail();
            failures.add(new PropertyFailure(Property.ORACLE_SENSITIVITY, none.mode(), detail,
                    reference.leftSegment() ? "missed" : "false-alarm"));
        }
    }

    /** The compiled program must do what the interpreter did: the compiler is part of what is trusted here. */
    private static void checkCompiler(ProgramVerdict.Reference reference, ModeRun none, List<PropertyFailure> failures) {
        ModeRun ref = reference.run();
        boolean bothFinished = ref.outcome() != Outcome.CRASHED && none.outcome() != Outcome.CRASHED;
        if (bothFinished && (ref.answer() != none.answer() || ref.segmentDigest() != none.segmentDigest())) {
            failures.add(new PropertyFailure(Property.TRANSPARENCY, none.mode(),
                    "the compiled program answered " + none.answer() + " where the interpreter answered " + ref.answer()
                            + (ref.segmentDigest() != none.segmentDigest() ? ", and left a different segment image" : ""),
                    "compiler"));
        } else if (ref.outcome() != none.outcome()) {
            failures.add(new PropertyFailure(Property.TRANSPARENCY, none.mode(),
                    "the compiled program was " + none.outcome() + " where the interpreter was " + ref.outcome() + ": "
                            + (none.detail().isEmpty() ? ref.detail() : none.detail()),
                    "compiler-" + none.outcome()));
        }
    }

    private static void checkTransparency(ProgramVerdict.Reference reference, ModeRun none, ModeRun r,
            List<PropertyFailure> failures) {
        boolean benign = reference.withinLimits() && !reference.triedOutside() && reference.threw() == null
                && none.outcome() == Outcome.OK;
        if (!benign || r.outcome() == Outcome.REJECTED) {
            return; // refusing to load is not a different answer: the verifier's rules are stricter than the JVM's
        }
        if (r.outcome() != Outcome.OK) {
            failures.add(new PropertyFailure(Property.TRANSPARENCY, r.mode(),
                    "a benign program was " + r.outcome() + ": " + r.detail(), r.outcome() + "@" + site(r)));
        } else if (r.answer() != none.answer() || r.segmentDigest() != none.segmentDigest()) {
            failures.add(new PropertyFailure(Property.TRANSPARENCY, r.mode(),
                    "a benign program answered " + r.answer() + " (unprotected: " + none.answer() + ")"
                            + (r.segmentDigest() != none.segmentDigest() ? " and left a different segment image" : ""),
                    "result"));
        }
    }

    /**
     * {@code SFI_CHECK} and {@code BOUNDS} must trap on an address exactly when the trace names one
     * outside the segment: up to that access the protected run and the reference run are the same
     * computation on the same kernel, so the first out-of-segment access is where they must stop.
     */
    private static void checkAddressTraps(ProgramVerdict.Reference reference, ModeRun r, List<PropertyFailure> failures) {
        boolean checking = r.mode().equals(ProtectionMode.SFI_CHECK.name()) || r.mode().equals(ProtectionMode.BOUNDS.name())
                || r.mode().equals(ProtectionMode.VERIFIED.name());
        if (checking && reference.withinLimits() && r.outcome() != Outcome.REJECTED && reference.triedOutside() != r.addressTrap()) {
            failures.add(new PropertyFailure(Property.MODES_AGREE, r.mode(),
                    reference.triedOutside()
                            ? "the trace left the segment but " + r.mode() + " did not trap on an address (" + r.outcome() + ")"
                            : r.mode() + " trapped on an address the trace never named: " + r.detail(),
                    reference.triedOutside() ? "no-trap" : "false-trap"));
        }
        if (r.mode().equals(ProtectionMode.SFI_MASK.name()) && r.addressTrap()) {
            failures.add(new PropertyFailure(Property.MODES_AGREE, r.mode(), "address sandboxing trapped: " + r.detail(),
                    "mask-trapped@" + r.trapLocation()));
        }
    }

    private static void checkModesAgree(Map<String, ModeRun> runs, List<PropertyFailure> failures) {
        ModeRun check = runs.get(ProtectionMode.SFI_CHECK.name());
        ModeRun bounds = runs.get(ProtectionMode.BOUNDS.name());
        ModeRun verified = runs.get(ProtectionMode.VERIFIED.name());
        if (verified != null && bounds != null && bounds.outcome() != Outcome.REJECTED) {
            // A proof may remove checks, never add a refusal or a trap BOUNDS would not have.
            if (verified.outcome() == Outcome.REJECTED || verified.addressTrap() != bounds.addressTrap()) {
                failures.add(new PropertyFailure(Property.MODES_AGREE, ProtectionMode.VERIFIED.name(),
                        verified.outcome() == Outcome.REJECTED ? "VERIFIED refused a program BOUNDS loads: " + verified.detail()
                                : "VERIFIED " + (verified.addressTrap() ? "trapped" : "did not trap") + " on an address, BOUNDS "
                                        + (bounds.addressTrap() ? "did" : "did not"),
                        verified.outcome() == Outcome.REJECTED ? "verified-rejected" : verified.addressTrap() ? "verified-only" : "bounds-only"));
            }
        }
        if (check != null && bounds != null && check.outcome() != Outcome.REJECTED && check.addressTrap() != bounds.addressTrap()) {
            failures.add(new PropertyFailure(Property.MODES_AGREE, "SFI_CHECK+BOUNDS",
                    "SFI_CHECK " + (check.addressTrap() ? "trapped" : "did not trap") + " on an address, BOUNDS "
                            + (bounds.addressTrap() ? "did" : "did not"),
                    check.addressTrap() ? "check-only" : "bounds-only"));
        }
    }

    private void checkAbortRestores(Program program, byte[] classBytes, long seed, Map<String, ModeRun> runs,
            List<PropertyFailure> failures) {
        Protection mode = modes.get((int) Math.floorMod(seed, (long) modes.size()));
        long fuel = 1 + Math.floorMod(seed >>> 8, 200L);
        aborted.clear();
        ModeRun r = run(program.name(), classBytes, mode, fuel);
        runs.put(mode + "@fuel" + fuel, r);
        if (r.trapKind() != null && (!r.violations().isEmpty() || !aborted.isEmpty())) {
            String what = aborted.isEmpty() ? r.violations().get(0) : aborted.get(0);
            failures.add(new PropertyFailure(Property.ABORT_RESTORES, mode.name(),
                    "stopped at fuel " + fuel + " (" + r.trapKind() + "), the kernel was left changed: " + what,
                    "abort@" + (aborted.isEmpty() ? site(r) : "structures")));
        }
    }

    private static String site(ModeRun r) {
        if (!r.violations().isEmpty()) {
            String v = r.violations().get(0);
            int colon = v.indexOf(':');
            return colon > 0 ? v.substring(0, colon) : v;
        }
        return r.trapKind() == null ? "" : r.trapKind() + "@" + r.trapLocation();
    }

    // ------------------------------------------------------------------ runs

    private ProgramVerdict.Reference reference(Program program) {
        long start = System.nanoTime();
        prepare();
        Domain domain = kernel.createDomain(program.name(), SPEC);
        ProgramInterpreter.Filter filter = ProgramInterpreter.asFilter(program, LIMITS);
        Throwable failure = null;
        int answer = 0;
        try {
            kernel.attach(domain, filter, Crossing.DIRECT);
            answer = kernel.receive(PACKET);
        } catch (Throwable t) {
            rethrowFatal(t);
            failure = t;
        }
        ProgramInterpreter.Run run = filter.lastRun();
        long base = domain.segment().base();
        long end = domain.segment().end();
        boolean left = false;
        boolean tried = false;
        List<ProgramInterpreter.Access> trace = run == null ? List.of() : run.trace();
        for (ProgramInterpreter.Access a : trace) {
            if (a.length() == 0) {
                continue; // a zero-length copy names no byte
            }
            boolean outside = a.length() < 0 || a.address() < base || a.address() + a.length() > end
                    || a.address() + a.length() < a.address();
            tried |= outside;
            left |= outside && a.performed();
        }
        long digest = segmentDigest(domain);
        Verdict verdict = judge();
        kernel.destroyDomain(domain);
        boolean within = run != null && run.withinLimits();
        Throwable thrown = run == null ? failure : run.thrown();
        ModeRun r = modeRun(REFERENCE, failure, null, verdict, answer, digest, start);
        return new ProgramVerdict.Reference(within, left, tried, trace.size(),
                thrown == null ? null : thrown.getClass().getSimpleName(), r);
    }

    /** One run of the compiled program in {@code mode}; with {@code fuel > 0} the domain is preempted after that much fuel. */
    private ModeRun run(String name, byte[] classBytes, Protection mode, long fuel) {
        long start = System.nanoTime();
        prepare();
        FaultDomain domain = null;
        List<Long> before = null;
        Rejection rejection = null;
        Throwable failure = null;
        int answer = 0;
        try {
            domain = sandbox(mode).load(name, classBytes, SPEC);
            if (fuel > 0) {
                domain.preemptAfter(fuel);
            }
            domain.attach();
            before = fuel > 0 ? kernelState() : null;
            answer = kernel.receive(PACKET);
        } catch (Rejection r) {
            rejection = r;
        } catch (Throwable t) {
            rethrowFatal(t);
            failure = t;
        }
        long digest = domain == null ? 0 : segmentDigest(domain.domain());
        Verdict verdict = rejection == null ? judge() : null;
        Trap trap = failure instanceof Trap t ? t : domain == null ? null : trapOf(domain.domain());
        if (before != null && trap != null && !kernelState().equals(before)) {
            aborted.add("the kernel's structures differ from before the call: " + describe(before, kernelState()));
        }
        if (domain != null) {
            try {
                domain.unload();
            } catch (RuntimeException wrecked) {
                restoreFully = true; // a kernel the program wrecked may refuse; the next restore repairs it
            }
        }
        if (rejection != null) {
            return new ModeRun(mode.name(), Outcome.REJECTED, null, "", rejection.getMessage(), 0, 0, List.of(), false, micros(start));
        }
        return modeRun(mode.name(), failure instanceof Trap ? null : failure, trap, verdict, answer, digest, start);
    }

    /**
     * Kernel state outside any segment that a helper may change: the bookkeeping regions as
     * checksums, and the transmit ring and log by their indices (payload a rolled-back helper
     * copied into a free ring slot or log entry stays there as dead data, as in a real ring).
     */
    private List<Long> kernelState() {
        List<Long> state = new ArrayList<>();
        for (Region r : STATE_REGIONS) {
            state.add(kernel.memory().checksum(kernel.layout().base(r), (int) kernel.layout().size(r)));
        }
        state.add(kernel.txRing().head());
        state.add(kernel.txRing().tail());
        state.add(kernel.txRing().accepted());
        state.add(kernel.txRing().dropped());
        state.add(kernel.kernelLog().next());
        return state;
    }

    private static String describe(List<Long> before, List<Long> after) {
        String[] names = {"frame table", "buddy map", "lock table", "heap table", "tx head", "tx tail", "tx accepted",
                "tx dropped", "log next"};
        List<String> changed = new ArrayList<>();
        for (int i = 0; i < before.size(); i++) {
            if (!before.get(i).equals(after.get(i))) {
                changed.add(names[i]);
            }
        }
        return String.join(", ", changed);
    }

    private ModeRun modeRun(String mode, Throwable hostFailure, Trap trap, Verdict verdict, int answer,
            long digest, long start) {
        List<String> violations = new ArrayList<>();
        boolean wild = false;
        for (Violation v : verdict.violations()) {
            violations.add(v.toString());
            wild |= v.kind() == Violation.Kind.WILD_STORE || v.kind() == Violation.Kind.WILD_LOAD;
        }
        Outcome outcome;
        String detail;
        if (hostFailure != null) {
            outcome = Outcome.CRASHED;
            detail = "host failure: " + hostFailure;
        } else if (!violations.isEmpty()) {
            outcome = Outcome.ESCAPED;
            detail = violations.get(0);
        } else if (trap != null) {
            outcome = trap.kind() == Trap.Kind.WATCHDOG ? Outcome.HUNG : Outcome.CONTAINED;
            detail = trap.getMessage();
        } else {
            outcome = Outcome.OK;
            detail = "";
        }
        if (verdict.has(Violation.Kind.CORRUPTED_PAGE)) {
            restoreFully = true;
        }
        return new ModeRun(mode, outcome, trap == null ? null : trap.kind().name(), trap == null ? "" : trap.location(), detail,
                answer, digest, violations, wild, micros(start));
    }

    private void prepare() {
        if (restoreFully) {
            kernel.restoreFully(clean);
            restoreFully = false;
        } else {
            kernel.restore(clean);
        }
        oracle.baseline();
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

    /**
     * A digest of the segment's image that costs O(pages touched): every run starts from the same
     * restored memory, so only pages that now differ from the clean snapshot can tell two images
     * apart, and a page can only differ if the write monitor saw it touched.
     */
    private long segmentDigest(Domain domain) {
        int first = (int) (domain.segment().base() >>> PhysicalMemory.PAGE_SHIFT);
        int end = (int) (domain.segment().end() >>> PhysicalMemory.PAGE_SHIFT);
        PhysicalMemory memory = kernel.memory();
        long digest = 0;
        for (int k = 0; k < memory.touchedCount(); k++) {
            int page = memory.touchedPage(k);
            if (page >= first && page < end) {
                long sum = memory.pageChecksum(page);
                if (sum != clean.pageChecksum(page)) {
                    digest += (sum ^ page) * 0x9E3779B97F4A7C15L; // order-free: the touched list is in first-touch order
                }
            }
        }
        return digest;
    }

    private Sandbox sandbox(Protection mode) {
        return sandboxes.computeIfAbsent(mode.name(), name -> sandboxFactory.apply(mode));
    }

    private static void rethrowFatal(Throwable t) {
        if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError || t instanceof OutOfMemoryError)) {
            throw (VirtualMachineError) t;
        }
    }

    private static long micros(long start) {
        return (System.nanoTime() - start) / 1000;
    }

    /** A 64-byte UDP frame: what the kernel hands each program's filter. */
    private static byte[] packet() {
        byte[] p = new byte[64];
        p[12] = 0x08; // IPv4
        p[14] = 0x45;
        p[23] = 17; // UDP
        p[36] = 0;
        p[37] = 53;
        for (int i = 42; i < p.length; i++) {
            p[i] = (byte) (i * 7);
        }
        return p;
    }

    @Override
    public void close() {
        sandboxes.values().forEach(Sandbox::close);
        sandboxes.clear();
    }
}
