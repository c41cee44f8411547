package testbed.sfi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static testbed.sfi.SampleLoader.SEGMENT;

import java.util.function.Consumer;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.Trap;
import testbed.kernel.api.Memory;
import testbed.sfi.runtime.Meter;

/**
 * Work the extension has done for it, inside the JDK or the kernel, costs fuel and bytes in
 * proportion: a worst-case search, a bulk copy, a thrown exception and what a JDK call allocates
 * are charged, so the budget, not the wall clock, stops an extension that leans on them. Each
 * sample does a few times more than its budget allows while costing few metered points of its
 * own, so an uncharged run would finish.
 */
class WorkChargesTest {
    private static final long FUEL = 1_000_000;
    private static final long BYTES = 1 << 20;
    private static final PhysicalMemory MEMORY = new PhysicalMemory(SampleLoader.MEMORY_SIZE);

    /** Twenty worst-case naive searches: a run of 'a' for a run of 'a' ending in 'b'. */
    public static final class WorstCaseSearch implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            StringBuilder hay = new StringBuilder();
            for (int i = 0; i < 4096; i++) {
                hay.append('a');
            }
            String needle = hay.substring(0, 2048) + "b";
            String haystack = hay.toString();
            long found = 0;
            for (int i = 0; i < 20; i++) {
                found += haystack.indexOf(needle);
            }
            return found;
        }
    }

    /** Copies a 256 KiB array a thousand times. */
    public static final class ArrayCopies implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            int[] from = new int[1 << 16];
            int[] to = new int[1 << 16];
            for (int i = 0; i < 1000; i++) {
                System.arraycopy(from, 0, to, 0, from.length);
            }
            return to[0];
        }
    }

    /** Copies half its segment onto the other half a thousand times. */
    public static final class SegmentCopies implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            for (int i = 0; i < 1000; i++) {
                memory.copy(address, address + 0x8000, 0x8000);
            }
            return 0;
        }
    }

    /** Throws and catches twenty thousand exceptions, each with a stack trace the JVM fills in. */
    public static final class ThrowAndCatch implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            long caught = 0;
            for (int i = 0; i < 20_000; i++) {
                try {
                    caught += i / value;
                } catch (ArithmeticException e) {
                    caught++;
                }
            }
            return caught;
        }
    }

    /** Constructs twenty thousand exceptions and throws none. */
    public static final class ConstructExceptions implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            long made = 0;
            for (int i = 0; i < 20_000; i++) {
                made += new IllegalStateException().getMessage() == null ? 1 : 0;
            }
            return made;
        }
    }

    /** Doubles a string twenty-two times with String.concat: 4 Mi characters. */
    public static final class ConcatDoubling implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            String s = "x";
            for (int i = 0; i < 22; i++) {
                s = s.concat(s);
            }
            return s.length();
        }
    }

    /** Doubles a string twenty-two times with javac's string concatenation. */
    public static final class IndyDoubling implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            String s = "x";
            for (int i = 0; i < 22; i++) {
                s = s + s;
            }
            return s.length();
        }
    }

    /** Doubles a builder twenty-two times by appending itself. */
    public static final class BuilderDoubling implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            StringBuilder b = new StringBuilder("x");
            for (int i = 0; i < 22; i++) {
                b.append(b);
            }
            return b.length();
        }
    }

    @ParameterizedTest
    @EnumSource(value = ProtectionMode.class, names = {"SFI_MASK", "SFI_CHECK", "BOUNDS", "PROCESS"})
    void fuelBoundsWorkDoneInsideTheJdkAndTheKernel(ProtectionMode mode) {
        assertThat(trap(WorstCaseSearch.class, mode).kind()).as("search").isEqualTo(Trap.Kind.FUEL_EXHAUSTED);
        assertThat(trap(ArrayCopies.class, mode).kind()).as("arraycopy").isEqualTo(Trap.Kind.FUEL_EXHAUSTED);
        assertThat(trap(SegmentCopies.class, mode).kind()).as("Memory.copy").isEqualTo(Trap.Kind.FUEL_EXHAUSTED);
        assertThat(trap(ThrowAndCatch.class, mode).kind()).as("caught exceptions").isEqualTo(Trap.Kind.FUEL_EXHAUSTED);
        assertThat(trap(ConstructExceptions.class, mode).kind()).as("constructed exceptions").isEqualTo(Trap.Kind.FUEL_EXHAUSTED);
    }

    @ParameterizedTest
    @EnumSource(value = ProtectionMode.class, names = {"SFI_MASK", "SFI_CHECK", "BOUNDS", "PROCESS"})
    void theByteBudgetHoldsForWhatTheJdkAllocates(ProtectionMode mode) {
        assertThat(trap(ConcatDoubling.class, mode).kind()).as("concat").isEqualTo(Trap.Kind.MEMORY_BUDGET);
        assertThat(trap(IndyDoubling.class, mode).kind()).as("+").isEqualTo(Trap.Kind.MEMORY_BUDGET);
        assertThat(trap(BuilderDoubling.class, mode).kind()).as("append").isEqualTo(Trap.Kind.MEMORY_BUDGET);
    }

    @ParameterizedTest
    @EnumSource(value = ProtectionMode.class, names = {"SFI_MASK", "SFI_CHECK", "BOUNDS", "PROCESS"})
    void chargedCallsGiveTheAnswersOfTheCallsTheyStandFor(ProtectionMode mode) {
        Meter meter = refilled(Long.MAX_VALUE / 2, Long.MAX_VALUE / 2);
        assertThat(SampleLoader.load(BuilderDoubling.class, rewrite(mode), meter).run(MEMORY, SEGMENT.base(), 0, 0))
                .isEqualTo(1L << 22);
        assertThat(SampleLoader.load(IndyDoubling.class, rewrite(mode), meter).run(MEMORY, SEGMENT.base(), 0, 0))
                .isEqualTo(1L << 22);
        assertThat(SampleLoader.load(ThrowAndCatch.class, rewrite(mode), meter).run(MEMORY, SEGMENT.base(), 0, 0))
                .isEqualTo(20_000);
        long left = meter.fuelLeft();
        assertThat(SampleLoader.load(WorstCaseSearch.class, rewrite(mode), meter).run(MEMORY, SEGMENT.base(), 0, 0))
                .isEqualTo(-20);
        assertThat(left - meter.fuelLeft()).as("twenty searches of 4096 x 2049 characters")
                .isGreaterThanOrEqualTo(20L * 4096 * 2050 / Meter.ELEMENTS_PER_UNIT);
    }

    @ParameterizedTest
    @EnumSource(value = ProtectionMode.class, names = {"SFI_MASK", "SFI_CHECK", "BOUNDS", "PROCESS"})
    void straightLineCodeCostsInProportionToItsLength(ProtectionMode mode) {
        int stores = 1500; // four instructions each
        Meter meter = refilled(FUEL, BYTES);
        generated("testbed/sfi/LongBlock", mode, meter, run -> {
            run.visitVarInsn(Opcodes.ALOAD, 1);
            run.visitVarInsn(Opcodes.LLOAD, 2);
            run.visitMethodInsn(Opcodes.INVOKESTATIC, "testbed/sfi/LongBlock", "block", "(Ltestbed/kernel/api/Memory;J)V", false);
            run.visitInsn(Opcodes.LCONST_0);
            run.visitInsn(Opcodes.LRETURN);
        }, block -> {
            for (int i = 0; i < stores; i++) {
                block.visitVarInsn(Opcodes.ALOAD, 0);
                block.visitVarInsn(Opcodes.LLOAD, 1);
                block.visitInsn(Opcodes.ICONST_1);
                block.visitMethodInsn(Opcodes.INVOKEINTERFACE, "testbed/kernel/api/Memory", "store32", "(JI)V", true);
            }
            block.visitInsn(Opcodes.RETURN);
        }).run(MEMORY, SEGMENT.base(), 0, 0);
        assertThat(FUEL - meter.fuelLeft()).as("one call of a method of %d instructions", 4 * stores + 1)
                .isGreaterThanOrEqualTo(4L * stores / Metering.STRAIGHT_LINE);

        int iterations = 100;
        int body = 200;
        Meter loops = refilled(FUEL, BYTES);
        generated("testbed/sfi/LongLoop", mode, loops, run -> {
            Label top = new Label();
            run.visitLdcInsn(0L);
            run.visitVarInsn(Opcodes.LSTORE, 8);
            run.visitLabel(top);
            run.visitFrame(Opcodes.F_NEW, 6, new Object[] {"testbed/sfi/LongLoop", "testbed/kernel/api/Memory",
                Opcodes.LONG, Opcodes.LONG, Opcodes.LONG, Opcodes.LONG}, 0, new Object[0]);
            for (int i = 0; i < body; i++) {
                run.visitInsn(Opcodes.NOP);
            }
            run.visitVarInsn(Opcodes.LLOAD, 8);
            run.visitInsn(Opcodes.LCONST_1);
            run.visitInsn(Opcodes.LADD);
            run.visitInsn(Opcodes.DUP2);
            run.visitVarInsn(Opcodes.LSTORE, 8);
            run.visitLdcInsn((long) iterations);
            run.visitInsn(Opcodes.LCMP);
            run.visitJumpInsn(Opcodes.IFLT, top);
            run.visitVarInsn(Opcodes.LLOAD, 8);
            run.visitInsn(Opcodes.LRETURN);
        }, null).run(MEMORY, SEGMENT.base(), 0, 0);
        assertThat(FUEL - loops.fuelLeft()).as("%d iterations of a %d-instruction loop body", iterations, body)
                .isGreaterThanOrEqualTo((long) (iterations - 1) * (1 + body / Metering.STRAIGHT_LINE));
    }

    /**
     * A sample written in bytecode ({@link GeneratedSamples}, frames written by hand, since the
     * rewrite keeps the original frames), with a static {@code block(Memory, long)} if {@code block}
     * is given, rewritten in {@code mode} and bound to {@code meter}.
     */
    private static Sample generated(String name, ProtectionMode mode, Meter meter, Consumer<MethodVisitor> run,
            Consumer<MethodVisitor> block) {
        byte[] bytes = GeneratedSamples.of(name, false, block == null ? writer -> { } : GeneratedSamples.block(block), run);
        Rewrite rewrite = rewrite(mode);
        return SampleLoader.instantiate(SampleLoader.bind(SampleLoader.define(name.replace('/', '.'),
                rewrite.apply(bytes)), rewrite, meter));
    }

    private static Trap trap(Class<? extends Sample> sample, ProtectionMode mode) {
        Sample loaded = SampleLoader.load(sample, rewrite(mode), refilled(FUEL, BYTES));
        return catchThrowableOfType(Trap.class, () -> loaded.run(MEMORY, SEGMENT.base(), 0, 0));
    }

    private static Rewrite rewrite(ProtectionMode mode) {
        return Rewrite.of(mode).segment(SEGMENT).metered(true);
    }

    private static Meter refilled(long fuel, long bytes) {
        Meter meter = new Meter();
        meter.refill(fuel, bytes, 64);
        return meter;
    }
}
