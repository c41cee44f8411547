package testbed.faults.fuzz;

import testbed.faults.fuzz.GenerationStats.CopyLength;
import testbed.faults.fuzz.GenerationStats.Depth;
import testbed.faults.fuzz.GenerationStats.LoopTrips;
import testbed.faults.fuzz.GenerationStats.Misuse;
import testbed.program.Op;
import testbed.program.Op.Arith;
import testbed.program.Op.Helper;
import testbed.program.Op.Thrown;
import testbed.program.Op.Width;

/**
 * The generator's mix: what each statement costs and weighs in each flavour, where accesses aim,
 * how long copies are, how loops and recursion are bounded, how helpers are used and what the
 * answer is, all as weight tables indexed by ordinal for {@link Choices#pick}. Changing a weight
 * changes every program generated from a seed.
 */
final class Mix {
    private Mix() {
    }

    static final Width[] WIDTHS = Width.values();
    static final Arith.Kind[] ARITH_KINDS = Arith.Kind.values();
    static final Op.If.Cmp[] CMPS = Op.If.Cmp.values();
    static final Thrown[] THROWN = Thrown.values();
    static final AddressClass[] ADDRESS_CLASSES = AddressClass.values();
    static final CopyLength[] COPY_LENGTHS = CopyLength.values();
    static final LoopTrips[] LOOP_TRIPS = LoopTrips.values();
    static final Depth[] DEPTHS = Depth.values();
    static final Helper[] HELPERS = Helper.values();

    /** Most operations one address computation emits (a masked pointer read back from the segment). */
    static final int ADDRESS_COST = 8;
    /** Most operations the answer at the end emits. */
    static final int ANSWER_COST = 2;
    /** Most operations a nested body aims for (it may finish the statement it started). */
    static final int NESTED_TARGET = 12;
    static final int HANDLER_TARGET = 4;
    static final int MAX_NESTING = 3;
    static final int MAX_LOOP_NESTING = 2;
    /**
     * Benign loops run at most this many times (a power of two minus one, used as a mask), so
     * that nested benign loops with recursion stay far below the sandbox's standard fuel.
     */
    static final int BENIGN_TRIPS_MASK = 15;
    static final int SHALLOW_DEPTH = 8;
    /** Bytes either side of the segment's start that a start-edge access may aim at. */
    static final int START_EDGE = 16;
    /** Bytes either side of the last in-segment position that an end-edge access may aim at. */
    static final int END_EDGE = 8;
    /** Bytes of the "hot" area that stores, conditionals and read-backs favour, so that reads see earlier writes. */
    static final int HOT_BYTES = 64;

    /**
     * What a statement needs of the remaining budget before it may start (for a nested one, with
     * a one-operation body), and its weight in each flavour. Benign weights favour plain
     * computation and in-segment access; hostile ones add more helper misuse and throws. The first
     * statement is the cheapest, so a dry source of choices emits arithmetic.
     */
    enum Statement {
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

    static final Statement[] STATEMENTS = Statement.values();

    /**
     * Where accesses aim, by flavour. Hostile: half in the segment or the packet (so hostile
     * programs still do real work and many trials end well), the other half spread over the
     * places a broken isolation leaks to, edges weighted up because off-by-one bugs live there.
     * Benign: only forms that provably stay in the segment (the read-back is masked into it).
     */
    static final int[] HOSTILE_ADDRESS = weights(AddressClass.class,
            AddressClass.IN_SEGMENT, 40, AddressClass.SEGMENT_START_EDGE, 6, AddressClass.SEGMENT_END_EDGE, 8,
            AddressClass.KERNEL_REGION, 10, AddressClass.NEIGHBOUR_SEGMENT, 8, AddressClass.NEGATIVE, 4,
            AddressClass.HUGE, 5, AddressClass.READ_BACK, 9, AddressClass.PACKET, 10);
    static final int[] BENIGN_ADDRESS = weights(AddressClass.class,
            AddressClass.IN_SEGMENT, 70, AddressClass.READ_BACK, 10, AddressClass.PACKET, 20);
    /** For helper arguments that are meant to be foreign: the hostile classes that leave the segment. */
    static final int[] OUTSIDE_ADDRESS = weights(AddressClass.class,
            AddressClass.SEGMENT_START_EDGE, 6, AddressClass.SEGMENT_END_EDGE, 8, AddressClass.KERNEL_REGION, 10,
            AddressClass.NEIGHBOUR_SEGMENT, 8, AddressClass.NEGATIVE, 4, AddressClass.HUGE, 5, AddressClass.READ_BACK, 9);
    /** For helper arguments that are meant to be the program's own. */
    static final int[] INSIDE_ADDRESS = weights(AddressClass.class, AddressClass.IN_SEGMENT, 1, AddressClass.PACKET, 1);

    static final int[] HOSTILE_COPY = weights(CopyLength.class,
            CopyLength.ZERO, 10, CopyLength.SMALL, 45, CopyLength.SEGMENT, 20, CopyLength.NEGATIVE, 10, CopyLength.HUGE, 15);
    static final int[] BENIGN_COPY = weights(CopyLength.class, CopyLength.ZERO, 15, CopyLength.SMALL, 85);

    /** Unbounded loops are rare: a program stuck in one tests the watchdog and fuel, nothing else. */
    static final int[] HOSTILE_LOOP = weights(LoopTrips.class,
            LoopTrips.BOUNDED, 80, LoopTrips.REGISTER, 18, LoopTrips.UNBOUNDED, 2);
    static final int[] BENIGN_LOOP = weights(LoopTrips.class, LoopTrips.BOUNDED, 75, LoopTrips.REGISTER, 25);

    static final int[] HOSTILE_DEPTH = weights(Depth.class, Depth.SHALLOW, 80, Depth.DEEP, 20);

    /** A {@code Throwable} handler makes the verifier refuse the whole program, so it is rare. */
    static final int[] HOSTILE_CATCH = weights(Thrown.class,
            Thrown.ARITHMETIC, 30, Thrown.ILLEGAL_STATE, 20, Thrown.RUNTIME, 40, Thrown.THROWABLE, 2);
    static final int[] BENIGN_CATCH = weights(Thrown.class, Thrown.ARITHMETIC, 30, Thrown.ILLEGAL_STATE, 20, Thrown.RUNTIME, 40);

    /**
     * How a helper is called: well-formed uses (hostile programs make them too, so that misuse is
     * not all their calls do), calls with whatever the registers hold, and the misuses.
     */
    enum HelperUse {
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

    static final HelperUse[] USES = HelperUse.values();
    static final int[] BENIGN_USE = new int[USES.length];
    static final int[] HOSTILE_USE = new int[USES.length];

    static {
        for (HelperUse use : USES) {
            BENIGN_USE[use.ordinal()] = use.benign;
            HOSTILE_USE[use.ordinal()] = use.hostile;
        }
    }

    /** The answers, by flavour: benign ones are in {@code [0, length]}; the first (drop) is the dry source's. */
    enum Answer { DROP, ACCEPT, HALF, OVERSIZE, NEGATIVE, ADDRESS, SCRATCH }

    static final Answer[] ANSWERS = Answer.values();
    static final int[] BENIGN_ANSWER = weights(Answer.class, Answer.DROP, 40, Answer.ACCEPT, 40, Answer.HALF, 20);
    static final int[] HOSTILE_ANSWER = weights(Answer.class, Answer.DROP, 25, Answer.ACCEPT, 25, Answer.HALF, 10,
            Answer.OVERSIZE, 10, Answer.NEGATIVE, 10, Answer.ADDRESS, 10, Answer.SCRATCH, 10);

    /** A weight table indexed by ordinal from (constant, weight) pairs; unnamed constants weigh zero. */
    private static <E extends Enum<E>> int[] weights(Class<E> type, Object... pairs) {
        int[] w = new int[type.getEnumConstants().length];
        for (int i = 0; i < pairs.length; i += 2) {
            w[type.cast(pairs[i]).ordinal()] = (Integer) pairs[i + 1];
        }
        return w;
    }

    /** Masks of the thrown kinds a handler for {@code caught} catches (THROWABLE is thrown as a RuntimeException). */
    static int catches(Thrown caught) {
        return switch (caught) {
            case ARITHMETIC -> Draft.bit(Thrown.ARITHMETIC.ordinal());
            case ILLEGAL_STATE -> Draft.bit(Thrown.ILLEGAL_STATE.ordinal());
            case RUNTIME, THROWABLE -> Draft.bit(THROWN.length) - 1;
        };
    }
}
