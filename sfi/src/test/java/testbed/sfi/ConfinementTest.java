package testbed.sfi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static testbed.sfi.SampleLoader.DOMAIN;
import static testbed.sfi.SampleLoader.SEGMENT;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import testbed.kernel.MachineCheck;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.Trap;
import testbed.kernel.api.Memory;

/** What each protection mode does with one access inside, across the edge of, and outside the segment. */
class ConfinementTest {
    private static final long BASE = SEGMENT.base();
    private static final long END = SEGMENT.end();
    /** A kernel address below the segment. */
    private static final long KERNEL = 0x1000;

    /** Stores {@code value} as a 32-bit word at {@code address} and reads it back. */
    public static final class StoreAndLoad implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            memory.store32(address, (int) value);
            return memory.load32(address);
        }
    }

    /** A 64-bit store, which can spill past the segment's end from its last seven bytes. */
    public static final class Store64 implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            memory.store64(address, value);
            return 0;
        }
    }

    /** A copy of {@code length} bytes from {@code value} to {@code address}. */
    public static final class Copy implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            memory.copy(address, value, length);
            return 0;
        }
    }

    /** A load only: stores-only rewrites leave it alone. */
    public static final class Load64 implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            return memory.load64(address);
        }
    }

    /** Tries to swallow whatever its store raises. */
    public static final class CatchAll implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            try {
                memory.store8(address, (byte) value);
            } catch (Throwable swallowed) {
                return -42;
            }
            return 1;
        }
    }

    /** Tries to swallow its trap in a synchronized method, which the JVM unlocks on the way out. */
    public static final class SynchronizedMethod implements Sample {
        @Override
        public synchronized long run(Memory memory, long address, long value, long length) {
            memory.store16(address, (short) value);
            return 2;
        }
    }

    @Test
    void unprotectedWildStoreDamagesTheKernel() {
        PhysicalMemory memory = SampleLoader.memory();
        Sample sample = SampleLoader.load(StoreAndLoad.class, ProtectionMode.NONE);

        assertThat(run(sample, memory, KERNEL, 0x5eed)).isEqualTo(0x5eed);
        assertThat(memory.peek32(KERNEL)).isEqualTo(0x5eed);
        assertThat(memory.writersOf((int) (KERNEL >>> PhysicalMemory.PAGE_SHIFT)) & (1L << DOMAIN)).isNotZero();
    }

    @Test
    void maskingRedirectsAWildStoreIntoTheSegment() {
        PhysicalMemory memory = SampleLoader.memory();
        int kernelWord = memory.peek32(KERNEL);
        Sample sample = SampleLoader.load(StoreAndLoad.class, ProtectionMode.SFI_MASK);

        assertThat(run(sample, memory, KERNEL, 0x5eed)).isEqualTo(0x5eed);
        assertThat(memory.peek32(KERNEL)).isEqualTo(kernelWord);
        assertThat(memory.peek32(BASE + (KERNEL & SEGMENT.mask()))).isEqualTo(0x5eed);
        assertOnlySegmentWritten(memory);
    }

    @Test
    void maskingLeavesAMultiByteStoreStraddlingTheTopOfTheSegmentToFaultOnTheGuardZone() {
        PhysicalMemory memory = SampleLoader.memory();
        memory.guard((int) (END >>> PhysicalMemory.PAGE_SHIFT), (int) (SEGMENT.size() >>> PhysicalMemory.PAGE_SHIFT), true);
        long below = memory.peek64(END - 8);
        Sample sample = SampleLoader.load(Store64.class, ProtectionMode.SFI_MASK);

        MachineCheck fault = catchThrowableOfType(MachineCheck.class, () -> run(sample, memory, END - 3, 0x1122334455667788L));

        assertThat(fault.guardPage()).isTrue();
        assertThat(fault.address()).as("masked, not clamped").isEqualTo(END - 3);
        assertThat(memory.peek64(END - 8)).isEqualTo(below);
        assertThat(memory.touchedPages()).isEmpty();
        run(sample, memory, END - 8 + SEGMENT.size() * 5, 0x1122334455667788L);
        assertThat(memory.peek64(END - 8)).as("a wild store that fits lands inside").isEqualTo(0x1122334455667788L);
        assertOnlySegmentWritten(memory);
    }

    @Test
    void segmentMatchingTrapsNamingAccessAddressSegmentAndLocation() {
        PhysicalMemory memory = SampleLoader.memory();
        Sample sample = SampleLoader.load(StoreAndLoad.class, ProtectionMode.SFI_CHECK);

        Trap trap = catchThrowableOfType(Trap.class, () -> run(sample, memory, END, 1));

        String location = locationOf(StoreAndLoad.class, "store32");
        assertThat(trap.kind()).isEqualTo(Trap.Kind.SEGMENT_VIOLATION);
        assertThat(trap.location()).isEqualTo(location);
        assertThat(trap.getMessage()).isEqualTo("segment violation: store32 at 0x50000 outside segment "
                + "[0x40000, 0x50000) at " + location);
        assertThat(memory.touchedPages()).isEmpty();
    }

    @Test
    void boundsCheckTrapsWithChicorysMessage() {
        PhysicalMemory memory = SampleLoader.memory();
        Sample sample = SampleLoader.load(Store64.class, ProtectionMode.BOUNDS);

        Trap trap = catchThrowableOfType(Trap.class, () -> run(sample, memory, END - 3, 1));

        String location = locationOf(Store64.class, "store64");
        assertThat(trap.kind()).isEqualTo(Trap.Kind.OUT_OF_BOUNDS);
        assertThat(trap.location()).isEqualTo(location);
        assertThat(trap.getMessage()).isEqualTo("out of bounds memory access: attempted to access address: 0x4fffd"
                + " but limit is: 0x50000 (store64 in segment [0x40000, 0x50000) at " + location + ")");
        assertThat(memory.touchedPages()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = ProtectionMode.class, names = {"SFI_CHECK", "BOUNDS"})
    void checksLetEveryAccessInsideTheSegmentThrough(ProtectionMode mode) {
        PhysicalMemory memory = SampleLoader.memory();
        Sample words = SampleLoader.load(StoreAndLoad.class, mode);
        Sample longs = SampleLoader.load(Store64.class, mode);

        assertThat(run(words, memory, BASE, 7)).isEqualTo(7);
        assertThat(run(words, memory, END - 4, 8)).isEqualTo(8);
        run(longs, memory, END - 8, 9);

        assertThat(memory.peek64(END - 8)).isEqualTo(9);
        assertOnlySegmentWritten(memory);
    }

    @Test
    void maskedCopyKeepsBothRangesInsideTheSegment() {
        PhysicalMemory memory = SampleLoader.memory();
        Sample sample = SampleLoader.load(Copy.class, ProtectionMode.SFI_MASK);

        run(sample, memory, END - 16, KERNEL, 4096);
        run(sample, memory, KERNEL, END - 100, -1);
        run(sample, memory, Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);

        assertOnlySegmentWritten(memory);
        assertThat(pagesReadOutsideTheSegment(memory)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = ProtectionMode.class, names = {"SFI_CHECK", "BOUNDS"})
    void checkedCopyTrapsOnEitherRangeAndOnABadLength(ProtectionMode mode) {
        PhysicalMemory memory = SampleLoader.memory();
        Sample sample = SampleLoader.load(Copy.class, mode);

        assertThatThrownBy(() -> run(sample, memory, END - 16, BASE, 17)).isInstanceOf(Trap.class);
        assertThatThrownBy(() -> run(sample, memory, BASE, KERNEL, 8)).isInstanceOf(Trap.class);
        assertThatThrownBy(() -> run(sample, memory, BASE, BASE, -1)).isInstanceOf(Trap.class);
        run(sample, memory, END - 16, BASE, 16);
        run(sample, memory, KERNEL, KERNEL, 0);

        assertOnlySegmentWritten(memory);
    }

    @ParameterizedTest
    @EnumSource(value = ProtectionMode.class, names = {"SFI_MASK", "SFI_CHECK", "BOUNDS"})
    void storesOnlyLeavesLoadsAloneAndStillConfinesStores(ProtectionMode mode) {
        PhysicalMemory memory = SampleLoader.memory();
        Rewrite storesOnly = Rewrite.of(mode).segment(SEGMENT).storesOnly();
        Sample load = SampleLoader.load(Load64.class, storesOnly, null);
        Sample store = SampleLoader.load(Store64.class, storesOnly, null);

        assertThat(run(load, memory, KERNEL, 0)).isEqualTo(memory.peek64(KERNEL));
        try {
            run(store, memory, KERNEL, 1);
        } catch (Trap expectedUnderChecks) {
            assertThat(mode).isNotEqualTo(ProtectionMode.SFI_MASK);
        }
        assertOnlySegmentWritten(memory);
        assertThatThrownBy(() -> run(load, memory, Long.MIN_VALUE, 0)).isInstanceOf(MachineCheck.class);
    }

    @ParameterizedTest
    @EnumSource(value = ProtectionMode.class, names = {"SFI_CHECK", "BOUNDS"})
    void catchThrowableCannotSwallowATrap(ProtectionMode mode) {
        PhysicalMemory memory = SampleLoader.memory();
        Sample sample = SampleLoader.load(CatchAll.class, mode);

        assertThat(run(sample, memory, BASE, 1)).isEqualTo(1);
        assertThatThrownBy(() -> run(sample, memory, KERNEL, 1)).isInstanceOf(Trap.class);
    }

    @ParameterizedTest
    @EnumSource(value = ProtectionMode.class, names = {"SFI_CHECK", "BOUNDS"})
    void aTrapLeavesASynchronizedMethodAsATrap(ProtectionMode mode) {
        PhysicalMemory memory = SampleLoader.memory();
        Sample sample = SampleLoader.load(SynchronizedMethod.class, mode);

        assertThatThrownBy(() -> run(sample, memory, KERNEL, 1)).isInstanceOf(Trap.class);
        assertThat(run(sample, memory, BASE, 1)).isEqualTo(2);
    }

    private static long run(Sample sample, PhysicalMemory memory, long address, long value) {
        return run(sample, memory, address, value, 0);
    }

    private static long run(Sample sample, PhysicalMemory memory, long address, long value, long length) {
        int previous = memory.actAs(DOMAIN);
        try {
            return sample.run(memory, address, value, length);
        } finally {
            memory.actAs(previous);
        }
    }

    private static void assertOnlySegmentWritten(PhysicalMemory memory) {
        for (int page : memory.touchedPages()) {
            if ((memory.writersOf(page) & (1L << DOMAIN)) != 0) {
                assertThat(SEGMENT.contains((long) page << PhysicalMemory.PAGE_SHIFT, PhysicalMemory.PAGE_SIZE))
                        .as("page %d written by the domain", page).isTrue();
            }
        }
    }

    private static List<Integer> pagesReadOutsideTheSegment(PhysicalMemory memory) {
        return java.util.Arrays.stream(memory.touchedPages())
                .filter(page -> (memory.readersOf(page) & (1L << DOMAIN)) != 0)
                .filter(page -> !SEGMENT.contains((long) page << PhysicalMemory.PAGE_SHIFT, PhysicalMemory.PAGE_SIZE))
                .boxed().toList();
    }

    /**
     * {@code Class.run@index} of the only call to {@code Memory.<access>} in a sample's {@code run},
     * counted independently of the rewrite: instructions of the original class, without labels,
     * line numbers and frames.
     */
    static String locationOf(Class<?> sample, String access) {
        ClassNode type = new ClassNode();
        new ClassReader(SampleLoader.bytesOf(sample)).accept(type, 0);
        MethodNode run = type.methods.stream().filter(m -> m.name.equals("run")).findFirst().orElseThrow();
        int index = 0;
        for (AbstractInsnNode instruction : run.instructions) {
            if (instruction.getOpcode() < 0) {
                continue;
            }
            if (instruction instanceof MethodInsnNode && ((MethodInsnNode) instruction).name.equals(access)) {
                return sample.getName() + ".run@" + index;
            }
            index++;
        }
        throw new IllegalArgumentException("no call to " + access + " in " + sample.getName());
    }
}
