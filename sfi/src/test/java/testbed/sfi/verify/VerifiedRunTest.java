package testbed.sfi.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.lang.reflect.InvocationTargetException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import testbed.kernel.Domain;
import testbed.kernel.DomainSpec;
import testbed.kernel.Kernel;
import testbed.kernel.Trap;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;
import testbed.sfi.ProtectionMode;
import testbed.sfi.Rewrite;
import testbed.sfi.runtime.Meter;

/**
 * The workload shapes rewritten under VERIFIED run on a real kernel's domain: the same answer,
 * the same memory and the same fuel as under BOUNDS (counted loops charged at entry add up to what
 * their back-edges cost one by one), and an entry range the proof relies on is checked.
 */
class VerifiedRunTest {
    private static final int PACKET = 1500;

    private static final class Run {
        final Kernel kernel = Kernel.boot();
        final Domain domain = kernel.createDomain("sample", DomainSpec.segment(64 << 10).allowAll());
        final Meter meter = new Meter();

        Object load(Class<?> sample, ProtectionMode mode) throws ReflectiveOperationException {
            byte[] bytes = AnalysisTest.bytesOf(sample);
            byte[] rewritten = Rewrite.of(mode).segment(domain.segment()).metered(true).apply(bytes);
            Class<?> c = new ClassLoader(VerifiedRunTest.class.getClassLoader()) {
                Class<?> define() {
                    return defineClass(sample.getName(), rewritten, 0, rewritten.length);
                }
            }.define();
            Meter.bind(c, meter);
            meter.refill(1_000_000, 1 << 20, 64);
            return c.getDeclaredConstructor().newInstance();
        }

        /** Fills the segment with a pattern and the window with a packet, runs the filter, returns answer and fuel used. */
        long[] run(Class<?> sample, ProtectionMode mode, long packet, int length) throws ReflectiveOperationException {
            Object filter = load(sample, mode);
            long base = domain.segment().base();
            for (long a = base; a < domain.segment().end(); a += 8) {
                kernel.memory().store64(a, a * 0x9E3779B97F4A7C15L);
            }
            kernel.memory().store16(base + 12, (short) 0x0008);
            kernel.memory().store8(base + 14, (byte) 0x45);
            meter.refill(1_000_000, 1 << 20, 64);
            Context ctx = domain.context();
            long answer;
            try {
                answer = filter.getClass().getMethod("filter", Context.class, long.class, int.class).invoke(filter, ctx, packet, length) instanceof Integer i ? i : 0;
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw (RuntimeException) e.getCause();
            }
            long digest = 0;
            for (long a = base; a < domain.segment().end(); a += 8) {
                digest = digest * 31 + kernel.memory().load64(a);
            }
            return new long[] {answer, digest, 1_000_000 - meter.fuelLeft()};
        }
    }

    @ParameterizedTest
    @ValueSource(classes = {Workloads.Copy.class, Workloads.Checksum.class, Workloads.HashTable.class,
            Workloads.Sort.class, Workloads.Header.class, Workloads.Records.class, Workloads.Wild.class})
    void verifiedAgreesWithBoundsInAnswerMemoryAndFuel(Class<?> sample) throws Exception {
        Run bounds = new Run();
        Run verified = new Run();
        long window = bounds.domain.window();
        long[] b;
        long[] v;
        if (sample == Workloads.Wild.class) {
            Trap tb = catchThrowableOfType(Trap.class, () -> bounds.run(sample, ProtectionMode.BOUNDS, window, PACKET));
            Trap tv = catchThrowableOfType(Trap.class, () -> verified.run(sample, ProtectionMode.VERIFIED, window, PACKET));
            assertThat(tv.kind()).isEqualTo(tb.kind()).isEqualTo(Trap.Kind.OUT_OF_BOUNDS);
            assertThat(tv.getMessage()).isEqualTo(tb.getMessage());
            return;
        }
        b = bounds.run(sample, ProtectionMode.BOUNDS, window, PACKET);
        v = verified.run(sample, ProtectionMode.VERIFIED, window, PACKET);
        assertThat(v).as("answer, segment digest, fuel").containsExactly(b);
    }

    @Test
    void anArgumentOutsideTheProvenEntryRangeTrapsAtEntry() throws Exception {
        Run run = new Run();
        Trap trap = catchThrowableOfType(Trap.class,
                () -> run.run(Workloads.Checksum.class, ProtectionMode.VERIFIED, run.domain.segment().end() - 1024, 1000));
        assertThat(trap.kind()).isEqualTo(Trap.Kind.OUT_OF_BOUNDS);
        assertThat(trap.getMessage()).contains("argument in local 2").contains("the proof assumes");
    }

    @Test
    void aCountedLoopOverItsBudgetTrapsOnEntry() throws Exception {
        Run run = new Run();
        Object filter = run.load(Workloads.Copy.class, ProtectionMode.VERIFIED);
        run.meter.refill(100, 1 << 20, 64);
        Trap trap = catchThrowableOfType(Trap.class, () -> ((PacketFilter) filter).filter(run.domain.context(), run.domain.window(), 64));
        assertThat(trap.kind()).isEqualTo(Trap.Kind.FUEL_EXHAUSTED);
    }
}
