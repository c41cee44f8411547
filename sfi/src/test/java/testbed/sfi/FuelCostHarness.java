package testbed.sfi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.Opcodes;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.Trap;
import testbed.kernel.api.Memory;
import testbed.sfi.runtime.Meter;

/**
 * Measures the wall time one unit of fuel can buy: each sample below does the costliest thing
 * a protected extension can do per unit (a loop of it), run under the standard budget until the
 * fuel is gone, called from {@value #HOST_FRAMES} frames deep as the kernel's crossing is (the
 * JVM fills every frame of the thread into an exception's stack trace). Not a test: it asserts
 * nothing and its figures depend on the machine.
 *
 * <pre>
 * mvn -B -ntp -o -q -pl sfi -am test-compile
 * java -cp "sfi/target/test-classes:sfi/target/classes:$(cat /tmp/sfi.cp)" testbed.sfi.FuelCostHarness [mode] [runs]
 * </pre>
 */
public final class FuelCostHarness {
    private static final long FUEL = 30_000;
    private static final int HOST_FRAMES = 100;
    private static final int DEPTH = 200;

    private FuelCostHarness() {
    }

    /** A plain counting loop: what a unit of fuel is priced against. */
    public static final class Spin implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            long n = 0;
            while (n >= 0) {
                n++;
            }
            return n;
        }
    }

    /** At the depth limit, divides by zero and catches the JVM's exception, forever. */
    public static final class CatchAtDepth implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            return dive(DEPTH - 3, value);
        }

        private long dive(int depth, long zero) {
            if (depth > 0) {
                return dive(depth - 1, zero);
            }
            long caught = 0;
            while (caught >= 0) {
                try {
                    caught += 1 / zero;
                } catch (ArithmeticException e) {
                    caught++;
                }
            }
            return caught;
        }
    }

    /** At the depth limit, constructs exceptions forever. */
    public static final class ConstructAtDepth implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            return dive(DEPTH - 3);
        }

        private long dive(int depth) {
            if (depth > 0) {
                return dive(depth - 1);
            }
            long made = 0;
            while (made >= 0) {
                made += new IllegalStateException("x").getMessage().length();
            }
            return made;
        }
    }

    /** Worst-case naive searches (a run of 'a' for a run of 'a' ending in 'b'), of the size that costs most per charged unit. */
    public static final class Search implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < length; i++) {
                b.append('a');
            }
            String hay = b.toString();
            String needle = hay.substring(0, (int) (length / 2)) + "b";
            long found = 0;
            while (found <= 0) {
                found += hay.indexOf(needle) + hay.lastIndexOf(needle) + (hay.contains(needle) ? 1 : 0);
            }
            return found;
        }
    }

    /** Compares and hashes long equal strings. */
    public static final class Compare implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < length; i++) {
                b.append('a');
            }
            String one = b.toString();
            String two = b.toString();
            long same = 0;
            while (same >= 0) {
                same += one.equals(two) ? 1 : 0;
                same += one.compareTo(two) + one.substring(1).hashCode();
            }
            return same;
        }
    }

    /** Copies a 256 KiB array onto another, forever. */
    public static final class ArrayCopy implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            int[] from = new int[1 << 16];
            int[] to = new int[1 << 16];
            while (to[0] >= 0) {
                System.arraycopy(from, 0, to, 0, from.length);
            }
            return to[0];
        }
    }

    /** Copies half the segment onto the other half, forever. */
    public static final class SegmentCopy implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            while (length >= 0) {
                memory.copy(address, address + 0x8000, 0x8000);
            }
            return 0;
        }
    }

    /** Concatenates and appends long strings, forever. */
    public static final class Concatenate implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < length; i++) {
                b.append('a');
            }
            String s = b.toString();
            long total = 0;
            while (total >= 0) {
                total += s.concat(s).length() + (s + s).length() + new StringBuilder(s).append(s).append(s).length();
            }
            return total;
        }
    }

    /** Allocates 1 MiB arrays, forever (the byte budget is lifted for this one). */
    public static final class Allocate implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            long total = 0;
            while (total >= 0) {
                total += new byte[1 << 20].length;
            }
            return total;
        }
    }

    /**
     * A method of {@value #STORES} stores and no branch, called in a loop: code that runs long
     * between two metered points because it is long, not because it loops.
     */
    static byte[] straightLine() {
        String name = "testbed/sfi/StraightLine";
        return GeneratedSamples.of(name, true, GeneratedSamples.block(block -> {
            for (int i = 0; i < STORES; i++) {
                block.visitVarInsn(Opcodes.ALOAD, 0);
                block.visitVarInsn(Opcodes.LLOAD, 1);
                block.visitInsn(Opcodes.ICONST_1);
                block.visitMethodInsn(Opcodes.INVOKEINTERFACE, "testbed/kernel/api/Memory", "store32", "(JI)V", true);
            }
            block.visitInsn(Opcodes.RETURN);
        }), run -> {
            Label loop = new Label();
            run.visitLabel(loop);
            run.visitVarInsn(Opcodes.ALOAD, 1);
            run.visitVarInsn(Opcodes.LLOAD, 2);
            run.visitMethodInsn(Opcodes.INVOKESTATIC, name, "block", "(Ltestbed/kernel/api/Memory;J)V", false);
            run.visitJumpInsn(Opcodes.GOTO, loop);
        });
    }

    private static final int STORES = 2000;

    public static void main(String[] args) {
        ProtectionMode mode = args.length > 0 ? ProtectionMode.valueOf(args[0]) : ProtectionMode.SFI_CHECK;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        PhysicalMemory memory = SampleLoader.memory();
        System.out.printf(Locale.ROOT, "%s, fuel %d per run, %d runs after %d warm-up runs, %d host frames below the domain%n",
                mode, FUEL, runs, runs, HOST_FRAMES);
        System.out.printf(Locale.ROOT, "%-18s %12s %12s %10s %10s  %s%n", "sample", "median ns/u", "max ns/u", "units", "ms/run", "ended by");
        for (Class<? extends Sample> sample : List.of(Spin.class, CatchAtDepth.class, ConstructAtDepth.class, Search.class,
                Compare.class, ArrayCopy.class, SegmentCopy.class, Concatenate.class, Allocate.class, Sample.class)) {
            long length = sample == Search.class ? 256 : 4096;
            long bytes = sample == Allocate.class ? Long.MAX_VALUE / 2 : 8L << 20;
            List<double[]> results = new ArrayList<>();
            String ended = "";
            for (int i = 0; i < 2 * runs; i++) {
                Meter meter = new Meter();
                meter.refill(FUEL, bytes, DEPTH);
                Rewrite rewrite = Rewrite.of(mode).segment(SampleLoader.SEGMENT).metered(true);
                Sample loaded = sample == Sample.class
                        ? (Sample) SampleLoader.instantiate(SampleLoader.bind(SampleLoader.define("testbed.sfi.StraightLine",
                                rewrite.apply(straightLine())), rewrite, meter))
                        : SampleLoader.load(sample, rewrite, meter);
                meter.refill(FUEL, bytes, DEPTH);
                long start = System.nanoTime();
                try {
                    atDepth(HOST_FRAMES, loaded, memory, length);
                } catch (Trap t) {
                    ended = t.kind().name();
                }
                long nanos = System.nanoTime() - start;
                long used = FUEL - meter.fuelLeft();
                if (i >= runs) {
                    results.add(new double[] {(double) nanos / Math.max(1, used), used, nanos / 1e6});
                }
            }
            double[] perUnit = results.stream().mapToDouble(r -> r[0]).sorted().toArray();
            System.out.printf(Locale.ROOT, "%-18s %12.1f %12.1f %10.0f %10.2f  %s%n",
                    sample == Sample.class ? "StraightLine" : sample.getSimpleName(),
                    perUnit[perUnit.length / 2], perUnit[perUnit.length - 1],
                    Arrays.stream(results.toArray(new double[0][])).mapToDouble(r -> r[1]).average().orElse(0),
                    Arrays.stream(results.toArray(new double[0][])).mapToDouble(r -> r[2]).average().orElse(0), ended);
        }
    }

    private static long atDepth(int frames, Sample sample, PhysicalMemory memory, long length) {
        if (frames > 0) {
            return atDepth(frames - 1, sample, memory, length) + 1;
        }
        return sample.run(memory, SampleLoader.SEGMENT.base(), 0, length);
    }
}
