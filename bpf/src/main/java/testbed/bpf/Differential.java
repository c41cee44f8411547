package testbed.bpf;

import java.util.ArrayList;
import java.util.List;
import testbed.bpf.capture.Capture;
import testbed.bpf.capture.Frame;
import testbed.kernel.Kernel;
import testbed.sandbox.FaultDomain;
import testbed.sandbox.Sandbox;
import testbed.sandbox.verify.Rejection;
import testbed.sfi.ProtectionMode;

/**
 * The libpcap differential: every filter of a {@link ReferenceVerdicts} file, run by the
 * {@link Interpreter} over each frame of the capture, and JIT-compiled and attached to the packet
 * hook of a simulated kernel in each protection mode with the capture as the NIC's workload.
 * An engine agrees when it accepts exactly the packets libpcap accepted.
 *
 * <p>The interpreter sees every frame whole. The kernel's NIC cuts frames longer than its MTU
 * ({@link Nic}); for those the JIT is held to the interpreter's verdict on the same cut frame, and
 * the interpreter to libpcap's on the whole one.
 */
public final class Differential {
    /** The name of the interpreter's column. */
    public static final String INTERPRETER = "interpreter";

    private Differential() {
    }

    /**
     * How one engine did on one filter.
     *
     * @param engine {@value #INTERPRETER} or {@code jit/<MODE>}
     * @param mismatches packet numbers (1-based, capture order) where the engine's verdict differed
     * @param error why the engine could not run the filter (a rejection, a trap), or null
     */
    public record EngineResult(String engine, List<Integer> mismatches, String error) {
        public boolean agrees() {
            return error == null && mismatches.isEmpty();
        }
    }

    /** One filter's results, the interpreter first and then each mode. */
    public record FilterResult(ReferenceVerdicts.Filter filter, List<EngineResult> engines) {
        public boolean agrees() {
            return engines.stream().allMatch(EngineResult::agrees);
        }
    }

    /** Every filter's results, and how many frames the NIC had to cut. */
    public record Result(List<FilterResult> filters, int frames, int cutFrames) {
        public boolean agrees() {
            return filters.stream().allMatch(FilterResult::agrees);
        }
    }

    /**
     * Runs the differential.
     *
     * @throws IllegalArgumentException if the capture and the verdicts do not match in packet count or link type
     */
    public static Result run(ReferenceVerdicts verdicts, Capture capture, List<ProtectionMode> modes) {
        List<Frame> frames = capture.frames();
        if (verdicts.packets() >= 0 && verdicts.packets() != frames.size()) {
            throw new IllegalArgumentException("the verdicts are for " + verdicts.packets() + " packets, the capture has "
                    + frames.size());
        }
        if (capture.linkType() != verdicts.linkType()) {
            throw new IllegalArgumentException("the verdicts are for link type " + verdicts.linkType()
                    + ", the capture is of link type " + capture.linkType());
        }
        List<byte[]> nicBytes = frames.stream().map(Nic::bytesOf).toList();
        int cut = (int) frames.stream().filter(f -> !Nic.fits(f)).count();
        List<List<EngineResult>> perFilter = new ArrayList<>();
        for (ReferenceVerdicts.Filter filter : verdicts.filters()) {
            List<EngineResult> engines = new ArrayList<>();
            engines.add(interpreter(filter, frames));
            perFilter.add(engines);
        }
        Kernel kernel = Kernel.boot();
        for (ProtectionMode mode : modes) {
            try (Sandbox sandbox = Sandbox.on(kernel, mode)) {
                for (int f = 0; f < verdicts.filters().size(); f++) {
                    perFilter.get(f).add(jit(kernel, sandbox, verdicts.filters().get(f), frames, nicBytes));
                }
            }
        }
        List<FilterResult> results = new ArrayList<>();
        for (int f = 0; f < verdicts.filters().size(); f++) {
            results.add(new FilterResult(verdicts.filters().get(f), perFilter.get(f)));
        }
        return new Result(results, frames.size(), cut);
    }

    private static EngineResult interpreter(ReferenceVerdicts.Filter filter, List<Frame> frames) {
        try {
            Checker.check(filter.program());
        } catch (CheckException e) {
            return new EngineResult(INTERPRETER, List.of(), e.getMessage());
        }
        List<Integer> mismatches = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            byte[] data = frames.get(i).data();
            if ((Interpreter.run(filter.program(), data, data.length) != 0) != filter.matches()[i]) {
                mismatches.add(i + 1);
            }
        }
        return new EngineResult(INTERPRETER, mismatches, null);
    }

    private static EngineResult jit(Kernel kernel, Sandbox sandbox, ReferenceVerdicts.Filter filter, List<Frame> frames,
            List<byte[]> nicBytes) {
        String engine = "jit/" + sandbox.mode();
        int abortsBefore = kernel.aborts().size();
        FaultDomain domain;
        try {
            domain = FilterLoader.attach(sandbox, filter.program());
        } catch (CheckException | Rejection e) {
            return new EngineResult(engine, List.of(), e.getMessage());
        }
        try {
            int[] delivered = new Nic(kernel).receiveAll(nicBytes);
            if (kernel.aborts().size() > abortsBefore) {
                return new EngineResult(engine, List.of(), "aborted: " + kernel.aborts().get(abortsBefore));
            }
            List<Integer> mismatches = new ArrayList<>();
            for (int i = 0; i < frames.size(); i++) {
                byte[] bytes = nicBytes.get(i);
                boolean expected = Nic.fits(frames.get(i))
                        ? filter.matches()[i]
                        : Interpreter.run(filter.program(), bytes, bytes.length) != 0;
                if ((delivered[i] > 0) != expected) {
                    mismatches.add(i + 1);
                }
            }
            return new EngineResult(engine, mismatches, null);
        } finally {
            domain.unload();
        }
    }
}
