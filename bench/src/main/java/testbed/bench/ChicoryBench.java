package testbed.bench;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import testbed.bench.extensions.CopyFilter;

/**
 * The WebAssembly baseline: the {@code checksum} and {@code copy} workloads of
 * {@link IsolationBench} written in the WebAssembly text format ({@code src/main/wat}, assembled
 * at build time) and run by Chicory's compiler, which translates the module to JVM bytecode whose
 * every memory access is bounds-checked against the linear memory. Same work per operation as
 * the Java workloads, on the same input bytes (same seed): the checksum of 1,500 bytes of linear
 * memory (750 {@code i32.load16_u}); an 8 KiB copy (1,024 {@code i64.load} + 1,024 {@code i64.store}).
 * Setup checks both answers against plain Java. The call goes through Chicory's
 * {@link ExportFunction#apply} (its argument and result arrays included), as an embedder calls it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChicoryBench {
    /** The {@link IsolationBench} workloads this class has a benchmark of, named alike. */
    static final List<String> WORKLOADS = List.of("checksum", "copy");

    private ExportFunction checksum;
    private ExportFunction copy;

    @Setup(Level.Trial)
    public void setUp() {
        Instance checksumModule = instance("checksum");
        checksum = checksumModule.export("checksum");
        byte[] packet = new byte[Workload.Checksum.LENGTH];
        new SplittableRandom(42).nextBytes(packet);
        checksumModule.memory().write(0, packet);
        int expected = Workload.Checksum.checksum(packet);
        if (checksum() != expected) {
            throw new IllegalStateException("wasm checksum " + checksum() + ", plain Java says " + expected);
        }

        Instance copyModule = instance("copy");
        copy = copyModule.export("copy");
        byte[] block = new byte[CopyFilter.BYTES];
        new SplittableRandom(42).nextBytes(block);
        copyModule.memory().write(CopyFilter.SOURCE, block);
        long fold = 0;
        for (int i = 0; i < block.length; i += 8) {
            fold ^= Workload.le64(block, i);
        }
        int folded = (int) (fold ^ (fold >>> 32)) & 0x7FFFFFFF;
        if (copy() != folded || !Arrays.equals(block, copyModule.memory().readBytes(CopyFilter.SOURCE + CopyFilter.BYTES, block.length))) {
            throw new IllegalStateException("wasm copy answered " + copy() + " (plain Java says " + folded + ") or did not copy");
        }
    }

    /** Parses {@code testbed/bench/wasm/NAME.wasm} and instantiates it with Chicory's compiler. */
    static Instance instance(String name) {
        String resource = "/testbed/bench/wasm/" + name + ".wasm";
        try (InputStream in = ChicoryBench.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no " + resource + ": the build assembles it from src/main/wat/" + name + ".wat");
            }
            WasmModule module = Parser.parse(in.readAllBytes());
            return Instance.builder(module).withMachineFactory(MachineFactoryCompiler.compile(module)).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Benchmark
    public int checksum() {
        return (int) checksum.apply(0, Workload.Checksum.LENGTH)[0];
    }

    @Benchmark
    public int copy() {
        return (int) copy.apply(CopyFilter.SOURCE, CopyFilter.BYTES)[0];
    }
}
