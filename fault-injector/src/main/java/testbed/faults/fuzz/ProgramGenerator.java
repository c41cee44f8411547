package testbed.faults.fuzz;

import java.util.ArrayList;
import java.util.List;
import testbed.program.Op;
import testbed.program.Op.Arith;
import testbed.program.Op.Helper;
import testbed.program.Op.Thrown;
import testbed.program.Op.Width;
import testbed.program.Program;
import testbed.faults.fuzz.GenerationStats.CopyLength;
import testbed.faults.fuzz.GenerationStats.Depth;
import testbed.faults.fuzz.GenerationStats.Family;
import testbed.faults.fuzz.GenerationStats.LoopTrips;
import testbed.faults.fuzz.GenerationStats.Misuse;
import testbed.kernel.Domain;
import testbed.kernel.KernelConfig;
import testbed.kernel.api.BootHeader;

/**
 * Generates random extension programs, malicious and buggy ones aimed where isolation is most
 * likely to fail, and benign ones as controls. Every decision comes from a {@link Choices}, so a
 * program is a pure function of (generator settings, choices, name).
 *
 * <p>A {@link Flavour#HOSTILE} program mixes arithmetic (division by zero included), loads and
 * stores of every width, copies of zero, small, segment-sized, negative and huge lengths, loops
 * with constant, computed and (rarely) unbounded trip counts, shallow and deep recursion, helper
 * calls with valid and hostile arguments, throws and handlers (rarely one for {@code Throwable},
 * which the verifier refuses), and conditionals on values read back from memory. About half of its
 * accesses stay in its segment; the rest aim at the {@link AddressClass dangerous places}. A
 * {@link Flavour#BENIGN} program only touches its own segment, runs small bounded loops and shallow
 * recursion, pairs every lock, allocation and frame binding, catches every exception it throws and
 * returns an answer in {@code [0, length]}. Either way the interpreter's trace, not the flavour, is
 * the judge of what a program did.
 *
 * <p>Registers {@code r0} (the packet) and {@code r1} (its length) are never written before the
 * final operation, which sets the answer; {@code r2..r7} are scratch. A program has at most
 * {@link #maxOps()} operations, nested ones included.
 *
 * <p>Immutable apart from its {@link #stats()}: use one generator per thread.
 */
public final class ProgramGenerator {

    /** Whether a program is meant to stay benign or to misbehave. */
    public enum Flavour { BENIGN, HOSTILE }

    /** The default {@link #maxOps()}. */
    public static final int DEFAULT_MAX_OPS = 40;
    /** The fewest operations a generator may be limited to: one statement and the answer. */
    public static final int MIN_MAX_OPS = 4;
    /** Per cent of programs that are {@link Flavour#BENIGN}. */
    public static final int BENIGN_PERCENT = 30;

    private final Layout layout;
    private final int maxOps;
    private final GenerationStats stats = new GenerationStats();

    private ProgramGenerator(Layout layout, int maxOps) {
        if (maxOps < MIN_MAX_OPS) {
            throw new IllegalArgumentException("maxOps must be at least " + MIN_MAX_OPS + ", got " + maxOps);
        }
        if (layout.segmentSize() > 1 << 30) {
            throw new IllegalArgumentException("segments over 1 GiB do not fit physical memory: " + layout.segmentSize());
        }
        this.layout = layout;
        this.maxOps = maxOps;
    }

    /** A generator of programs for the machine {@code layout} describes, at most {@value #DEFAULT_MAX_OPS} operations each. */
    public static ProgramGenerator over(Layout layout) {
        return new ProgramGenerator(layout, DEFAULT_MAX_OPS);
    }

    /**
     * The same generator with another size limit (and fresh stats). Sizes are spread over
     * {@code [maxOps / 4, maxOps]}.
     */
    public ProgramGenerator maxOps(int ops) {
        return new ProgramGenerator(layout, ops);
    }

    /** The most operations a program has, nested ones included. */
    public int maxOps() {
        return maxOps;
    }

    /** The machine the programs are aimed at. */
    public Layout layout() {
        return layout;
    }

    /** What this generator has produced so far. */
    public GenerationStats stats() {
        return stats;
    }

    /** Draws a flavour: {@value #BENIGN_PERCENT}% benign; a source that has run dry draws benign. */
    public Flavour flavour(Choices choices) {
        return choices.nextInt(100) < BENIGN_PERCENT ? Flavour.BENIGN : Flavour.HOSTILE;
    }

    /** A program of a flavour drawn from {@code choices}. */
    public Program generate(Choices choices, String name) {
        return generate(choices, name, flavour(choices));
    }

    /**
     * A program of the given flavour.
     *
     * @param name the program's name, a Java identifier
     * @throws IllegalArgumentException if {@code name} is not a Java identifier
     */
    public Program generate(Choices choices, String name, Flavour flavour) {
        Program program = new Draft(choices, flavour == Flavour.HOSTILE).program(name);
        stats.count(program, flavour);
        return program;
    }

    // ------------------------------------------------------------------ the mix

    private static final int PACKET = 0;
    private static final int LENGTH = 1;
    private static final int REGISTERS = Program.REGISTERS;
    private static final int SCRATCH = 0xFF & ~(1 << PACKET | 1 << LENGTH);

    private static final Width[] WIDTHS = Width.values();
    private static final Arith.Kind[] ARITH_KINDS = Arith.Kind.values();
    private static final Op.If.Cmp[] CMPS = Op.If.Cmp.values();
    private static final Thrown[] THROWN = Thrown.values();
    private static final AddressClass[] ADDRESS_CLASSES = AddressClass.values();
    private static final CopyLength[] COPY_LENGTHS = CopyLength.values();
    private static final LoopTrips[] LOOP_TRIPS = LoopTrips.values();
    private static final Depth[] DEPTHS = Depth.values();
    private static final Helper[] HELPERS = Helper.values();

    /** Most operations one address computation emits (a masked pointer read back from the segment). */
    private static final int ADDRESS_COST = 8;
    /** Most operations the answer at the end emits. */
    private static final int ANSWER_COST = 2;
    /** Most operations a nested body aims for (it may finish the statement it started). */
    private static final int NESTED_TARGET = 12;
    private static final int HANDLER_TARGET = 4;
    private static final int MAX_NESTING = 3;
    private static final int MAX_LOOP_NESTING = 2;
    /**
     * Benign loops run at most this many times (a power of two minus one, used as a mask), so
     * that nested benign loops with recursion stay far below the sandbox's standard fuel.
     */
    private static final int BENIGN_TRIPS_MASK = 15;
    private static final int SHALLOW_DEPTH = 8;
    /** Bytes either side of the segment's start that a start-edge access may aim at. */
    private static final int START_EDGE = 16;
    /** Bytes either side of the last in-segment position that an end-edge access may aim at. */
    private static final int END_EDGE = 8;
    /** Bytes of the "hot" area that stores, conditionals and read-backs favour, so that reads see earlier writes. */
    private static final int HOT_BYTES = 64;

    /**
     * What a statement needs of the remaining budget before it may start (for a nested one, with
     * a one-operation body), and its weight in each flavour. Benign weights favour plain
     * computation and in-segment access; hostile ones add more helper misuse and throws. The first
     * statement is the cheapest, so a dry source of choices emits arithmetic.
     */
    private enum Statement {
        ARITH(2, 14, 12),
        LOAD(ADDRESS_COST + 1, 16, 16),
        STORE(ADDRESS_COST + 2, 16, 16),
        COPY(2 * ADDRESS_COST + 3, 4, 6),
        LOOP(8, 6, 6),
        IF(ADDRESS_COST + 4, 6, 6),
        RECURSE(2, 3, 4),
        CALL(ADDRESS_COST + 2, 8, 12),
        TRY(2, 4, 5),
        /** A benign program throws only inside a handler that catches it; the weight applies there. */
        THROW(1, 3, 2);

        final int cost;
        final int benign;
        final int hostile;

        Statement(int cost, int benign, int hostile) {
            this.cost = cost;
            this.benign = benign;
            this.hostile = hostile;
        }
    }

    private static final Statement[] STATEMENTS = Statement.values();

    /**
     * Where accesses aim, by flavour. Hostile: half in the segment or the packet (so hostile
     * programs still do real work and many trials end well), the other half spread over the
     * places a broken isolation leaks to, edges weighted up because off-by-one bugs live there.
     * Benign: only forms that provably stay in the segment (the read-back is masked into it).
     */
    private static final int[] HOSTILE_ADDRESS = weights(AddressClass.class,
            AddressClass.IN_SEGMENT, 40, AddressClass.SEGMENT_START_EDGE, 6, AddressClass.SEGMENT_END_EDGE, 8,
            AddressClass.KERNEL_REGION, 10, AddressClass.NEIGHBOUR_SEGMENT, 8, AddressClass.NEGATIVE, 4,
            AddressClass.HUGE, 5, AddressClass.READ_BACK, 9, AddressClass.PACKET, 10);
    private static final int[] BENIGN_ADDRESS = weights(AddressClass.class,
            AddressClass.IN_SEGMENT, 70, AddressClass.READ_BACK, 10, AddressClass.PACKET, 20);
    /** For helper arguments that are meant to be foreign: the hostile classes that leave the segment. */
    private static final int[] OUTSIDE_ADDRESS = weights(AddressClass.class,
            AddressClass.SEGMENT_START_EDGE, 6, AddressClass.SEGMENT_END_EDGE, 8, AddressClass.KERNEL_REGION, 10,
            AddressClass.NEIGHBOUR_SEGMENT, 8, AddressClass.NEGATIVE, 4, AddressClass.HUGE, 5, AddressClass.READ_BACK, 9);
    /** For helper arguments that are meant to be the program's own. */
    private static final int[] INSIDE_ADDRESS = weights(AddressClass.class, AddressClass.IN_SEGMENT, 1, AddressClass.PACKET, 1);

    private static final int[] HOSTILE_COPY = weights(CopyLength.class,
            CopyLength.ZERO, 10, CopyLength.SMALL, 45, CopyLength.SEGMENT, 20, CopyLength.NEGATIVE, 10, CopyLength.HUGE, 15);
    private static final int[] BENIGN_COPY = weights(CopyLength.class, CopyLength.ZERO, 15, CopyLength.SMALL, 85);

    /** Unbounded loops are rare: a program stuck in one tests the watchdog and fuel, nothing else. */
    private static final int[] HOSTILE_LOOP = weights(LoopTrips.class,
            LoopTrips.BOUNDED, 80, LoopTrips.REGISTER, 18, LoopTrips.UNBOUNDED, 2);
    private static final int[] BENIGN_LOOP = weights(LoopTrips.class, LoopTrips.BOUNDED, 75, LoopTrips.REGISTER, 25);

    private static final int[] HOSTILE_DEPTH = weights(Depth.class, Depth.SHALLOW, 80, Depth.DEEP, 20);

    /** A {@code Throwable} handler makes the verifier refuse the whole program, so it is rare. */
    private static final int[] HOSTILE_CATCH = weights(Thrown.class,
            Thrown.ARITHMETIC, 30, Thrown.ILLEGAL_STATE, 20, Thrown.RUNTIME, 40, Thrown.THROWABLE, 2);
    private static final int[] BENIGN_CATCH = weights(Thrown.class, Thrown.ARITHMETIC, 30, Thrown.ILLEGAL_STATE, 20, Thrown.RUNTIME, 40);

    /**
     * How a helper is called: well-formed uses (hostile programs make them too, so that misuse is
     * not all their calls do), calls with whatever the registers hold, and the misuses.
     */
    private enum HelperUse {
        TIME(2, 2, null), ALLOC_AND_FREE(3, 2, null), SEND(2, 2, null), LOG(2, 2, null), LOCK_AND_UNLOCK(2, 2, null),
        BIND_AND_RELEASE(2, 2, null), RANDOM_ARGUMENTS(0, 2, null),
        HOSTILE_ALLOC(0, 1, Misuse.HOSTILE_ALLOC), FREE_UNKNOWN(0, 1, Misuse.FREE_UNKNOWN), DOUBLE_FREE(0, 1, Misuse.DOUBLE_FREE),
        FOREIGN_ADDRESS(0, 2, Misuse.FOREIGN_ADDRESS), BAD_LENGTH(0, 2, Misuse.BAD_LENGTH), UNKNOWN_LOCK(0, 1, Misuse.UNKNOWN_LOCK),
        DOUBLE_LOCK(0, 1, Misuse.DOUBLE_LOCK), LOCK_HELD(0, 1, Misuse.LOCK_HELD), UNLOCK_NOT_HELD(0, 1, Misuse.UNLOCK_NOT_HELD),
        FRAME_HOARD(0, 1, Misuse.FRAME_HOARD), FORGED_FRAME(0, 1, Misuse.FORGED_FRAME);

        final int benign;
        final int hostile;
        final Misuse misuse;

        HelperUse(int benign, int hostile, Misuse misuse) {
            this.benign = benign;
            this.hostile = hostile;
            this.misuse = misuse;
        }
    }

    private static final HelperUse[] USES = HelperUse.values();
    private static final int[] BENIGN_USE = new int[USES.length];
    private static final int[] HOSTILE_USE = new int[USES.length];

    static {
        for (HelperUse use : USES) {
            BENIGN_USE[use.ordinal()] = use.benign;
            HOSTILE_USE[use.ordinal()] = use.hostile;
        }
    }

    /** The answers, by flavour: benign ones are in {@code [0, length]}; the first (drop) is the dry source's. */
    private enum Answer { DROP, ACCEPT, HALF, OVERSIZE, NEGATIVE, ADDRESS, SCRATCH }

    private static final Answer[] ANSWERS = Answer.values();
    private static final int[] BENIGN_ANSWER = weights(Answer.class, Answer.DROP, 40, Answer.ACCEPT, 40, Answer.HALF, 20);
    private static final int[] HOSTILE_ANSWER = weights(Answer.class, Answer.DROP, 25, Answer.ACCEPT, 25, Answer.HALF, 10,
            Answer.OVERSIZE, 10, Answer.NEGATIVE, 10, Answer.ADDRESS, 10, Answer.SCRATCH, 10);

    /** A weight table indexed by ordinal from (constant, weight) pairs; unnamed constants weigh zero. */
    private static <E extends Enum<E>> int[] weights(Class<E> type, Object... pairs) {
        int[] w = new int[type.getEnumConstants().length];
        for (int i = 0; i < pairs.length; i += 2) {
            w[type.cast(pairs[i]).ordinal()] = (Integer) pairs[i + 1];
        }
        return w;
    }

    private static int bit(int register) {
        return 1 << register;
    }

    /** Masks of the thrown kinds a handler for {@code caught} catches (THROWABLE is thrown as a RuntimeException). */
    private static int catches(Thrown caught) {
        return switch (caught) {
            case ARITHMETIC -> bit(Thrown.ARITHMETIC.ordinal());
            case ILLEGAL_STATE -> bit(Thrown.ILLEGAL_STATE.ordinal());
            case RUNTIME, THROWABLE -> bit(THROWN.length) - 1;
        };
    }

    // ------------------------------------------------------------------ one program

    /** The state of one program being generated. */
    private final class Draft {
        private final Choices c;
        private final boolean hostile;
        private final long segmentSize = layout.segmentSize();
        private final int[] fitting = new int[STATEMENTS.length];
        /** Operations the program may still add, answer excluded: the hard limit. */
        private int remaining;
        private int nesting;
        private int loopNesting;
        /** Benign only: the thrown kinds some enclosing handler catches (bits by ordinal). */
        private int caught;

        Draft(Choices c, boolean hostile) {
            this.c = c;
            this.hostile = hostile;
        }

        Program program(String name) {
            int least = Math.max(MIN_MAX_OPS, maxOps / 4);
            int target = least + c.nextInt(maxOps - least + 1);
            remaining = maxOps - ANSWER_COST;
            List<Op> body = new ArrayList<>(target);
            statements(body, target - ANSWER_COST);
            answer(body);
            return new Program(name, body);
        }

        private void emit(List<Op> out, Op op) {
            out.add(op);
            remaining--;
        }

        /** Adds statements until {@code target} operations are added or none fits the hard limit. */
        private void statements(List<Op> out, int target) {
            int start = remaining;
            while (start - remaining < target) {
                int total = 0;
                for (Statement s : STATEMENTS) {
                    int w = fits(s) ? (hostile ? s.hostile : s.benign) : 0;
                    fitting[s.ordinal()] = w;
                    total += w;
                }
                if (total == 0) {
                    return;
                }
                statement(STATEMENTS[c.pick(fitting)], out);
            }
        }

        private boolean fits(Statement s) {
            return s.cost <= remaining && switch (s) {
                case LOOP -> nesting < MAX_NESTING && loopNesting < MAX_LOOP_NESTING;
                case IF, TRY -> nesting < MAX_NESTING;
                case THROW -> hostile || caught != 0;
                default -> true;
            };
        }

        private void statement(Statement s, List<Op> out) {
            switch (s) {
                case ARITH -> arith(out);
                case LOAD -> {
                    Width w = width();
                    int a = address(out, w.bytes(), 0);
                    emit(out, new Op.Load(scratch(0), w, a));
                }
                case STORE -> {
                    Width w = width();
                    int a = address(out, w.bytes(), 0);
                    emit(out, new Op.Store(w, a, value(out, bit(a))));
                }
                case COPY -> copy(out);
                case LOOP -> loop(out);
                case IF -> conditional(out);
                case RECURSE -> recurse(out);
                case CALL -> call(out);
                case TRY -> handler(out);
                case THROW -> emit(out, new Op.Throw(THROWN[hostile ? c.nextInt(THROWN.length) : oneOf(caught)]));
            }
        }

        // -------------------------------------------------------------- registers and values

        /** A scratch register not in {@code avoid}, uniformly. */
        private int scratch(int avoid) {
            int free = SCRATCH & ~avoid;
            for (int k = c.nextInt(Integer.bitCount(free)); k > 0; k--) {
                free &= free - 1;
            }
            return Integer.numberOfTrailingZeros(free);
        }

        private int anyRegister() {
            return c.nextInt(REGISTERS);
        }

        /** The index of a uniformly chosen set bit of a non-zero mask. */
        private int oneOf(int mask) {
            for (int k = c.nextInt(Integer.bitCount(mask)); k > 0; k--) {
                mask &= mask - 1;
            }
            return Integer.numberOfTrailingZeros(mask);
        }

        private Width width() {
            return WIDTHS[c.nextInt(WIDTHS.length)];
        }

        /** A register holding a value to store: any register as it is, or a fresh interesting constant. */
        private int value(List<Op> out, int avoid) {
            if (c.nextBoolean()) {
                return anyRegister();
            }
            int v = scratch(avoid);
            emit(out, new Op.Const(v, interesting()));
            return v;
        }

        /** Constants that make arithmetic and comparisons go wrong at the edges; small ones first. */
        private long interesting() {
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

        // -------------------------------------------------------------- statements

        private void arith(List<Op> out) {
            int dst = scratch(0);
            Arith.Kind kind = ARITH_KINDS[c.nextInt(ARITH_KINDS.length)];
            if (kind == Arith.Kind.DIV || kind == Arith.Kind.REM) {
                int b = scratch(bit(dst));
                // Benign divisors are constants that are never zero; a hostile one is zero by
                // intent a quarter of the time, and otherwise whatever a register holds.
                if (!hostile) {
                    long divisor = 1 + c.nextInt(255);
                    emit(out, new Op.Const(b, c.nextBoolean() ? -divisor : divisor));
                } else if (c.nextInt(4) == 0) {
                    emit(out, new Op.Const(b, 0));
                } else {
                    b = anyRegister();
                }
                emit(out, new Arith(dst, kind, anyRegister(), b));
            } else if (c.nextBoolean()) {
                int b = scratch(bit(dst));
                emit(out, new Op.Const(b, interesting()));
                emit(out, new Arith(dst, kind, anyRegister(), b));
            } else {
                emit(out, new Arith(dst, kind, anyRegister(), anyRegister()));
            }
        }

        private void copy(List<Op> out) {
            CopyLength kind = COPY_LENGTHS[c.pick(hostile ? HOSTILE_COPY : BENIGN_COPY)];
            stats.note(Family.COPY_LENGTH, kind);
            int l = scratch(0);
            long span = 1;
            switch (kind) {
                case ZERO -> emit(out, new Op.Const(l, 0));
                case SMALL -> {
                    if (c.nextBoolean()) {
                        span = 1 + c.nextInt(64);
                        emit(out, new Op.Const(l, span));
                    } else {
                        // As much of the packet as fits a small buffer: a length computed at run time.
                        span = 63;
                        int t = scratch(bit(l));
                        emit(out, new Op.Const(t, span));
                        emit(out, new Arith(l, Arith.Kind.AND, LENGTH, t));
                    }
                }
                case SEGMENT -> {
                    span = segmentSize;
                    emit(out, c.nextBoolean() ? new Op.Segment(l, Op.Segment.Field.SIZE) : new Op.Const(l, segmentSize + c.nextInt(3) - 1));
                }
                case NEGATIVE -> emit(out, new Op.Const(l, pickLong(-1, -1 - c.nextInt(4096), Integer.MIN_VALUE, Long.MIN_VALUE)));
                case HUGE -> emit(out, new Op.Const(l, pickLong(layout.memorySize(), 1L << 32, Integer.MAX_VALUE + 1L, Long.MAX_VALUE)));
            }
            int d = address(out, span, bit(l));
            int s = address(out, span, bit(l) | bit(d));
            emit(out, new Op.Copy(d, s, l));
        }

        private long pickLong(long a, long b, long x, long y) {
            return switch (c.nextInt(4)) {
                case 0 -> a;
                case 1 -> b;
                case 2 -> x;
                default -> y;
            };
        }

        private void loop(List<Op> out) {
            LoopTrips kind = LOOP_TRIPS[c.pick(hostile ? HOSTILE_LOOP : BENIGN_LOOP)];
            long trips = 0;
            int register = -1;
            switch (kind) {
                case BOUNDED -> trips = hostile && c.nextInt(50) == 0 ? pickLong(1L << 31, 1L << 40, Long.MAX_VALUE, 100_000_000) : c.nextInt(9);
                case REGISTER -> register = tripRegister(out);
                case UNBOUNDED -> trips = Op.Loop.UNBOUNDED;
            }
            loopNesting++;
            List<Op> body = nested(1, NESTED_TARGET);
            loopNesting--;
            emit(out, new Op.Loop(trips, register, body));
        }

        /**
         * A register holding a computed trip count: the packet length, a packet byte or a word of
         * the segment, masked small in a benign program; also raw, negative or (rarely) huge in a
         * hostile one. At most six operations.
         */
        private int tripRegister(List<Op> out) {
            int r = scratch(0);
            int t = scratch(bit(r));
            // Sources 0..2 are masked small (the benign ones); 3..5 give the same values raw.
            int source = hostile ? c.nextInt(10) : c.nextInt(3);
            switch (source) {
                case 0 -> {
                    masked(out, r, t, LENGTH);
                    return r;
                }
                case 1, 4 -> {
                    emit(out, new Op.Const(t, c.nextInt(64)));
                    emit(out, new Arith(r, Arith.Kind.ADD, PACKET, t));
                    emit(out, new Op.Load(r, source == 1 ? Width.W8 : Width.W16, r));
                }
                case 2, 5 -> {
                    hotSlot(out, r, t);
                    emit(out, new Op.Load(r, Width.W64, r));
                }
                case 3 -> {
                    return LENGTH;
                }
                case 6, 7 -> emit(out, new Op.Const(r, pickLong(-1, Integer.MIN_VALUE, Long.MIN_VALUE, -c.nextInt(1000))));
                case 8 -> emit(out, new Op.Const(r, c.nextInt(9)));
                default -> emit(out, new Op.Const(r, pickLong(1L << 31, 1L << 40, Long.MAX_VALUE, 100_000_000)));
            }
            if (source < 3) {
                masked(out, r, t, r);
            }
            return r;
        }

        /** {@code r = source & BENIGN_TRIPS_MASK}: 2 operations. */
        private void masked(List<Op> out, int r, int t, int source) {
            emit(out, new Op.Const(t, BENIGN_TRIPS_MASK));
            emit(out, new Arith(r, Arith.Kind.AND, source, t));
        }

        private void conditional(List<Op> out) {
            int v;
            // Mostly on a value read back from memory, so the path depends on what the program
            // (or the kernel, if it reads outside) stored.
            if (c.nextInt(5) != 0) {
                Width w = width();
                int a = address(out, w.bytes(), 0);
                v = scratch(0);
                emit(out, new Op.Load(v, w, a));
            } else {
                v = anyRegister();
            }
            int other;
            switch (c.nextInt(3)) {
                case 0 -> {
                    other = scratch(bit(v));
                    emit(out, new Op.Const(other, interesting()));
                }
                case 1 -> other = LENGTH;
                default -> other = anyRegister();
            }
            Op.If.Cmp cmp = CMPS[c.nextInt(CMPS.length)];
            emit(out, new Op.If(v, cmp, other, nested(1, NESTED_TARGET)));
        }

        private void recurse(List<Op> out) {
            Depth kind = hostile ? DEPTHS[c.pick(HOSTILE_DEPTH)] : Depth.SHALLOW;
            stats.note(Family.RECURSION, kind);
            int d = scratch(0);
            long depth = kind == Depth.SHALLOW ? c.nextInt(SHALLOW_DEPTH + 1)
                    : pickLong(1_000, 100_000, Integer.MAX_VALUE, Long.MAX_VALUE);
            emit(out, new Op.Const(d, depth));
            emit(out, new Op.Recurse(scratch(0), d));
        }

        private void handler(List<Op> out) {
            Thrown kind = THROWN[c.pick(hostile ? HOSTILE_CATCH : BENIGN_CATCH)];
            int outer = caught;
            if (!hostile) {
                caught |= catches(kind);
            }
            List<Op> body = nested(1, NESTED_TARGET);
            caught = outer;
            List<Op> handler = nested(0, HANDLER_TARGET);
            emit(out, new Op.Try(body, kind, handler));
        }

        /**
         * A nested body aiming at {@code least..most} operations, leaving one operation of the hard
         * limit for the statement that holds it.
         */
        private List<Op> nested(int least, int most) {
            List<Op> body = new ArrayList<>();
            int room = remaining - 1;
            int target = least + c.nextInt(Math.max(1, Math.min(room, most) - least + 1));
            remaining--;
            nesting++;
            statements(body, target);
            nesting--;
            remaining++;
            return body;
        }

        // -------------------------------------------------------------- helper calls

        private void call(List<Op> out) {
            HelperUse use = USES[c.pick(hostile ? HOSTILE_USE : BENIGN_USE)];
            switch (use) {
                case TIME -> emit(out, new Op.Call(scratch(0), Helper.TIME, List.of()));
                case ALLOC_AND_FREE -> {
                    int size = scratch(0);
                    int p = scratch(0);
                    int zero = scratch(bit(p));
                    int v = scratch(bit(p) | bit(zero));
                    emit(out, new Op.Const(size, 8 + c.nextInt(249)));
                    emit(out, new Op.Call(p, Helper.ALLOC, List.of(size)));
                    emit(out, new Op.Const(zero, 0));
                    // The store into the block is guarded: a failed allocation returns a negative status, not an address.
                    stats.note(Family.ADDRESS, AddressClass.IN_SEGMENT);
                    List<Op> fill = new ArrayList<>(2);
                    emit(fill, new Op.Const(v, interesting()));
                    emit(fill, new Op.Store(Width.W64, p, v));
                    emit(out, new Op.If(p, Op.If.Cmp.GE, zero, fill));
                    emit(out, new Op.Call(scratch(bit(p)), Helper.FREE, List.of(p)));
                }
                case SEND, LOG -> {
                    Helper helper = use == HelperUse.SEND ? Helper.SEND_PACKET : Helper.LOG;
                    if (c.nextBoolean()) {
                        stats.note(Family.ADDRESS, AddressClass.PACKET);
                        emit(out, new Op.Call(scratch(0), helper, List.of(PACKET, LENGTH)));
                    } else {
                        int length = 1 + c.nextInt(64);
                        int a = address(out, length, 0);
                        int l = scratch(bit(a));
                        emit(out, new Op.Const(l, length));
                        emit(out, new Op.Call(scratch(0), helper, List.of(a, l)));
                    }
                }
                case LOCK_AND_UNLOCK -> {
                    int k = lockId(out, c.nextInt(layout.locks()));
                    emit(out, new Op.Call(scratch(bit(k)), Helper.LOCK, List.of(k)));
                    emit(out, new Op.Call(scratch(0), Helper.UNLOCK, List.of(k)));
                }
                case BIND_AND_RELEASE -> {
                    int f = scratch(0);
                    emit(out, new Op.Call(f, Helper.BIND_FRAME, List.of()));
                    emit(out, new Op.Call(scratch(0), Helper.RELEASE_FRAME, List.of(f)));
                }
                case RANDOM_ARGUMENTS -> {
                    Helper helper = HELPERS[c.nextInt(HELPERS.length)];
                    List<Integer> args = new ArrayList<>(helper.arity());
                    for (int i = 0; i < helper.arity(); i++) {
                        args.add(anyRegister());
                    }
                    emit(out, new Op.Call(scratch(0), helper, args));
                }
                default -> misuse(use, out);
            }
        }

        /** The kernel-interface attacks: each must be refused with a status, or cleaned up by the abort. */
        private void misuse(HelperUse use, List<Op> out) {
            stats.note(Family.MISUSE, use.misuse);
            switch (use) {
                case HOSTILE_ALLOC -> {
                    int size = scratch(0);
                    long[] sizes = {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, segmentSize, segmentSize - Domain.WINDOW_SIZE + 1, 1L << 32};
                    emit(out, new Op.Const(size, sizes[c.nextInt(sizes.length)]));
                    emit(out, new Op.Call(scratch(0), Helper.ALLOC, List.of(size)));
                }
                case FREE_UNKNOWN -> {
                    int a = address(out, 8, 0);
                    emit(out, new Op.Call(scratch(0), Helper.FREE, List.of(a)));
                }
                case DOUBLE_FREE -> {
                    int size = scratch(0);
                    int p = scratch(0);
                    emit(out, new Op.Const(size, 8 + c.nextInt(120)));
                    emit(out, new Op.Call(p, Helper.ALLOC, List.of(size)));
                    emit(out, new Op.Call(scratch(bit(p)), Helper.FREE, List.of(p)));
                    emit(out, new Op.Call(scratch(bit(p)), Helper.FREE, List.of(p)));
                }
                case FOREIGN_ADDRESS, BAD_LENGTH -> {
                    Helper helper = c.nextBoolean() ? Helper.SEND_PACKET : Helper.LOG;
                    long length;
                    int a;
                    if (use == HelperUse.FOREIGN_ADDRESS) {
                        length = 1 + c.nextInt(KernelConfig.MAX_PACKET);
                        a = address(out, length, 0, OUTSIDE_ADDRESS);
                    } else {
                        long[] lengths = {-1, Integer.MIN_VALUE, Integer.MAX_VALUE, segmentSize, segmentSize + 1,
                            (1L << 32) + 5, KernelConfig.MAX_PACKET + 1, Domain.WINDOW_SIZE + 1};
                        length = lengths[c.nextInt(lengths.length)];
                        a = address(out, 1, 0, INSIDE_ADDRESS);
                    }
                    int l = scratch(bit(a));
                    emit(out, new Op.Const(l, length));
                    emit(out, new Op.Call(scratch(0), helper, List.of(a, l)));
                }
                case UNKNOWN_LOCK -> {
                    long[] ids = {-1, layout.locks(), layout.locks() + 1 + c.nextInt(1000), Integer.MAX_VALUE, Integer.MIN_VALUE,
                        1L << 32};
                    int k = scratch(0);
                    emit(out, new Op.Const(k, ids[c.nextInt(ids.length)]));
                    emit(out, new Op.Call(scratch(0), c.nextBoolean() ? Helper.LOCK : Helper.UNLOCK, List.of(k)));
                }
                case DOUBLE_LOCK -> {
                    int k = lockId(out, c.nextInt(layout.locks()));
                    emit(out, new Op.Call(scratch(bit(k)), Helper.LOCK, List.of(k)));
                    emit(out, new Op.Call(scratch(bit(k)), Helper.LOCK, List.of(k)));
                    if (c.nextBoolean()) {
                        emit(out, new Op.Call(scratch(0), Helper.UNLOCK, List.of(k)));
                    }
                }
                case LOCK_HELD -> {
                    int k = lockId(out, c.nextInt(layout.locks()));
                    emit(out, new Op.Call(scratch(0), Helper.LOCK, List.of(k)));
                }
                case UNLOCK_NOT_HELD -> {
                    int k = lockId(out, c.nextInt(layout.locks()));
                    emit(out, new Op.Call(scratch(0), Helper.UNLOCK, List.of(k)));
                }
                case FRAME_HOARD -> emit(out, new Op.Call(scratch(0), Helper.BIND_FRAME, List.of()));
                case FORGED_FRAME -> {
                    int f = scratch(0);
                    switch (c.nextInt(5)) {
                        case 0 -> emit(out, new Op.Const(f, c.nextInt(Math.toIntExact(kernelFrames()))));
                        case 1 -> emit(out, new Op.Const(f, foreignFrame()));
                        case 2 -> {
                            // The first frame of its own segment: owned as segment, not as a binding.
                            int t = scratch(bit(f));
                            emit(out, new Op.Segment(f, Op.Segment.Field.BASE));
                            emit(out, new Op.Const(t, 12));
                            emit(out, new Arith(f, Arith.Kind.USHR, f, t));
                        }
                        case 3 -> emit(out, new Op.Const(f, layout.frames() + c.nextInt(100)));
                        default -> emit(out, new Op.Const(f, pickLong(-1, Integer.MIN_VALUE, Long.MIN_VALUE, 1L << 32)));
                    }
                    emit(out, new Op.Call(scratch(0), Helper.RELEASE_FRAME, List.of(f)));
                }
                default -> throw new AssertionError(use);
            }
        }

        private int lockId(List<Op> out, long id) {
            int k = scratch(0);
            emit(out, new Op.Const(k, id));
            return k;
        }

        private long kernelFrames() {
            List<Layout.Area> regions = layout.kernelRegions();
            return regions.get(regions.size() - 1).end() >>> 12;
        }

        private long foreignFrame() {
            List<Layout.Area> foreign = layout.foreignSegments();
            return foreign.isEmpty() ? 0 : foreign.get(c.nextInt(foreign.size())).base() >>> 12;
        }

        // -------------------------------------------------------------- addresses

        /**
         * Emits the computation of an address for an access of {@code span} bytes into a scratch
         * register not in {@code avoid} (using one more as a temporary) and returns that register.
         * At most {@link #ADDRESS_COST} operations.
         */
        private int address(List<Op> out, long span, int avoid) {
            return address(out, span, avoid, hostile ? HOSTILE_ADDRESS : BENIGN_ADDRESS);
        }

        /** {@link #address(List, long, int)} with the classes drawn from {@code weights}. */
        private int address(List<Op> out, long span, int avoid, int[] weights) {
            AddressClass target = ADDRESS_CLASSES[c.pick(weights)];
            if (!hostile && span > 8 && target != AddressClass.PACKET) {
                // A masked read-back fits accesses of up to 8 bytes; longer benign ones are placed directly.
                target = AddressClass.IN_SEGMENT;
            }
            stats.note(Family.ADDRESS, target);
            int a = scratch(avoid);
            int t = scratch(avoid | bit(a));
            long fit = Math.min(Math.max(span, 1), segmentSize);
            switch (target) {
                case IN_SEGMENT -> inSegment(out, a, t, fit);
                case SEGMENT_START_EDGE -> relative(out, a, t, c.nextInt(2 * START_EDGE + 1) - START_EDGE);
                case SEGMENT_END_EDGE -> {
                    long d = c.nextInt(2 * END_EDGE + 1) - END_EDGE;
                    if (c.nextBoolean()) {
                        relative(out, a, t, segmentSize - fit + d);
                    } else {
                        // Computed from the size the kernel reports, as an extension that knows nothing in advance would.
                        emit(out, new Op.Segment(a, Op.Segment.Field.BASE));
                        emit(out, new Op.Segment(t, Op.Segment.Field.SIZE));
                        emit(out, new Arith(a, Arith.Kind.ADD, a, t));
                        emit(out, new Op.Const(t, d - fit));
                        emit(out, new Arith(a, Arith.Kind.ADD, a, t));
                    }
                }
                case KERNEL_REGION -> {
                    List<Layout.Area> regions = layout.kernelRegions();
                    Layout.Area r = regions.get(c.nextInt(regions.size()));
                    emit(out, new Op.Const(a, r.base() + offset(r.size(), fit)));
                }
                case NEIGHBOUR_SEGMENT -> neighbour(out, a, t, fit);
                case NEGATIVE -> {
                    switch (c.nextInt(5)) {
                        case 0 -> emit(out, new Op.Const(a, -1 - c.nextInt(16)));
                        case 1 -> emit(out, new Op.Const(a, Long.MIN_VALUE + c.nextInt(16)));
                        case 2 -> emit(out, new Op.Const(a, Integer.MIN_VALUE + c.nextInt(16)));
                        case 3 -> emit(out, new Op.Const(a, c.nextLong() | Long.MIN_VALUE));
                        default -> relative(out, a, t, -layout.memorySize() - c.nextInt(4096));
                    }
                }
                case HUGE -> {
                    long memory = layout.memorySize();
                    switch (c.nextInt(6)) {
                        case 0 -> emit(out, new Op.Const(a, memory - fit + 1 + c.nextInt(8)));
                        case 1 -> emit(out, new Op.Const(a, memory + c.nextInt(1 << 20)));
                        case 2 -> emit(out, new Op.Const(a, (1L << 32) + c.nextInt(4096)));
                        case 3 -> emit(out, new Op.Const(a, Long.MAX_VALUE - c.nextInt(16)));
                        // An offset so large that base + offset wraps around to a negative address.
                        case 4 -> relative(out, a, t, Long.MAX_VALUE - c.nextInt(16));
                        default -> emit(out, new Op.Const(a, (c.nextLong() >>> 1) | memory << 8));
                    }
                }
                case READ_BACK -> readBack(out, a, t, fit);
                case PACKET -> {
                    if (!hostile || c.nextInt(4) != 0) {
                        emit(out, new Op.Const(t, c.nextInt((int) Math.max(1, 64 - Math.min(fit, 64) + 1))));
                        emit(out, new Arith(a, Arith.Kind.ADD, PACKET, t));
                    } else {
                        // Around the packet's end: the classic filter bug of trusting the length.
                        emit(out, new Arith(a, Arith.Kind.ADD, PACKET, LENGTH));
                        emit(out, new Op.Const(t, c.nextInt(9) - 4 - fit));
                        emit(out, new Arith(a, Arith.Kind.ADD, a, t));
                    }
                }
            }
            return a;
        }

        /** {@code a} = an address wholly inside the segment for {@code span} bytes: 3 operations. */
        private void inSegment(List<Op> out, int a, int t, long span) {
            long limit = segmentSize - span;
            long offset;
            switch (c.nextInt(4)) {
                case 0 -> offset = Math.min(hot() + c.nextInt(HOT_BYTES), limit);
                case 1 -> offset = c.nextInt((int) Math.min(Domain.WINDOW_SIZE, limit + 1));
                case 2 -> offset = c.nextInt((int) (limit + 1));
                default -> offset = limit - c.nextInt((int) Math.min(HOT_BYTES, limit + 1));
            }
            if (aligned(span) && c.nextInt(4) != 0) {
                offset &= -span;
            }
            relative(out, a, t, offset);
        }

        /** Whether an access of {@code span} bytes has a natural alignment: a power of two up to a long. */
        private static boolean aligned(long span) {
            return span <= 8 && Long.bitCount(span) == 1;
        }

        /** Where the hot area starts: past the packet window, inside even the smallest segment. */
        private long hot() {
            return Math.min(2 * Domain.WINDOW_SIZE, segmentSize / 2);
        }

        /** {@code a = segment base + delta}: 3 operations. */
        private void relative(List<Op> out, int a, int t, long delta) {
            emit(out, new Op.Segment(a, Op.Segment.Field.BASE));
            emit(out, new Op.Const(t, delta));
            emit(out, new Arith(a, Arith.Kind.ADD, a, t));
        }

        /** A random offset for {@code span} bytes in an area of {@code size}, half the time among its first bytes (headers, magic, counters). */
        private long offset(long size, long span) {
            long limit = Math.max(0, size - span);
            long offset = c.nextBoolean() ? c.nextInt((int) Math.min(HOT_BYTES, limit + 1)) : c.nextInt((int) Math.min(Integer.MAX_VALUE, limit + 1));
            return aligned(span) ? offset & -span : offset;
        }

        private void neighbour(List<Op> out, int a, int t, long span) {
            int form = c.nextInt(10);
            List<Layout.Area> foreign = layout.foreignSegments();
            if (form < 6 || foreign.isEmpty()) {
                // The segment just above (or below): segments are size-aligned and adjacent, so this is where another domain lives.
                emit(out, new Op.Segment(a, Op.Segment.Field.BASE));
                emit(out, new Op.Segment(t, Op.Segment.Field.SIZE));
                emit(out, new Arith(a, form < 4 ? Arith.Kind.ADD : Arith.Kind.SUB, a, t));
                emit(out, new Op.Const(t, offset(segmentSize, span)));
                emit(out, new Arith(a, Arith.Kind.ADD, a, t));
            } else if (form < 9) {
                Layout.Area s = foreign.get(c.nextInt(foreign.size()));
                emit(out, new Op.Const(a, s.base() + offset(s.size(), span)));
            } else {
                relative(out, a, t, (2 + c.nextInt(7)) * segmentSize + offset(segmentSize, span));
            }
        }

        /**
         * An address loaded from memory. Benign: a word of the segment's hot area or of the packet,
         * masked into the segment. Hostile also: a region pointer from the boot header, or the raw
         * value of a segment or packet word (often zero, which is the boot header's address).
         */
        private void readBack(List<Op> out, int a, int t, long span) {
            int form = hostile ? c.nextInt(5) : c.nextInt(2);
            switch (form) {
                case 0, 2 -> {
                    hotSlot(out, a, t);
                    emit(out, new Op.Load(a, Width.W64, a));
                }
                case 1, 3 -> {
                    emit(out, new Op.Const(t, c.nextInt(61)));
                    emit(out, new Arith(a, Arith.Kind.ADD, PACKET, t));
                    emit(out, new Op.Load(a, c.nextBoolean() ? Width.W16 : Width.W32, a));
                }
                default -> {
                    emit(out, new Op.Const(a, BootHeader.baseOf(1 + c.nextInt(BootHeader.REGION_COUNT - 1))));
                    emit(out, new Op.Load(a, Width.W64, a));
                    emit(out, new Op.Const(t, 8L * c.nextInt(32)));
                    emit(out, new Arith(a, Arith.Kind.ADD, a, t));
                    return;
                }
            }
            if (form < 2) {
                // segment size - span is a mask of span-aligned offsets that leave room for the access.
                emit(out, new Op.Const(t, segmentSize - (aligned(span) ? span : 8)));
                emit(out, new Arith(a, Arith.Kind.AND, a, t));
                emit(out, new Op.Segment(t, Op.Segment.Field.BASE));
                emit(out, new Arith(a, Arith.Kind.ADD, a, t));
            }
        }

        /** {@code a} = the address of an 8-byte slot in the segment's hot area: 3 operations. */
        private void hotSlot(List<Op> out, int a, int t) {
            relative(out, a, t, hot() + 8L * c.nextInt(HOT_BYTES / 8));
        }

        // -------------------------------------------------------------- the answer

        private void answer(List<Op> out) {
            remaining += ANSWER_COST;
            switch (ANSWERS[c.pick(hostile ? HOSTILE_ANSWER : BENIGN_ANSWER)]) {
                case DROP -> emit(out, new Op.Const(PACKET, 0));
                case ACCEPT -> emit(out, new Arith(PACKET, Arith.Kind.OR, LENGTH, LENGTH));
                case HALF -> {
                    int t = scratch(0);
                    emit(out, new Op.Const(t, 1));
                    emit(out, new Arith(PACKET, Arith.Kind.USHR, LENGTH, t));
                }
                case OVERSIZE -> {
                    int t = scratch(0);
                    emit(out, new Op.Const(t, 1 + c.nextInt(16)));
                    emit(out, new Arith(PACKET, Arith.Kind.ADD, LENGTH, t));
                }
                case NEGATIVE -> emit(out, new Op.Const(PACKET, -1 - c.nextInt(1 << 16)));
                case ADDRESS -> {
                    // r0 still holds the packet's address: its low 32 bits are a bad answer.
                }
                case SCRATCH -> {
                    int r = scratch(0);
                    emit(out, new Arith(PACKET, Arith.Kind.OR, r, r));
                }
            }
        }
    }
}
