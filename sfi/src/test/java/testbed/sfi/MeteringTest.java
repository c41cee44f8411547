package testbed.sfi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static testbed.sfi.SampleLoader.SEGMENT;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.Trap;
import testbed.kernel.api.Memory;
import testbed.sfi.runtime.Meter;

/** Fuel, allocation and call-depth budgets, stops from another thread, and handlers that try to outlive them. */
class MeteringTest {
    private static final long FUEL = 1_000_000;
    private static final long BYTES = 1 << 20;
    private static final int DEPTH = 64;
    private static final PhysicalMemory MEMORY = new PhysicalMemory(SampleLoader.MEMORY_SIZE);

    /** Loops forever. */
    public static final class Spin implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            for (;;) {
                value++;
            }
        }
    }

    /**
     * Takes its conditional back-edge {@code length - 1} times, then returns: {@code length} units of
     * fuel with its entry (a conditional back-edge is charged when taken).
     */
    public static final class Count implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            long n = 0;
            do {
                n++;
            } while (n < length);
            return n;
        }
    }

    /** {@code for (int i = 0; i < length; i++) store8(address + i, 1)}: a loop of counted shape. */
    public static final class Fill implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            int n = (int) length;
            for (int i = 0; i < n; i++) {
                memory.store8(address + i, (byte) 1);
            }
            return n;
        }
    }

    /** Keeps allocating 1 MiB arrays. */
    public static final class ArrayBomb implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            long[][] keep = new long[1024][];
            for (int i = 0; i < keep.length; i++) {
                keep[i] = new long[1 << 17];
            }
            return keep.length;
        }
    }

    /** One array larger than any heap: a charge after the allocation would come too late. */
    public static final class HugeArray implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            return new long[Integer.MAX_VALUE - 8].length;
        }
    }

    /** A multianewarray whose first inner row is larger than any heap. */
    public static final class HugeMatrix implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            return new long[4][1 << 30].length;
        }
    }

    /** Keeps allocating objects of its own class. */
    public static final class ObjectBomb implements Sample {
        private Object next;
        private long payload;

        @Override
        public long run(Memory memory, long address, long value, long length) {
            ObjectBomb chain = this;
            for (;;) {
                ObjectBomb link = new ObjectBomb();
                link.next = chain;
                link.payload = value;
                chain = link;
            }
        }
    }

    /** Recurses without end. */
    public static final class Recursion implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            return run(memory, address, value + 1, length) + 1;
        }
    }

    /** Swallows every throwable and loops again. */
    public static final class SwallowAndLoop implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            for (;;) {
                try {
                    for (;;) {
                        value++;
                    }
                } catch (Throwable swallowed) {
                    value = -1;
                }
            }
        }
    }

    /** Loops in a finally block after its body was stopped. */
    public static final class FinallyLoop implements Sample {
        @Override
        @SuppressWarnings("finally") // the point of the sample
        public long run(Memory memory, long address, long value, long length) {
            try {
                for (;;) {
                    value++;
                }
            } finally {
                for (;;) {
                    value--;
                }
            }
        }
    }

    /** Dives {@code length} calls deep, throws at the bottom, catches at the top: {@code value} times. */
    public static final class UnwindThroughCatch implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            long caught = 0;
            for (int i = 0; i < value; i++) {
                try {
                    dive((int) length);
                } catch (IllegalStateException expected) {
                    caught++;
                }
                caught += middle((int) length);
            }
            return caught;
        }

        private long middle(int depth) {
            try {
                return dive(depth);
            } catch (IllegalStateException expected) {
                return 1;
            }
        }

        private static long dive(int depth) {
            if (depth == 0) {
                throw new IllegalStateException("bottom");
            }
            return dive(depth - 1) + 1;
        }
    }

    @ParameterizedTest
    @EnumSource(value = ProtectionMode.class, names = {"SFI_MASK", "SFI_CHECK", "BOUNDS"})
    void fuelStopsAnInfiniteLoop(ProtectionMode mode) {
        Meter meter = refilled();
        Trap trap = trap(Spin.class, mode, meter);

        assertThat(trap.kind()).isEqualTo(Trap.Kind.FUEL_EXHAUSTED);
        assertThat(trap.location()).startsWith(Spin.class.getName() + ".run@");
        assertThat(trap.getMessage()).isEqualTo("fuel exhausted: budget of 1000000 units used up at " + trap.location());
        assertThat(meter.stopped()).isEqualTo(Trap.Kind.FUEL_EXHAUSTED);
    }

    @Test
    void fuelIsChargedExactlyOncePerEntryAndBackEdge() {
        Meter meter = refilled(); // the constructor is metered too
        Sample sample = load(Count.class, ProtectionMode.SFI_MASK, meter);
        long fuel = 3 * Meter.SLICE + 5; // runs through several slices

        meter.refill(fuel, BYTES, DEPTH);
        assertThat(sample.run(MEMORY, 0, 0, fuel)).isEqualTo(fuel);
        assertThat(meter.fuelLeft()).isZero();

        meter.refill(fuel, BYTES, DEPTH);
        assertThatThrownBy(() -> sample.run(MEMORY, 0, 0, fuel + 1))
                .isInstanceOfSatisfying(Trap.class, t -> assertThat(t.kind()).isEqualTo(Trap.Kind.FUEL_EXHAUSTED));
    }

    /**
     * A loop of counted shape costs what its back-edges metered one by one would (the fuel left
     * after it is the same for every trip count), charged at its entry: one whose trips the fuel
     * cannot pay for traps before its body first runs, not midway.
     */
    @ParameterizedTest
    @EnumSource(value = ProtectionMode.class, names = {"SFI_MASK", "SFI_CHECK", "BOUNDS", "VERIFIED"})
    void aCountedLoopIsChargedItsTripsOnceAtEntry(ProtectionMode mode) {
        Meter meter = refilled();
        Sample sample = load(Fill.class, mode, meter);
        long address = SEGMENT.base() + 64;
        long fuel = 100_000;
        meter.refill(fuel, BYTES, DEPTH);
        sample.run(MEMORY, address, 0, 0);
        long entry = fuel - meter.fuelLeft();
        for (int trips : new int[] {1, 7, 1000}) {
            meter.refill(fuel, BYTES, DEPTH);
            assertThat(sample.run(MEMORY, address, 0, trips)).isEqualTo(trips);
            assertThat(fuel - meter.fuelLeft()).as("fuel for %d trips", trips).isEqualTo(entry + trips);
        }

        MEMORY.fill(address, 16, (byte) 0);
        meter.refill(entry + 10, BYTES, DEPTH);
        Trap trap = catchThrowableOfType(Trap.class, () -> sample.run(MEMORY, address, 0, 11));
        assertThat(trap.kind()).isEqualTo(Trap.Kind.FUEL_EXHAUSTED);
        assertThat(MEMORY.load8(address)).as("the body never ran").isZero();
    }

    @Test
    void spendingChargesAcrossSlicesAndTrapsWhenTooLittleIsLeft() {
        Meter meter = new Meter();
        long fuel = 2 * Meter.SLICE + 10;
        meter.refill(fuel, BYTES, DEPTH);

        for (long spent = 0; spent + 7 <= fuel; spent += 7) {
            meter.spend(7, "helper");
        }
        assertThat(meter.fuelLeft()).isEqualTo(fuel % 7);

        Trap trap = catchThrowableOfType(Trap.class, () -> meter.spend(7, "helper"));
        assertThat(trap.getMessage()).isEqualTo("fuel exhausted: budget of " + fuel + " units used up at helper");
        assertThat(meter.fuelLeft()).isZero();
        assertThat(meter.stopped()).isEqualTo(Trap.Kind.FUEL_EXHAUSTED);
    }

    @Test
    void aRefillLetsAStoppedDomainRunAgain() {
        Meter meter = refilled();
        Sample sample = load(Count.class, ProtectionMode.BOUNDS, meter);
        assertThatThrownBy(() -> sample.run(MEMORY, 0, 0, FUEL * 2)).isInstanceOf(Trap.class);

        meter.refill(FUEL, BYTES, DEPTH);

        assertThat(sample.run(MEMORY, 0, 0, 10)).isEqualTo(10);
        assertThat(meter.stopped()).isNull();
        assertThat(meter.depth()).isZero();
    }

    @Test
    void aByteBudgetStopsAnArrayBomb() {
        Meter meter = refilled();
        Trap trap = trap(ArrayBomb.class, ProtectionMode.SFI_MASK, meter);

        assertThat(trap.kind()).isEqualTo(Trap.Kind.MEMORY_BUDGET);
        assertThat(trap.getMessage()).startsWith("memory budget exceeded: allocating " + (16 + 8 * (1 << 17)) + " bytes with ");
        assertThat(meter.allocationBytesLeft()).isLessThan(16 + 8 * (1 << 17));
    }

    @ParameterizedTest
    @EnumSource(value = ProtectionMode.class, names = {"SFI_MASK", "SFI_CHECK", "BOUNDS"})
    void arraysAreChargedBeforeTheyAreAllocated(ProtectionMode mode) {
        assertThat(trap(HugeArray.class, mode, refilled()).kind()).isEqualTo(Trap.Kind.MEMORY_BUDGET);
        Trap matrix = trap(HugeMatrix.class, mode, refilled());
        assertThat(matrix.kind()).isEqualTo(Trap.Kind.MEMORY_BUDGET);
        assertThat(matrix.getMessage()).contains("allocating " + (16 + 4 * 4 + 4 * (16 + 8L * (1 << 30))) + " bytes");
    }

    @Test
    void objectsAreChargedWithTheirFields() {
        Meter meter = refilled();
        Trap trap = trap(ObjectBomb.class, ProtectionMode.SFI_CHECK, meter);

        assertThat(trap.kind()).isEqualTo(Trap.Kind.MEMORY_BUDGET);
        assertThat(trap.getMessage()).startsWith("memory budget exceeded: allocating 28 bytes with "); // 16 + 4 + 8
    }

    @ParameterizedTest
    @EnumSource(value = ProtectionMode.class, names = {"SFI_MASK", "SFI_CHECK", "BOUNDS"})
    void aDepthLimitStopsInfiniteRecursionBeforeTheJvmDoes(ProtectionMode mode) {
        Trap trap = trap(Recursion.class, mode, refilled());

        assertThat(trap.kind()).isEqualTo(Trap.Kind.STACK_DEPTH);
        assertThat(trap.getMessage()).isEqualTo("call depth exceeded: call depth " + (DEPTH + 1)
                + " exceeds the limit of " + DEPTH + " at " + Recursion.class.getName() + ".run@0");
    }

    @Test
    void depthStaysRightWhenExceptionsUnwindThroughCatch() {
        Meter meter = refilled();
        Sample sample = load(UnwindThroughCatch.class, ProtectionMode.SFI_CHECK, meter);

        // 200 round trips 50 calls deep: any depth leaked per unwind would pass the limit of 64.
        assertThat(sample.run(MEMORY, 0, 200, 50)).isEqualTo(400);
        assertThat(meter.depth()).isZero();
        assertThatThrownBy(() -> sample.run(MEMORY, 0, 1, DEPTH))
                .isInstanceOfSatisfying(Trap.class, t -> assertThat(t.kind()).isEqualTo(Trap.Kind.STACK_DEPTH));
    }

    @ParameterizedTest
    @EnumSource(value = ProtectionMode.class, names = {"SFI_MASK", "SFI_CHECK", "BOUNDS"})
    void catchThrowableAndLoopCannotKeepATrappedDomainAlive(ProtectionMode mode) {
        Trap trap = trap(SwallowAndLoop.class, mode, refilled());

        assertThat(trap.kind()).isEqualTo(Trap.Kind.FUEL_EXHAUSTED);
    }

    @ParameterizedTest
    @EnumSource(value = ProtectionMode.class, names = {"SFI_MASK", "SFI_CHECK", "BOUNDS"})
    void finallyAndLoopCannotKeepATrappedDomainAlive(ProtectionMode mode) {
        Trap trap = trap(FinallyLoop.class, mode, refilled());

        assertThat(trap.kind()).isEqualTo(Trap.Kind.FUEL_EXHAUSTED);
    }

    @Test
    void aStopBeforeTheCallTrapsAtTheFirstMeteredPoint() {
        Meter meter = refilled();
        Sample sample = load(Count.class, ProtectionMode.SFI_MASK, meter);
        meter.stop(Trap.Kind.REVOCATION_TIMEOUT, "frames not returned");

        Trap trap = catchThrowableOfType(Trap.class, () -> sample.run(MEMORY, 0, 0, 10));

        assertThat(trap.kind()).isEqualTo(Trap.Kind.REVOCATION_TIMEOUT);
        assertThat(trap.getMessage()).isEqualTo("revocation timeout: frames not returned at " + Count.class.getName() + ".run@0");
    }

    @Test
    void aWatchdogOnAnotherThreadStopsALoopWithUnlimitedFuel() throws Exception {
        Meter meter = refilled();
        Sample sample = load(SwallowAndLoop.class, ProtectionMode.SFI_MASK, meter);
        meter.refill(Long.MAX_VALUE, BYTES, DEPTH);

        CompletableFuture<Throwable> domain = CompletableFuture.supplyAsync(() -> {
            try {
                sample.run(MEMORY, 0, 0, 0);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Thread.sleep(50); // let the loop get going; the outcome is the same if the stop comes first
        meter.stop(Trap.Kind.WATCHDOG, "wall-clock budget of 50 ms exceeded");

        Throwable stopped = domain.get(1, TimeUnit.MINUTES); // a guard against hanging, not a threshold
        assertThat(stopped).isInstanceOfSatisfying(Trap.class, t -> assertThat(t.kind()).isEqualTo(Trap.Kind.WATCHDOG));
    }

    @Test
    void aBackwardSwitchIsABackEdge() {
        Meter meter = refilled();
        Rewrite rewrite = Rewrite.of(ProtectionMode.SFI_MASK).segment(SEGMENT).metered(true);
        Sample sample = SampleLoader.instantiate(SampleLoader.bind(SampleLoader.define("testbed.sfi.SwitchLoop",
                rewrite.apply(generated("testbed/sfi/SwitchLoop", MeteringTest::switchLoop))), rewrite, meter));

        Trap trap = catchThrowableOfType(Trap.class, () -> sample.run(MEMORY, 0, 0, 0));

        assertThat(trap.kind()).isEqualTo(Trap.Kind.FUEL_EXHAUSTED);
        assertThat(trap.location()).isEqualTo("testbed.sfi.SwitchLoop.run@1");
    }

    @Test
    void aLoopThroughAHandlerThatCoversItselfIsMeteredAndCannotSwallowItsTrap() {
        Meter meter = new Meter();
        meter.refill(10_000, BYTES, DEPTH); // each round trip builds a NullPointerException
        Rewrite rewrite = Rewrite.of(ProtectionMode.BOUNDS).segment(SEGMENT).metered(true);
        Sample sample = SampleLoader.instantiate(SampleLoader.bind(SampleLoader.define("testbed.sfi.HandlerLoop",
                rewrite.apply(generated("testbed/sfi/HandlerLoop", MeteringTest::handlerLoop))), rewrite, meter));

        Trap trap = catchThrowableOfType(Trap.class, () -> sample.run(MEMORY, 0, 0, 0));

        assertThat(trap.kind()).isEqualTo(Trap.Kind.FUEL_EXHAUSTED);
        assertThat(trap.location()).isEqualTo("testbed.sfi.HandlerLoop.run@2");
    }

    @Test
    void aMeteredClassThatWasNeverBoundCannotRun() {
        Rewrite rewrite = Rewrite.of(ProtectionMode.SFI_MASK).segment(SEGMENT).metered(true);
        byte[] bytes = rewrite.apply(SampleLoader.bytesOf(Count.class));
        Class<?> unbound = SampleLoader.define(Count.class.getName(), bytes);

        assertThatThrownBy(() -> SampleLoader.instantiate(unbound))
                .hasRootCauseInstanceOf(IllegalStateException.class)
                .hasRootCauseMessage(Count.class.getName() + " is metered but not bound: call Meter.bind before its first use");
    }

    private static Meter refilled() {
        Meter meter = new Meter();
        meter.refill(FUEL, BYTES, DEPTH);
        return meter;
    }

    private static Sample load(Class<? extends Sample> sample, ProtectionMode mode, Meter meter) {
        return SampleLoader.load(sample, Rewrite.of(mode).segment(SEGMENT).metered(true), meter);
    }

    private static Trap trap(Class<? extends Sample> sample, ProtectionMode mode, Meter meter) {
        Sample loaded = load(sample, mode, meter);
        return catchThrowableOfType(Trap.class, () -> loaded.run(MEMORY, SEGMENT.base(), 0, 0));
    }

    /** A sample class written directly in bytecode: javac never emits these shapes. */
    private static byte[] generated(String name, java.util.function.Consumer<MethodVisitor> run) {
        return GeneratedSamples.of(name, true, writer -> { }, run);
    }

    private static void switchLoop(MethodVisitor code) {
        Label top = new Label();
        code.visitLabel(top);
        code.visitInsn(Opcodes.ICONST_0);
        code.visitTableSwitchInsn(0, 0, top, top);
    }

    /**
     * {@code throw null} under a catch-all handler that covers itself, so each throw lands in the
     * handler, which throws again: a loop made of exception edges only.
     */
    private static void handlerLoop(MethodVisitor code) {
        Label start = new Label();
        Label handler = new Label();
        Label end = new Label();
        code.visitTryCatchBlock(start, end, handler, null);
        code.visitLabel(start);
        code.visitInsn(Opcodes.ACONST_NULL);
        code.visitInsn(Opcodes.ATHROW);
        code.visitLabel(handler);
        code.visitInsn(Opcodes.POP);
        code.visitInsn(Opcodes.ACONST_NULL);
        code.visitInsn(Opcodes.ATHROW);
        code.visitLabel(end);
    }
}
