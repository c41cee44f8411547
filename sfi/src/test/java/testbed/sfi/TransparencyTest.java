package testbed.sfi;

import static org.assertj.core.api.Assertions.assertThat;
import static testbed.sfi.SampleLoader.DOMAIN;
import static testbed.sfi.SampleLoader.SEGMENT;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.api.Memory;
import testbed.sfi.runtime.Meter;

/**
 * Well-behaved extensions cannot tell they were rewritten: in every mode, metered or not, stores
 * only or not, they give the same answers and leave the same memory image as unrewritten. The
 * samples are plain javac output with the shapes that make frames and handlers hard.
 */
class TransparencyTest {
    private static final long ADDRESS = SEGMENT.base() + 0x100;

    /** Loops, every switch form, try/catch/finally, recursion, constructors, static state, arrays. */
    public static final class Shapes implements Sample {
        private static final int[] PRIMES = new int[16];

        static {
            int found = 0;
            for (int candidate = 2; found < PRIMES.length; candidate++) {
                boolean prime = true;
                for (int divisor = 2; divisor * divisor <= candidate; divisor++) {
                    if (candidate % divisor == 0) {
                        prime = false;
                        break;
                    }
                }
                if (prime) {
                    PRIMES[found++] = candidate;
                }
            }
        }

        private final long seed;
        private double scale;

        public Shapes() {
            this(17);
        }

        private Shapes(long seed) {
            this.seed = seed;
            this.scale = seed > 10 ? 1.5 : 0.5;
        }

        @Override
        public long run(Memory memory, long address, long value, long length) {
            long h = seed;
            outer:
            for (int i = 0; i < length; i++) {
                byte b = memory.load8(address + i);
                switch (b & 7) {
                    case 0:
                        h += 1;
                        break;
                    case 1:
                        h *= 31;
                        break;
                    case 2:
                        continue outer;
                    case 3:
                        h ^= PRIMES[i & 15];
                        break;
                    default:
                        h -= b;
                }
                switch (b) {
                    case -100:
                        h++;
                        break;
                    case 7:
                        h--;
                        break;
                    case 99:
                        h += 99;
                        break;
                    default:
                        break;
                }
                if (h == 42) {
                    break;
                }
            }
            switch ((h & 1) == 0 ? "even" : "odd") {
                case "even":
                    h += 2;
                    break;
                case "odd":
                    h += 3;
                    break;
                default:
                    h = 0;
            }
            try {
                h += divide(h, value);
            } catch (ArithmeticException e) {
                h = ~h;
            } finally {
                memory.store64(address, h);
            }
            try {
                try {
                    throw new IllegalArgumentException("thrown");
                } finally {
                    h += 5;
                }
            } catch (IllegalArgumentException e) {
                h += e.getMessage().length();
            }
            double d = scale;
            int k = 0;
            do {
                d = d * 1.01 + memory.load16(address + 2 * k);
                k++;
            } while (k < 8);
            int[][] grid = new int[3][4];
            for (int[] row : grid) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = (int) h + j;
                }
            }
            memory.store32(address + 8, grid[2][3]);
            memory.store8(address + 12, (byte) h);
            memory.copy(address + 64, address, 16);
            Object either = (h & 2) == 0 ? new StringBuilder("ab") : new ArrayList<String>(List.of("a", "b", "c"));
            return (long) d + factorial(5) + memory.load64(address + 64) + locked(memory, address)
                    + either.toString().length() + memory.load8(address + 12) + memory.load32(address + 8);
        }

        private static long divide(long a, long b) {
            return a / b;
        }

        private long factorial(int n) {
            return n == 0 ? 1 : n * factorial(n - 1);
        }

        private synchronized long locked(Memory memory, long address) {
            memory.store16(address + 32, (short) 7);
            return memory.load16(address + 32);
        }
    }

    static Stream<Arguments> rewrites() {
        List<Arguments> rewrites = new ArrayList<>();
        for (ProtectionMode mode : ProtectionMode.values()) {
            for (boolean metered : new boolean[] {false, true}) {
                Rewrite rewrite = Rewrite.of(mode).segment(SEGMENT).metered(metered);
                rewrites.add(Arguments.of(rewrite));
                rewrites.add(Arguments.of(rewrite.storesOnly()));
            }
        }
        return rewrites.stream();
    }

    @ParameterizedTest
    @MethodSource("rewrites")
    void wellBehavedSamplesGiveTheSameAnswersAndMemoryInEveryMode(Rewrite rewrite) {
        for (long value : new long[] {3, 0}) { // 0: the ArithmeticException path
            Outcome unrewritten = run(Rewrite.of(ProtectionMode.NONE).segment(SEGMENT), value);
            Outcome rewritten = run(rewrite, value);

            assertThat(rewritten).isEqualTo(unrewritten);
        }
    }

    private record Outcome(long answer, long memoryChecksum, List<Integer> pagesWritten) {
    }

    private static Outcome run(Rewrite rewrite, long value) {
        PhysicalMemory memory = SampleLoader.memory();
        Meter meter = new Meter();
        meter.refill(1_000_000, 1 << 20, 64);
        Sample sample = SampleLoader.load(Shapes.class, rewrite, meter);
        memory.actAs(DOMAIN);
        long answer = sample.run(memory, ADDRESS, value, 300);
        memory.actAs(PhysicalMemory.KERNEL);
        List<Integer> written = new ArrayList<>();
        for (int page : memory.touchedPages()) {
            if ((memory.writersOf(page) & (1L << DOMAIN)) != 0) {
                written.add(page);
            }
        }
        return new Outcome(answer, memory.checksum(0, (int) memory.size()), written);
    }
}
