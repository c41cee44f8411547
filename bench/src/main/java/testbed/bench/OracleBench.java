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
import testbed.kernel.Domain;
import testbed.kernel.DomainSpec;
import testbed.kernel.Kernel;
import testbed.kernel.KernelConfig;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.Snapshot;
import testbed.kernel.api.Memory;
import testbed.kernel.oracle.Oracle;
import testbed.kernel.oracle.Verdict;

/**
 * The oracle's cost per trial on a 64 MiB kernel, for a trial whose domain stores into 10 pages
 * of its segment: restore to the clean snapshot, baseline, the stores, judge. {@link #storesOnly}
 * is the same trial without the oracle, to subtract.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class OracleBench {
    static final int PAGES = 10;

    @Param({"64"})
    public int memoryMiB;

    private Kernel kernel;
    private Snapshot clean;
    private Oracle oracle;
    private Domain domain;
    private Memory memory;

    @Setup(Level.Trial)
    public void setUp() {
        kernel = Kernel.boot(KernelConfig.defaults().withMemorySize((long) memoryMiB << 20));
        domain = kernel.createDomain("bench", DomainSpec.segment(64 << 10));
        memory = domain.context().memory();
        clean = kernel.snapshot();
        oracle = Oracle.watching(kernel);
        oracle.baseline(); // computes the snapshot's page checksums once, outside the measurement
    }

    private void stores() {
        int prev = kernel.memory().actAs(domain.id());
        try {
            for (int p = 0; p < PAGES; p++) {
                memory.store64(domain.segment().base() + (long) p * PhysicalMemory.PAGE_SIZE + 64, p);
            }
        } finally {
            kernel.memory().actAs(prev);
        }
    }

    @Benchmark
    public Verdict restoreBaselineJudge() {
        kernel.restore(clean);
        oracle.baseline();
        stores();
        return oracle.judge();
    }

    @Benchmark
    public int storesOnly() {
        kernel.restore(clean);
        stores();
        return kernel.memory().touchedCount();
    }
}
