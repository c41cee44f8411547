package testbed.faults.fuzz;

import java.util.List;
import testbed.kernel.KernelConfig;
import testbed.program.Op;
import testbed.program.Op.Width;
import testbed.program.Program;

/**
 * One program being generated: the source of its choices, its flavour, the machine it aims at,
 * and the hard limit of operations it may still add, which every emitted operation spends. The
 * register and value choices every shape of statement shares are made here, so that each draws
 * from the one source in the order the program is written.
 */
final class Draft {
    static final int PACKET = 0;
    static final int LENGTH = 1;
    static final int REGISTERS = Program.REGISTERS;
    static final int SCRATCH = 0xFF & ~(1 << PACKET | 1 << LENGTH);

    final Choices c;
    final boolean hostile;
    final Layout layout;
    final GenerationStats stats;
    final long segmentSize;
    /** Operations the program may still add, answer excluded: the hard limit. */
    int remaining;

    Draft(Choices c, boolean hostile, Layout layout, GenerationStats stats) {
        this.c = c;
        this.hostile = hostile;
        this.layout = layout;
        this.stats = stats;
        this.segmentSize = layout.segmentSize();
    }

    static int bit(int register) {
        return 1 << register;
    }

    void emit(List<Op> out, Op op) {
        out.add(op);
        remaining--;
    }

    /** A scratch register not in {@code avoid}, uniformly. */
    int scratch(int avoid) {
        int free = SCRATCH & ~avoid;
        for (int k = c.nextInt(Integer.bitCount(free)); k > 0; k--) {
            free &= free - 1;
        }
        return Integer.numberOfTrailingZeros(free);
    }

    int anyRegister() {
        return c.nextInt(REGISTERS);
    }

    /** The index of a uniformly chosen set bit of a non-zero mask. */
    int oneOf(int mask) {
        for (int k = c.nextInt(Integer.bitCount(mask)); k > 0; k--) {
            mask &= mask - 1;
        }
        return Integer.numberOfTrailingZeros(mask);
    }

    Width width() {
        return Mix.WIDTHS[c.nextInt(Mix.WIDTHS.length)];
    }

    /** A register holding a value to store: any register as it is, or a fresh interesting constant. */
    int value(List<Op> out, int avoid) {
        if (c.nextBoolean()) {
            return anyRegister();
        }
        int v = scratch(avoid);
        emit(out, new Op.Const(v, interesting()));
        return v;
    }

    /** Constants that make arithmetic and comparisons go wrong at the edges; small ones first. */
    long interesting() {
        return switch (c.nextInt(12)) {
            case 0 -> c.nextInt(17);
            case 1 -> c.nextInt(256);
            case 2 -> -1;
            case 3 -> 1L << c.nextInt(63);
            case 4 -> Integer.MAX_VALUE;
            case 5 -> Integer.MIN_VALUE;
            case 6 -> 1L << 32;
            case 7 -> Long.MAX_VALUE;
            case 8 -> Long.MIN_VALUE;
            case 9 -> segmentSize;
            case 10 -> KernelConfig.MAX_PACKET;
            default -> c.nextLong();
        };
    }

    /** One of four values, uniformly. */
    long pickLong(long a, long b, long x, long y) {
        return switch (c.nextInt(4)) {
            case 0 -> a;
            case 1 -> b;
            case 2 -> x;
            default -> y;
        };
    }
}
