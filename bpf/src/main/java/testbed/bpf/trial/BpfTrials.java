package testbed.bpf.trial;

import java.util.Arrays;
import java.util.List;
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
import testbed.faults.Execution;
import testbed.faults.TrialEngine;
import testbed.kernel.Domain;
import testbed.kernel.Kernel;
import testbed.kernel.api.Hook;
import testbed.sandbox.Protection;
import testbed.sfi.ProtectionMode;

/**
 * Trials of classic BPF programs: load (loader, checker, JIT, sandbox), attach to the packet hook,
 * drive the {@link Frames} through the NIC, and judge with the kernel's oracle, which trusts
 * neither the checker nor the JIT nor the protection mode. The right answers are the
 * {@link Interpreter}'s.
 *
 * <p>The run and its classification are the fault injector's {@link TrialEngine} and
 * {@link Execution#outcome}, as for campaign and fuzzer trials: {@code REJECTED} (the loader or
 * checker, or the sandbox's verifier, refused the program), {@code CRASHED} (an exception reached
 * the host), {@code ESCAPED} (the oracle found damage), {@code HUNG} (the watchdog stopped it),
 * {@code CONTAINED} (the domain trapped and was aborted), {@code WRONG_RESULT} (a delivery differed
 * from the interpreter's answer, or the kernel refused the filter's answer), else {@code OK}.
 * One instance boots one kernel and keeps one sandbox per mode; not thread-safe.
 */
public final class BpfTrials implements AutoCloseable {
    private static final List<Protection> MODES = Arrays.stream(ProtectionMode.values())
            .<Protection>map(Protection.BuiltIn::new).toList();

    private final TrialEngine engine = new TrialEngine(MODES, TrialEngine.UNCOUNTED);
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
        Deliveries deliveries = new Deliveries(program);
        Execution x = engine.run(new Protection.BuiltIn(mode), "bpf/" + program.name(), e -> classBytes, FilterLoader.SPEC,
                Hook.PACKET_FILTER, deliveries);
        Outcome outcome = x.outcome(deliveries.wrong == null);
        return new Result(outcome, outcome == Outcome.WRONG_RESULT && deliveries.wrong != null ? deliveries.wrong : x.detail(), null);
    }

    /** The frames received one by one, each delivery compared with the interpreter's answer until one differs. */
    private final class Deliveries implements TrialEngine.Drive {
        private final FilterProgram program;
        /** The first wrong delivery, or null. */
        private String wrong;

        Deliveries(FilterProgram program) {
            this.program = program;
        }

        @Override
        public long drive(Domain domain) {
            Kernel kernel = engine.kernel();
            int aborts = kernel.aborts().size();
            Nic nic = new Nic(kernel);
            long digest = 0;
            for (int i = 0; i < frames.size() && wrong == null; i++) {
                byte[] frame = frames.get(i);
                int delivered = nic.receive(frame);
                digest = digest * 31 + delivered;
                int answer = Interpreter.run(program, frame, frame.length);
                int expected = Integer.compareUnsigned(answer, frame.length) > 0 ? frame.length : answer;
                // A delivery after an abort is the kernel's default, not the filter's answer.
                if (delivered != expected && kernel.aborts().size() == aborts) {
                    wrong = "frame " + (i + 1) + ": delivered " + delivered + " bytes, the interpreter says " + expected;
                }
            }
            return digest;
        }
    }

    @Override
    public void close() {
        engine.close();
    }
}
