package testbed.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import testbed.kernel.Domain;
import testbed.kernel.DomainSpec;
import testbed.kernel.Kernel;
import testbed.kernel.KernelConfig;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.api.Memory;

/**
 * The write monitor's cost: the same loop of 4-byte stores over 16 KiB, through
 * {@link PhysicalMemory} as a domain (monitored), through the {@link Memory} an extension's context
 * hands out, and as plain little-endian stores into a {@code byte[]} (unmonitored). Divide a
 * monitored score by {@link #unmonitored} for the monitor's overhead. {@link #monitoredFreshPages}
 * resets the monitor first, so every page pays its first-touch bookkeeping once per loop.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MonitorBench {
    static final int STORES = 4096;
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private PhysicalMemory memory;
    private Memory extensionView;
    private byte[] plain;
    private long base;

    @Setup
    public void setUp() {
        Kernel kernel = Kernel.boot(KernelConfig.defaults().withMemorySize(16 << 20));
        Domain domain = kernel.createDomain("bench", DomainSpec.segment(64 << 10));
        memory = kernel.memory();
        memory.actAs(domain.id());
        extensionView = domain.context().memory();
        base = domain.segment().base();
        plain = new byte[(int) memory.size()];
    }

    @Benchmark
    @OperationsPerInvocation(STORES)
    public void unmonitored() {
        byte[] ram = plain;
        int b = (int) base;
        for (int i = 0; i < STORES; i++) {
            INT.set(ram, b + (i << 2), i);
        }
    }

    @Benchmark
    @OperationsPerInvocation(STORES)
    public void monitored() {
        PhysicalMemory m = memory;
        long b = base;
        for (int i = 0; i < STORES; i++) {
            m.store32(b + (i << 2), i);
        }
    }

    @Benchmark
    @OperationsPerInvocation(STORES)
    public void monitoredThroughContext() {
        Memory m = extensionView;
        long b = base;
        for (int i = 0; i < STORES; i++) {
            m.store32(b + (i << 2), i);
        }
    }

    @Benchmark
    @OperationsPerInvocation(STORES)
    public void monitoredFreshPages() {
        PhysicalMemory m = memory;
        m.resetMonitor();
        long b = base;
        for (int i = 0; i < STORES; i++) {
            m.store32(b + (i << 2), i);
        }
    }
}
