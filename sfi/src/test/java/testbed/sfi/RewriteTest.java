package testbed.sfi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static testbed.sfi.SampleLoader.SEGMENT;

import java.util.Arrays;
import java.util.function.LongFunction;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.Segment;
import testbed.kernel.Trap;
import testbed.kernel.api.Memory;
import testbed.sfi.runtime.Meter;

/** The rewrite as an API: its stages and values, and what it refuses and why. */
class RewriteTest {

    /** A well-behaved sample. */
    public static final class Plain implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            return memory.load8(address);
        }
    }

    /** Reaches for its own meter to refill itself. */
    public static final class RefillsItself implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            Meter.boundTo(RefillsItself.class).refill(Long.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
            return 0;
        }
    }

    /** Calls Memory through a method reference, which no call-site rewrite sees. */
    public static final class MethodReference implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            LongFunction<Byte> load = memory::load8;
            return load.apply(address);
        }
    }

    /** Takes a monitor in a block. */
    public static final class SynchronizedBlock implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            synchronized (this) {
                return memory.load8(address);
            }
        }
    }

    @Test
    void unmeteredNoneReturnsTheBytesUnchanged() {
        byte[] bytes = SampleLoader.bytesOf(Plain.class);

        assertThat(Rewrite.of(ProtectionMode.NONE).segment(SEGMENT).storesOnly().apply(bytes)).isSameAs(bytes);
    }

    /** Loops over the segment's first bytes for as long as it is asked to, then stores far outside it. */
    public static final class CountsAndEscapes implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            long sum = 0;
            for (long i = 0; i < length; i++) {
                sum += memory.load8(address + (i & 7));
            }
            memory.store8(value, (byte) 1);
            return sum;
        }
    }

    @Test
    void meteredNoneCountsWorkButConfinesNothing() {
        PhysicalMemory memory = SampleLoader.memory();
        Meter meter = new Meter();
        meter.refill(1_000, 1 << 20, 64);
        Sample sample = SampleLoader.load(CountsAndEscapes.class, Rewrite.of(ProtectionMode.NONE).segment(SEGMENT).metered(true), meter);
        long outside = SEGMENT.base() + SEGMENT.size() + 128;

        meter.refill(1_000, 1 << 20, 64);
        sample.run(memory, SEGMENT.base(), outside, 10);
        assertThat(memory.load8(outside)).as("the store outside the segment landed where it was aimed").isEqualTo((byte) 1);
        assertThat(meter.fuelLeft()).as("the loop's work was counted").isLessThan(1_000);

        meter.refill(1_000, 1 << 20, 64);
        assertThatThrownBy(() -> sample.run(memory, SEGMENT.base(), outside, 1_000_000))
                .isInstanceOfSatisfying(Trap.class, t -> assertThat(t.kind()).isEqualTo(Trap.Kind.FUEL_EXHAUSTED));
    }

    @ParameterizedTest
    @EnumSource(value = ProtectionMode.class, names = {"SFI_MASK", "SFI_CHECK", "BOUNDS", "PROCESS"})
    void theInputIsNotModified(ProtectionMode mode) {
        byte[] bytes = SampleLoader.bytesOf(Plain.class);
        byte[] copy = bytes.clone();

        byte[] rewritten = Rewrite.of(mode).segment(SEGMENT).metered(true).apply(bytes);

        assertThat(bytes).isEqualTo(copy);
        assertThat(rewritten).isNotEqualTo(bytes);
    }

    @ParameterizedTest
    @EnumSource(value = ProtectionMode.class, names = {"SFI_MASK", "SFI_CHECK", "BOUNDS", "PROCESS"})
    void malformedBytesAreRefusedWithTheReason(ProtectionMode mode) {
        Rewrite rewrite = Rewrite.of(mode).segment(SEGMENT).metered(true);
        byte[] valid = SampleLoader.bytesOf(Plain.class);

        assertRefused(rewrite, new byte[0], "not a class file: 0 bytes");
        assertRefused(rewrite, new byte[] {(byte) 0xDE, (byte) 0xAD, (byte) 0xBE, (byte) 0xEF, 0, 0, 0, 0, 0, 0},
                "not a class file: magic 0xdeadbeef");
        assertRefused(rewrite, Arrays.copyOf(valid, valid.length / 2), "malformed class file: ");
        assertRefused(rewrite, withMajorVersion(valid, 99), "malformed class file: java.lang.IllegalArgumentException: Unsupported class file version 99");
        assertRefused(rewrite, withMajorVersion(valid, 50),
                Plain.class.getName() + ": class file version 50 is older than Java 7 (51)");
    }

    @ParameterizedTest
    @EnumSource(value = ProtectionMode.class, names = {"SFI_MASK", "SFI_CHECK", "BOUNDS", "PROCESS"})
    void extensionCodeThatNamesTheIsolationRuntimeIsRefused(ProtectionMode mode) {
        assertRefused(Rewrite.of(mode).segment(SEGMENT), SampleLoader.bytesOf(RefillsItself.class),
                RefillsItself.class.getName() + ".run@1: extension code must not use the isolation runtime (testbed.sfi.runtime.Meter)");
    }

    @ParameterizedTest
    @EnumSource(value = ProtectionMode.class, names = {"SFI_MASK", "SFI_CHECK", "BOUNDS"})
    void aMethodHandleToMemoryIsRefused(ProtectionMode mode) {
        assertRefused(Rewrite.of(mode).segment(SEGMENT), SampleLoader.bytesOf(MethodReference.class),
                "a method handle to Memory.load8 would bypass the rewrite");
    }

    @ParameterizedTest
    @EnumSource(value = ProtectionMode.class, names = {"SFI_MASK", "SFI_CHECK", "BOUNDS", "PROCESS"})
    void synchronizedBlocksAreRefused(ProtectionMode mode) {
        assertRefused(Rewrite.of(mode).segment(SEGMENT), SampleLoader.bytesOf(SynchronizedBlock.class),
                SynchronizedBlock.class.getName() + ".run@3: synchronized blocks are not allowed in extensions");
    }

    @Test
    void aMeteredClassCannotBeRewrittenAgain() {
        Rewrite rewrite = Rewrite.of(ProtectionMode.SFI_MASK).segment(SEGMENT).metered(true);
        byte[] once = rewrite.apply(SampleLoader.bytesOf(Plain.class));

        assertRefused(rewrite, once, Plain.class.getName() + ".sfi-meter: names starting with 'sfi-' are reserved for the rewrite");
    }

    @Test
    void codeThatReachesForAReservedNameIsRefused() {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "testbed/sfi/Probe", null, "java/lang/Object", null);
        var code = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "probe", "()Ljava/lang/Object;", null, null);
        code.visitCode();
        code.visitFieldInsn(Opcodes.GETSTATIC, "testbed/sfi/Probe", "sfi-meter", "Ljava/lang/Object;");
        code.visitInsn(Opcodes.ARETURN);
        code.visitMaxs(0, 0);
        code.visitEnd();
        writer.visitEnd();

        assertRefused(Rewrite.of(ProtectionMode.BOUNDS).segment(SEGMENT).metered(true), writer.toByteArray(),
                "testbed.sfi.Probe.probe@0: sfi-meter is reserved for the rewrite");
    }

    @Test
    void aRewriteIsAnImmutableValue() {
        Rewrite plain = Rewrite.of(ProtectionMode.SFI_MASK).segment(SEGMENT);
        Rewrite metered = plain.metered(true);
        Rewrite storesOnly = metered.storesOnly();

        assertThat(plain.isMetered()).isFalse();
        assertThat(plain.isStoresOnly()).isFalse();
        assertThat(metered.isMetered()).isTrue();
        assertThat(metered.isStoresOnly()).isFalse();
        assertThat(storesOnly.isStoresOnly()).isTrue();
        assertThat(metered).isEqualTo(Rewrite.of(ProtectionMode.SFI_MASK).segment(SEGMENT).metered(true))
                .hasSameHashCodeAs(Rewrite.of(ProtectionMode.SFI_MASK).segment(SEGMENT).metered(true))
                .isNotEqualTo(plain)
                .isNotEqualTo(Rewrite.of(ProtectionMode.SFI_CHECK).segment(SEGMENT).metered(true))
                .isNotEqualTo(Rewrite.of(ProtectionMode.SFI_MASK).segment(new Segment(0x80000, 0x10000)).metered(true));
        assertThat(storesOnly).hasToString("Rewrite[SFI_MASK [0x40000, 0x50000), metered, stores only]");
        assertThat(storesOnly.mode()).isEqualTo(ProtectionMode.SFI_MASK);
        assertThat(storesOnly.segment()).isEqualTo(SEGMENT);
    }

    @Test
    void theSegmentIsBakedIntoTheRewrittenClass() {
        Segment other = new Segment(0x80000, 0x1000);
        Sample confinedElsewhere = SampleLoader.load(ConfinementTest.StoreAndLoad.class,
                Rewrite.of(ProtectionMode.SFI_MASK).segment(other), null);
        var memory = SampleLoader.memory();

        confinedElsewhere.run(memory, SEGMENT.base() + 0x123, 77, 0);

        assertThat(memory.peek32(other.base() + 0x123)).isEqualTo(77);
    }

    private static void assertRefused(Rewrite rewrite, byte[] bytes, String reason) {
        assertThatThrownBy(() -> rewrite.apply(bytes)).isInstanceOf(RewriteException.class).hasMessageContaining(reason);
    }

    private static byte[] withMajorVersion(byte[] classBytes, int major) {
        byte[] patched = classBytes.clone();
        patched[6] = (byte) (major >>> 8);
        patched[7] = (byte) major;
        return patched;
    }
}
