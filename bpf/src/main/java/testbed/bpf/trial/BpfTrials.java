package testbed.bpf.trial;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import testbed.bpf.CheckException;
import testbed.bpf.Checker;
import testbed.bpf.FilterLoader;
import testbed.bpf.FilterProgram;
import testbed.bpf.FormatException;
import testbed.bpf.Interpreter;
import testbed.bpf.Jit;
import testbed.bpf.Nic;
import testbed.bpf.ProgramFormat;
import testbed.corpus.Outcome;
import testbed.kernel.Abort;
import testbed.kernel.Kernel;
import testbed.kernel.Trap;
import testbed.kernel.oracle.Oracle;
import testbed.kernel.oracle.Verdict;
import testbed.sandbox.FaultDomain;
import testbed.sandbox.Sandbox;
import testbed.sandbox.verify.Rejection;
import testbed.sfi.ProtectionMode;

/**
 * Trials of classic BPF programs: load (loader, checker, JIT, sandbox), attach to the packet hook,
 * drive the {@link Frames} through the NIC, and judge with the kernel's oracle, which trusts
 * neither the checker nor the JIT nor the protection mode. The right answers are the
 * {@link Interpreter}'s.
 *
 * <p>{@code REJECTED}: the loader or checker (or the sandbox's verifier) refused the program.
 * {@code ESCAPED}: the oracle found damage. {@code HUNG}: the watchdog stopped it.
 * {@code CONTAINED}: the domain trapped and was aborted. {@code CRASHED}: an exception reached the
 * host. {@code WRONG_RESULT}: a delivery differed from the interpreter's answer. Otherwise {@code OK}.
 * One instance boots one kernel and keeps one sandbox per mode; not thread-safe.
 */
public final class BpfTrials implements AutoCloseable {
    private final Kernel kernel = Kernel.boot();
    private final Kernel.Snapshot clean = kernel.snapshot();
    private final Oracle oracle = Oracle.watching(kernel);
    private final Map<ProtectionMode, Sandbox> sandboxes = new EnumMap<>(ProtectionMode.class);
    private final List<byte[]> frames;

    /** Trials over {@link Frames#standard()}. */
    public BpfTrials() {
        this(Frames.standard());
    }

    /** Trials over {@code frames}, each at most the NIC's MTU. */
    public BpfTrials(List<byte[]> frames) {
        this.frames = List.copyOf(frames);
    }

    /**
     * The outcome of one trial and what explains it.
     *
     * @param detail the rejection, trap, violation or wrong delivery; empty for {@code OK}
     * @param rule the checker's rule for a checker rejection, else null
     */
    public record Result(Outcome outcome, String detail, testbed.bpf.CheckRule rule) {
    }

    /** Runs the program in {@code bytes} (any {@link ProgramFormat}) in {@code mode}. */
    public Result run(String name, byte[] bytes, ProtectionMode mode) {
        FilterProgram program;
        try {
            program = Checker.check(ProgramFormat.load(name, bytes));
        } catch (FormatException e) {
            return new Result(Outcome.REJECTED, e.getMessage(), null);
        } catch (CheckException e) {
            return new Result(Outcome.REJECTED, e.getMessage(), e.rule());
        }
        return run(program, Jit.compile(program), mode);
    }

    /**
     * Runs {@code classBytes}, the compiled form of the checked {@code program} (the JIT's output,
     * or a deliberately broken copy of it), in {@code mode}.
     */
    public Result run(FilterProgram program, byte[] classBytes, ProtectionMode mode) {
        kernel.restore(clean);
        oracle.baseline();
        int aborts = kernel.aborts().size();
        FaultDomain domain = null;
        String wrong = null;
        Throwable hostFailure = null;
        try {
            domain = sandbox(mode).load("bpf/" + program.name(), classBytes, FilterLoader.SPEC).attach();
            Nic nic = new Nic(kernel);
            for (int i = 0; i < frames.size() && wrong == null; i++) {
                byte[] frame = frames.get(i);
                int delivered = nic.receive(frame);
                int answer = Interpreter.run(program, frame, frame.length);
                int expected = Integer.compareUnsigned(answer, frame.length) > 0 ? frame.length : answer;
                if (delivered != expected && kernel.aborts().size() == aborts) {
                    wrong = "frame " + (i + 1) + ": delivered " + delivered + " bytes, the interpreter says " + expected;
                }
            }
        } catch (Rejection r) {
            return new Result(Outcome.REJECTED, r.getMessage(), null);
        } catch (Trap t) {
            // only the constructor's first crossing throws out of load
            return new Result(Outcome.CONTAINED, t.getMessage(), null);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            hostFailure = e;
        }
        Verdict verdict = oracle.judge();
        Trap trap = kernel.aborts().size() > aborts ? kernel.aborts().get(aborts).trap() : null;
        if (domain != null) {
            try {
                domain.unload();
            } catch (RuntimeException corrupted) {
                // a wrecked kernel may refuse; the next restore repairs it
            }
        }
        if (verdict.has(testbed.kernel.oracle.Violation.Kind.CORRUPTED_PAGE) || hostFailure != null) {
            kernel.restoreFully(clean);
        }
        if (hostFailure != null) {
            return new Result(Outcome.CRASHED, String.valueOf(hostFailure), null);
        }
        if (!verdict.violations().isEmpty()) {
            return new Result(Outcome.ESCAPED, verdict.violations().get(0).toString(), null);
        }
        if (trap != null) {
            return new Result(trap.kind() == Trap.Kind.WATCHDOG ? Outcome.HUNG : Outcome.CONTAINED, trap.getMessage(), null);
        }
        return wrong != null ? new Result(Outcome.WRONG_RESULT, wrong, null) : new Result(Outcome.OK, "", null);
    }

    private Sandbox sandbox(ProtectionMode mode) {
        return sandboxes.computeIfAbsent(mode, m -> Sandbox.on(kernel, m));
    }

    @Override
    public void close() {
        sandboxes.values().forEach(Sandbox::close);
        sandboxes.clear();
    }
}
