package testbed.bench;

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

/**
 * Experiment E1 (Wahbe's table): what each isolation mode costs on extension code. Each
 * {@code workload} (see {@link Workload}) is an extension from {@code testbed.bench.extensions},
 * loaded through the real pipeline in its own kernel and then called <em>directly</em> on the
 * loaded instance with the domain's own context, so the score is the rewritten code and nothing
 * of the crossing:
 * <ul>
 *   <li>{@code checksum}: the Internet checksum of a 1,500-byte packet (750 {@code load16});</li>
 *   <li>{@code packetFilter}: a BPF-style header match over 64 assorted packets (about 8 loads each);</li>
 *   <li>{@code copy}: an 8 KiB copy inside the segment (1,024 {@code load64} + 1,024 {@code store64});</li>
 *   <li>{@code hashTable}: 512 inserts and 1,024 lookups in an open-addressing table in the segment;</li>
 *   <li>{@code sort}: heapsort of 512 ints, restored from a saved copy by one {@code copy} first;</li>
 *   <li>{@code readFilter}: a read filter keeping the 32-byte records of a 2 KiB block that hold a
 *       pattern (the host copies the block into the window first, as the kernel's {@code read} does);</li>
 *   <li>{@code compute}: 1,024 rounds of arithmetic and no memory access, the control.</li>
 * </ul>
 * Every access goes through the simulated memory and its write monitor in every mode, so the
 * baseline is {@code NONE} on the same memory, not a bare {@code byte[]} (see {@link MonitorBench}).
 *
 * <p>{@code mode} is a {@code ProtectionMode}, or {@code SFI_MASK_STORES} for address masking of
 * stores only ({@code Rewrite.storesOnly()}), or the name of a plug-in technique whose jar is in the
 * system property {@code testbed.technique.jars} ({@code -p mode=NONE,mytech
 * -jvmArgsAppend -Dtestbed.technique.jars=my.jar}); {@code metered} adds fuel and depth metering.
 * {@code (NONE, metered=true)} is not a configuration (NONE is never rewritten): its setup fails
 * on purpose and JMH moves on. Each setup checks the workload's answer against plain Java.
 * Read the results as ratios to {@code (NONE, false)} of the same workload and run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IsolationBench {
    @Param({"checksum", "packetFilter", "copy", "hashTable", "sort", "readFilter", "compute"})
    public String workload;

    @Param({"NONE", "SFI_MASK_STORES", "SFI_MASK", "SFI_CHECK", "BOUNDS", "VERIFIED"})
    public String mode;

    @Param({"false", "true"})
    public boolean metered;

    private Workload work;

    @Setup(Level.Trial)
    public void setUp() {
        work = Workload.load(workload, mode, metered);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (work != null) {
            work.close();
        }
    }

    @Benchmark
    public int run() {
        return work.run();
    }
}
