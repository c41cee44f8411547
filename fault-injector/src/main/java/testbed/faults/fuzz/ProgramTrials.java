package testbed.faults.fuzz;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import testbed.corpus.Outcome;
import testbed.program.Program;
import testbed.program.ProgramCompiler;
import testbed.program.ProgramInterpreter;
import testbed.faults.Execution;
import testbed.faults.TrialEngine;
import testbed.kernel.Domain;
import testbed.kernel.api.Hook;
import testbed.kernel.Kernel;
import testbed.kernel.KernelView;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.Region;
import testbed.kernel.Snapshot;
import testbed.sandbox.Budget;
import testbed.sandbox.FaultDomain;
import testbed.sandbox.Protection;
import testbed.sfi.ProtectionMode;

/**
 * Runs generated programs on a {@link TrialEngine} of its own, in every technique, and checks
 * each {@link Property} on each program ({@link PropertyChecks}). Not thread-safe: one per thread.
 *
 * <p>Per program: the trusted {@link ProgramInterpreter} runs it unprotected and records its
 * trace of addresses; if that run stayed within its limits (so the compiled program cannot
 * hang), the compiled program runs unprotected too; then it runs under each protected technique,
 * and once more under one of them stopped at a fuel point the seed picks. Every run starts from
 * the same restored kernel, so the runs differ only in the technique. Each run is classified as
 * a campaign trial is ({@link Execution#outcome}), a protected run compared with the unprotected
 * one when that finished with the kernel intact: a different answer or segment image, the kernel
 * intact, is {@code WRONG_RESULT}.
 */
public final class ProgramTrials implements AutoCloseable {
    /** The reference run's limits, well inside {@link Budget#standard()} so a program within them is within budget in every mode. */
    static final ProgramInterpreter.Limits LIMITS = new ProgramInterpreter.Limits(10_000, 64, 1 << 20);
    private static final Protection UNPROTECTED = new Protection.BuiltIn(ProtectionMode.NONE);
    private static final byte[] PACKET = packet();
    private static final Region[] STATE_REGIONS = {Region.FRAME_TABLE, Region.BUDDY_MAP, Region.LOCK_TABLE, Region.HEAP_TABLE};

    private final List<Protection> modes;
    private final TrialEngine engine;
    private final Kernel kernel;

    /** Checks programs in the given protected modes and techniques (and always unprotected) with the standard pipeline. */
    public ProgramTrials(List<Protection> modes) {
        this(modes, TrialEngine.UNCOUNTED);
    }

    /**
     * Checks programs with sandboxes made by {@code sandboxes}: how an alternative (or
     * deliberately broken) isolation pipeline is put under the same fuzzer. The unprotected
     * run's sandbox comes from it too; {@link TrialEngine#UNCOUNTED} is the standard pipeline.
     */
    public ProgramTrials(List<Protection> modes, TrialEngine.Sandboxes sandboxes) {
        this.modes = List.copyOf(modes);
        if (this.modes.stream().anyMatch(Protection::unprotected)) {
            throw new IllegalArgumentException("NONE is always run; list only protected modes");
        }
        List<Protection> all = new ArrayList<>(List.of(UNPROTECTED));
        all.addAll(this.modes);
        this.engine = new TrialEngine(all, sandboxes);
        this.kernel = engine.kernel();
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
        Map<RunKey, ModeRun> runs = new LinkedHashMap<>();
        ProgramVerdict.Reference reference = reference(program);
        runs.put(RunKey.REFERENCE, reference.run());
        List<PropertyFailure> failures = new ArrayList<>();
        ModeRun none = null;
        if (reference.withinLimits()) {
            none = run(program.name(), classBytes, RunKey.of(UNPROTECTED), new Probe(0, null));
            runs.put(RunKey.of(UNPROTECTED), none);
            PropertyChecks.sensitivity(reference, none, failures);
            PropertyChecks.compiler(reference, none, failures);
        }
        for (Protection mode : modes) {
            ModeRun r = run(program.name(), classBytes, RunKey.of(mode), new Probe(0, none));
            runs.put(RunKey.of(mode), r);
            PropertyChecks.containment(r, failures);
            if (none != null) {
                PropertyChecks.transparency(reference, none, r, failures);
            }
            PropertyChecks.addressTraps(reference, mode, r, failures);
        }
        PropertyChecks.modesAgree(runs, failures);
        if (!modes.isEmpty()) {
            checkAbortRestores(program, classBytes, seed, none, runs, failures);
        }
        return new ProgramVerdict(program, seed, reference, runs, failures);
    }

    private void checkAbortRestores(Program program, byte[] classBytes, long seed, ModeRun none, Map<RunKey, ModeRun> runs,
            List<PropertyFailure> failures) {
        Protection mode = modes.get((int) Math.floorMod(seed, (long) modes.size()));
        RunKey key = RunKey.preempted(mode, 1 + Math.floorMod(seed >>> 8, 200L));
        Probe probe = new Probe(key.fuel(), none);
        ModeRun r = run(program.name(), classBytes, key, probe);
        runs.put(key, r);
        if (r.trapKind() != null && (!r.violations().isEmpty() || probe.changed != null)) {
            String what = probe.changed == null ? r.violations().get(0) : probe.changed;
            failures.add(new PropertyFailure(Property.ABORT_RESTORES, mode.name(),
                    "stopped at fuel " + key.fuel() + " (" + r.trapKind() + "), the kernel was left changed: " + what,
                    "abort@" + (probe.changed == null ? PropertyChecks.site(r) : "structures")));
        }
    }

    // ------------------------------------------------------------------ runs

    private ProgramVerdict.Reference reference(Program program) {
        ProgramInterpreter.Filter filter = ProgramInterpreter.asFilter(program, LIMITS);
        Probe probe = new Probe(0, null);
        Execution x = engine.runTrusted(program.name(), filter, Hook.PACKET_FILTER, probe);
        ProgramInterpreter.Run run = filter.lastRun();
        boolean left = false;
        boolean tried = false;
        boolean straddles = false;
        List<ProgramInterpreter.Access> trace = run == null ? List.of() : run.trace();
        for (ProgramInterpreter.Access a : trace) {
            if (a.length() == 0) {
                continue; // a zero-length copy names no byte
            }
            boolean outside = a.length() < 0 || a.address() < probe.base || a.address() + a.length() > probe.end
                    || a.address() + a.length() < a.address();
            if (outside && !tried) {
                // Up to here a masked run computed what the interpreter did; a load or store whose
                // offset, masked, leaves no room for its width runs into the guard zone.
                long size = probe.end - probe.base;
                straddles = !a.copy() && (a.address() & (size - 1)) > size - a.length();
            }
            tried |= outside;
            left |= outside && a.performed();
        }
        boolean within = run != null && run.withinLimits();
        Throwable thrown = run == null ? x.failure() : run.thrown();
        return new ProgramVerdict.Reference(within, left, tried, straddles, trace.size(),
                thrown == null ? null : thrown.getClass().getSimpleName(), modeRun(RunKey.REFERENCE, x, probe));
    }

    /** One run of the compiled program, driven by {@code probe}. */
    private ModeRun run(String name, byte[] classBytes, RunKey key, Probe probe) {
        Execution x = engine.run(key.technique(), name, e -> classBytes, Hook.PACKET_FILTER, probe);
        return modeRun(key, x, probe);
    }

    private static ModeRun modeRun(RunKey key, Execution x, Probe probe) {
        // As in a campaign, the unprotected run is the reference only when it finished with the kernel intact.
        ModeRun none = probe.none;
        boolean reference = none != null && (none.outcome() == Outcome.OK || none.outcome() == Outcome.WRONG_RESULT);
        boolean asReference = !reference || (probe.answer == none.answer() && probe.segmentDigest == none.segmentDigest());
        Outcome outcome = x.outcome(asReference);
        return new ModeRun(key.name(), outcome, x.trap() == null ? null : x.trap().kind().name(),
                x.trap() == null ? "" : x.trap().location(), x.detail(), probe.answer, x.answerRefused(), probe.segmentDigest, x.violations(),
                x.wildAccess(), x.micros());
    }

    /**
     * The drive of one run: the packet, a preemption at a fuel point, and what the run left
     * behind (the kernel's answer, the segment's image, the kernel's structures after an abort).
     */
    private final class Probe implements TrialEngine.Drive {
        final long fuel;
        /** The unprotected run a protected one is compared with, or null. */
        final ModeRun none;
        List<Long> before;
        int answer;
        long segmentDigest;
        long base;
        long end;
        /** Why a preempted run did not restore the kernel, or null when it did. */
        String changed;

        Probe(long fuel, ModeRun none) {
            this.fuel = fuel;
            this.none = none;
        }

        @Override
        public void arm(FaultDomain domain, Execution x) {
            if (fuel > 0) {
                domain.preemptAfter(fuel);
                before = kernelState();
            }
        }

        @Override
        public long drive(Domain domain) {
            answer = kernel.receive(PACKET);
            return answer;
        }

        @Override
        public void inspect(Domain domain, Execution x) {
            base = domain.segment().base();
            end = domain.segment().end();
            segmentDigest = segmentDigest(domain);
            if (before != null && x.trap() != null && !kernelState().equals(before)) {
                changed = "the kernel's structures differ from before the call: " + describe(before, kernelState());
            }
        }
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
        KernelView.Ring tx = kernel.view().transmitRing();
        state.addAll(List.of(tx.head(), tx.tail(), tx.accepted(), tx.dropped(), kernel.view().messagesLogged()));
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

    /**
     * A digest of the segment's image that costs O(pages touched): every run starts from the same
     * restored memory, so only pages that now differ from the clean snapshot can tell two images
     * apart, and a page can only differ if the write monitor saw it touched.
     */
    private long segmentDigest(Domain domain) {
        int first = (int) (domain.segment().base() >>> PhysicalMemory.PAGE_SHIFT);
        int last = (int) (domain.segment().end() >>> PhysicalMemory.PAGE_SHIFT);
        PhysicalMemory memory = kernel.memory();
        Snapshot clean = engine.clean();
        long digest = 0;
        for (int k = 0; k < memory.touchedCount(); k++) {
            int page = memory.touchedPage(k);
            if (page >= first && page < last) {
                long sum = memory.pageChecksum(page);
                if (sum != clean.pageChecksum(page)) {
                    digest += (sum ^ page) * 0x9E3779B97F4A7C15L; // order-free: the touched list is in first-touch order
                }
            }
        }
        return digest;
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
        engine.close();
    }
}
