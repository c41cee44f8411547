package testbed.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import testbed.bpf.CheckException;
import testbed.bpf.Checker;
import testbed.bpf.FilterLoader;
import testbed.bpf.FilterProgram;
import testbed.bpf.FormatException;
import testbed.bpf.Interpreter;
import testbed.bpf.Jit;
import testbed.bpf.ReferenceVerdicts;
import testbed.bpf.capture.Capture;
import testbed.bpf.capture.CaptureException;
import testbed.kernel.Kernel;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;
import testbed.sandbox.Budget;
import testbed.sandbox.FaultDomain;
import testbed.sandbox.Sandbox;
import testbed.sandbox.verify.Rejection;
import testbed.sfi.ProtectionMode;

/**
 * Classic BPF filters from tcpdump over a real capture: the libpcap reference data
 * ({@code testbed/bpf/reference/}: {@code lo.pcap}, 154 frames, and {@code filters.json}, the
 * programs of 10 tcpdump expressions; {@code filter} is the index of one, printed at setup).
 * <ul>
 *   <li>{@link Packets#run} (ns per pass over the whole capture; divide by 154 for a packet): the
 *       filter over every frame, by {@code engine}: {@code INTERPRETER} (the reference interpreter
 *       over Java arrays), {@code INTERPRETER_MEMORY} (the same interpreter reading the frames
 *       through the kernel's {@code Memory}, as the JIT's code does), or {@code JIT_<mode>}, the
 *       compiled class loaded through
 *       {@code Sandbox.load} in that mode and called directly on the instance with its domain's
 *       context, the frames laid out in its segment (no crossing, no kernel receive path: the
 *       filter's code as each mode rewrote it). Each setup checks every verdict against libpcap's.</li>
 *   <li>{@link Loads#load} (µs): check, JIT, and the sandbox's pipeline (verify, rewrite, define,
 *       construct), then unload, per filter and mode; {@link Compiles#compileOnly} is check + JIT alone.</li>
 * </ul>
 * Read the scores as ratios within one run: the JIT against the interpreter, each protected JIT
 * against {@code JIT_NONE}.
 */
public class BpfBench {
    static final String REFERENCE = "/testbed/bpf/reference/";

    /** The reference verdicts and capture, read from the class path. */
    static ReferenceVerdicts verdicts() {
        try {
            return ReferenceVerdicts.parse("filters.json", resource("filters.json"));
        } catch (FormatException e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    static Capture capture() {
        try {
            return Capture.parse("lo.pcap", resource("lo.pcap"));
        } catch (CaptureException e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = BpfBench.class.getResourceAsStream(REFERENCE + name)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + REFERENCE + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One filter over the capture, interpreted or compiled in one mode. */
    @State(Scope.Thread)
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public static class Packets {
        @Param({"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"})
        public int filter;

        @Param({"INTERPRETER", "INTERPRETER_MEMORY", "JIT_NONE", "JIT_SFI_MASK", "JIT_SFI_CHECK", "JIT_BOUNDS"})
        public String engine;

        FilterProgram program;
        byte[][] frames;
        long[] addresses;
        PacketFilter extension;
        Context context;
        testbed.kernel.api.Memory memory;
        Sandbox sandbox;
        FaultDomain domain;

        @Setup(Level.Trial)
        public void setUp() throws CheckException, Rejection {
            ReferenceVerdicts.Filter f = verdicts().filters().get(filter);
            program = Checker.check(f.program());
            System.out.println("# filter " + filter + " = '" + f.expression() + "', " + program.length() + " instructions");
            List<byte[]> data = capture().frames().stream().map(testbed.bpf.capture.Frame::data).toList();
            frames = data.toArray(new byte[0][]);
            boolean[] verdicts = new boolean[frames.length];
            if (engine.equals("INTERPRETER")) {
                for (int i = 0; i < frames.length; i++) {
                    verdicts[i] = Interpreter.run(program, frames[i], frames[i].length) != 0;
                }
            } else {
                Kernel kernel = Rig.boot();
                // The memory interpreter runs beside an unprotected filter, on the frames laid out in its segment.
                ProtectionMode mode = engine.startsWith("JIT_") ? ProtectionMode.valueOf(engine.substring("JIT_".length()))
                        : ProtectionMode.NONE;
                sandbox = Sandbox.on(kernel, mode, Budget.standard().withFuel(Rig.PLENTY));
                domain = FilterLoader.attach(sandbox, program);
                context = domain.domain().context();
                addresses = layOut(kernel, domain, frames);
                kernel.memory().actAs(domain.domain().id());
                if (engine.equals("INTERPRETER_MEMORY")) {
                    memory = context.memory();
                } else {
                    extension = (PacketFilter) domain.extension();
                }
                for (int i = 0; i < frames.length; i++) {
                    verdicts[i] = (memory != null ? Interpreter.run(program, memory, addresses[i], frames[i].length)
                            : extension.filter(context, addresses[i], frames[i].length)) != 0;
                }
            }
            for (int i = 0; i < frames.length; i++) {
                if (verdicts[i] != f.matches()[i]) {
                    throw new IllegalStateException(engine + " on '" + f.expression() + "' disagrees with libpcap on packet " + (i + 1));
                }
            }
        }

        /** Writes the frames one after another into the segment, past the window; returns their addresses. */
        private static long[] layOut(Kernel kernel, FaultDomain domain, byte[][] frames) {
            long at = domain.domain().heapBase();
            long end = domain.domain().segment().base() + domain.domain().segment().size();
            long[] addresses = new long[frames.length];
            int prev = kernel.memory().actAs(PhysicalMemory.KERNEL);
            try {
                for (int i = 0; i < frames.length; i++) {
                    if (at + frames[i].length > end) {
                        throw new IllegalStateException("the capture does not fit in the filter's segment");
                    }
                    kernel.memory().write(at, frames[i], 0, frames[i].length);
                    addresses[i] = at;
                    at += frames[i].length;
                }
            } finally {
                kernel.memory().actAs(prev);
            }
            return addresses;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (domain != null) {
                domain.unload();
                sandbox.close();
            }
        }

        @Benchmark
        public int run() {
            int accepted = 0;
            if (memory != null) {
                for (int i = 0; i < frames.length; i++) {
                    accepted += Interpreter.run(program, memory, addresses[i], frames[i].length) != 0 ? 1 : 0;
                }
            } else if (extension == null) {
                for (byte[] frame : frames) {
                    accepted += Interpreter.run(program, frame, frame.length) != 0 ? 1 : 0;
                }
            } else {
                for (int i = 0; i < frames.length; i++) {
                    accepted += extension.filter(context, addresses[i], frames[i].length) != 0 ? 1 : 0;
                }
            }
            return accepted;
        }
    }

    /** Getting one filter in: check, JIT, and the sandbox's pipeline. */
    @State(Scope.Thread)
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public static class Loads {
        @Param({"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"})
        public int filter;

        @Param({"NONE", "SFI_MASK"})
        public String mode;

        FilterProgram program;
        Kernel kernel;
        Sandbox sandbox;

        @Setup(Level.Trial)
        public void setUp() {
            ReferenceVerdicts.Filter f = verdicts().filters().get(filter);
            program = f.program();
            System.out.println("# filter " + filter + " = '" + f.expression() + "', " + program.length() + " instructions, "
                    + Jit.compile(program).length + " class-file bytes");
            kernel = Rig.boot();
            sandbox = Sandbox.on(kernel, ProtectionMode.valueOf(mode));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            sandbox.close();
        }

        @Benchmark
        public Object load() throws CheckException, Rejection {
            FaultDomain d = FilterLoader.attach(sandbox, program);
            d.unload();
            return d;
        }
    }

    /** Check and JIT alone, per filter: the part of loading that is BPF's own. */
    @State(Scope.Thread)
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public static class Compiles {
        @Param({"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"})
        public int filter;

        FilterProgram program;

        @Setup(Level.Trial)
        public void setUp() {
            program = verdicts().filters().get(filter).program();
        }

        @Benchmark
        public byte[] compileOnly() throws CheckException {
            return Jit.compile(Checker.check(program));
        }
    }
}
