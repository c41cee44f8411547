package testbed.faults.fuzz;

import static testbed.faults.fuzz.Draft.LENGTH;
import static testbed.faults.fuzz.Draft.PACKET;
import static testbed.faults.fuzz.Draft.SCRATCH;
import static testbed.faults.fuzz.Draft.bit;
import static testbed.faults.fuzz.Mix.ANSWERS;
import static testbed.faults.fuzz.Mix.ANSWER_COST;
import static testbed.faults.fuzz.Mix.ARITH_KINDS;
import static testbed.faults.fuzz.Mix.BENIGN_ANSWER;
import static testbed.faults.fuzz.Mix.BENIGN_CATCH;
import static testbed.faults.fuzz.Mix.BENIGN_COPY;
import static testbed.faults.fuzz.Mix.BENIGN_LOOP;
import static testbed.faults.fuzz.Mix.BENIGN_TRIPS_MASK;
import static testbed.faults.fuzz.Mix.CMPS;
import static testbed.faults.fuzz.Mix.COPY_LENGTHS;
import static testbed.faults.fuzz.Mix.DEPTHS;
import static testbed.faults.fuzz.Mix.HANDLER_TARGET;
import static testbed.faults.fuzz.Mix.HOSTILE_ANSWER;
import static testbed.faults.fuzz.Mix.HOSTILE_CATCH;
import static testbed.faults.fuzz.Mix.HOSTILE_COPY;
import static testbed.faults.fuzz.Mix.HOSTILE_DEPTH;
import static testbed.faults.fuzz.Mix.HOSTILE_LOOP;
import static testbed.faults.fuzz.Mix.LOOP_TRIPS;
import static testbed.faults.fuzz.Mix.MAX_LOOP_NESTING;
import static testbed.faults.fuzz.Mix.MAX_NESTING;
import static testbed.faults.fuzz.Mix.NESTED_TARGET;
import static testbed.faults.fuzz.Mix.SHALLOW_DEPTH;
import static testbed.faults.fuzz.Mix.STATEMENTS;
import static testbed.faults.fuzz.Mix.THROWN;
import static testbed.faults.fuzz.Mix.catches;

import java.util.ArrayList;
import java.util.List;
import testbed.faults.fuzz.GenerationStats.CopyLength;
import testbed.faults.fuzz.GenerationStats.Depth;
import testbed.faults.fuzz.GenerationStats.Family;
import testbed.faults.fuzz.GenerationStats.LoopTrips;
import testbed.faults.fuzz.Mix.Statement;
import testbed.program.Op;
import testbed.program.Op.Arith;
import testbed.program.Op.Thrown;
import testbed.program.Op.Width;
import testbed.program.Program;

/**
 * The shapes of a generated program: a body of statements drawn by weight among those that fit
 * the remaining budget (arithmetic, loads, stores, copies, loops, conditionals, recursion, helper
 * calls, handlers, throws), nested to a bounded depth, then the answer. Addresses come from
 * {@link Addresses}, helper calls from {@link HelperCalls}; every choice from the draft's source.
 */
final class Statements {
    private final Draft draft;
    private final Addresses addresses;
    private final HelperCalls calls;
    private final Choices c;
    private final boolean hostile;
    private final int maxOps;
    private final int[] fitting = new int[STATEMENTS.length];
    private int nesting;
    private int loopNesting;
    /** Benign only: the thrown kinds some enclosing handler catches (bits by ordinal). */
    private int caught;

    /** The statements of {@code draft}, a program of at most {@code maxOps} operations. */
    Statements(Draft draft, int maxOps) {
        this.draft = draft;
        this.addresses = new Addresses(draft);
        this.calls = new HelperCalls(draft, addresses);
        this.c = draft.c;
        this.hostile = draft.hostile;
        this.maxOps = maxOps;
    }

    Program program(String name) {
        int least = Math.max(ProgramGenerator.MIN_MAX_OPS, maxOps / 4);
        int target = least + c.nextInt(maxOps - least + 1);
        draft.remaining = maxOps - ANSWER_COST;
        List<Op> body = new ArrayList<>(target);
        statements(body, target - ANSWER_COST);
        answer(body);
        return new Program(name, body);
    }

    /** Adds statements until {@code target} operations are added or none fits the hard limit. */
    private void statements(List<Op> out, int target) {
        int start = draft.remaining;
        while (start - draft.remaining < target) {
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
        return s.cost <= draft.remaining && switch (s) {
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
                Width w = draft.width();
                int a = addresses.address(out, w.bytes(), 0);
                draft.emit(out, new Op.Load(draft.scratch(0), w, a));
            }
            case STORE -> {
                Width w = draft.width();
                int a = addresses.address(out, w.bytes(), 0);
                draft.emit(out, new Op.Store(w, a, draft.value(out, bit(a))));
            }
            case COPY -> copy(out);
            case LOOP -> loop(out);
            case IF -> conditional(out);
            case RECURSE -> recurse(out);
            case CALL -> calls.call(out);
            case TRY -> handler(out);
            case THROW -> draft.emit(out, new Op.Throw(THROWN[hostile ? c.nextInt(THROWN.length) : draft.oneOf(caught)]));
        }
    }

    private void arith(List<Op> out) {
        int dst = draft.scratch(0);
        Arith.Kind kind = ARITH_KINDS[c.nextInt(ARITH_KINDS.length)];
        if (kind == Arith.Kind.DIV || kind == Arith.Kind.REM) {
            int b = draft.scratch(bit(dst));
            // Benign divisors are constants that are never zero; a hostile one is zero by
            // intent a quarter of the time, and otherwise whatever a register holds.
            if (!hostile) {
                long divisor = 1 + c.nextInt(255);
                draft.emit(out, new Op.Const(b, c.nextBoolean() ? -divisor : divisor));
            } else if (c.nextInt(4) == 0) {
                draft.emit(out, new Op.Const(b, 0));
            } else {
                b = draft.anyRegister();
            }
            draft.emit(out, new Arith(dst, kind, draft.anyRegister(), b));
        } else if (c.nextBoolean()) {
            int b = draft.scratch(bit(dst));
            draft.emit(out, new Op.Const(b, draft.interesting()));
            draft.emit(out, new Arith(dst, kind, draft.anyRegister(), b));
        } else {
            draft.emit(out, new Arith(dst, kind, draft.anyRegister(), draft.anyRegister()));
        }
    }

    private void copy(List<Op> out) {
        CopyLength kind = COPY_LENGTHS[c.pick(hostile ? HOSTILE_COPY : BENIGN_COPY)];
        draft.stats.note(Family.COPY_LENGTH, kind);
        int l = draft.scratch(0);
        long span = 1;
        switch (kind) {
            case ZERO -> draft.emit(out, new Op.Const(l, 0));
            case SMALL -> {
                if (c.nextBoolean()) {
                    span = 1 + c.nextInt(64);
                    draft.emit(out, new Op.Const(l, span));
                } else {
                    // As much of the packet as fits a small buffer: a length computed at run time.
                    span = 63;
                    int t = draft.scratch(bit(l));
                    draft.emit(out, new Op.Const(t, span));
                    draft.emit(out, new Arith(l, Arith.Kind.AND, LENGTH, t));
                }
            }
            case SEGMENT -> {
                span = draft.segmentSize;
                draft.emit(out, c.nextBoolean() ? new Op.Segment(l, Op.Segment.Field.SIZE) : new Op.Const(l, draft.segmentSize + c.nextInt(3) - 1));
            }
            case NEGATIVE -> draft.emit(out, new Op.Const(l, draft.pickLong(-1, -1 - c.nextInt(4096), Integer.MIN_VALUE, Long.MIN_VALUE)));
            case HUGE -> draft.emit(out, new Op.Const(l, draft.pickLong(draft.layout.memorySize(), 1L << 32, Integer.MAX_VALUE + 1L, Long.MAX_VALUE)));
        }
        int d = addresses.address(out, span, bit(l));
        int s = addresses.address(out, span, bit(l) | bit(d));
        draft.emit(out, new Op.Copy(d, s, l));
    }

    private void loop(List<Op> out) {
        LoopTrips kind = LOOP_TRIPS[c.pick(hostile ? HOSTILE_LOOP : BENIGN_LOOP)];
        long trips = 0;
        int register = -1;
        switch (kind) {
            case BOUNDED -> trips = hostile && c.nextInt(50) == 0 ? draft.pickLong(1L << 31, 1L << 40, Long.MAX_VALUE, 100_000_000) : c.nextInt(9);
            case REGISTER -> register = tripRegister(out);
            case UNBOUNDED -> trips = Op.Loop.UNBOUNDED;
        }
        loopNesting++;
        List<Op> body = nested(1, NESTED_TARGET);
        loopNesting--;
        draft.emit(out, new Op.Loop(trips, register, body));
    }

    /**
     * A register holding a computed trip count: the packet length, a packet byte or a word of
     * the segment, masked small in a benign program; also raw, negative or (rarely) huge in a
     * hostile one. At most six operations.
     */
    private int tripRegister(List<Op> out) {
        int r = draft.scratch(0);
        int t = draft.scratch(bit(r));
        // Sources 0..2 are masked small (the benign ones); 3..5 give the same values raw.
        int source = hostile ? c.nextInt(10) : c.nextInt(3);
        switch (source) {
            case 0 -> {
                masked(out, r, t, LENGTH);
                return r;
            }
            case 1, 4 -> {
                draft.emit(out, new Op.Const(t, c.nextInt(64)));
                draft.emit(out, new Arith(r, Arith.Kind.ADD, PACKET, t));
                draft.emit(out, new Op.Load(r, source == 1 ? Width.W8 : Width.W16, r));
            }
            case 2, 5 -> {
                addresses.hotSlot(out, r, t);
                draft.emit(out, new Op.Load(r, Width.W64, r));
            }
            case 3 -> {
                return LENGTH;
            }
            case 6, 7 -> draft.emit(out, new Op.Const(r, draft.pickLong(-1, Integer.MIN_VALUE, Long.MIN_VALUE, -c.nextInt(1000))));
            case 8 -> draft.emit(out, new Op.Const(r, c.nextInt(9)));
            default -> draft.emit(out, new Op.Const(r, draft.pickLong(1L << 31, 1L << 40, Long.MAX_VALUE, 100_000_000)));
        }
        if (source < 3) {
            masked(out, r, t, r);
        }
        return r;
    }

    /** {@code r = source & BENIGN_TRIPS_MASK}: 2 operations. */
    private void masked(List<Op> out, int r, int t, int source) {
        draft.emit(out, new Op.Const(t, BENIGN_TRIPS_MASK));
        draft.emit(out, new Arith(r, Arith.Kind.AND, source, t));
    }

    private void conditional(List<Op> out) {
        int v;
        // Mostly on a value read back from memory, so the path depends on what the program
        // (or the kernel, if it reads outside) stored.
        if (c.nextInt(5) != 0) {
            Width w = draft.width();
            int a = addresses.address(out, w.bytes(), 0);
            v = draft.scratch(0);
            draft.emit(out, new Op.Load(v, w, a));
        } else {
            v = draft.anyRegister();
        }
        int other;
        switch (c.nextInt(3)) {
            case 0 -> {
                other = draft.scratch(bit(v));
                draft.emit(out, new Op.Const(other, draft.interesting()));
            }
            case 1 -> other = LENGTH;
            default -> other = draft.anyRegister();
        }
        Op.If.Cmp cmp = CMPS[c.nextInt(CMPS.length)];
        draft.emit(out, new Op.If(v, cmp, other, nested(1, NESTED_TARGET)));
    }

    private void recurse(List<Op> out) {
        Depth kind = hostile ? DEPTHS[c.pick(HOSTILE_DEPTH)] : Depth.SHALLOW;
        draft.stats.note(Family.RECURSION, kind);
        int d = draft.scratch(0);
        long depth = kind == Depth.SHALLOW ? c.nextInt(SHALLOW_DEPTH + 1)
                : draft.pickLong(1_000, 100_000, Integer.MAX_VALUE, Long.MAX_VALUE);
        draft.emit(out, new Op.Const(d, depth));
        draft.emit(out, new Op.Recurse(draft.scratch(0), d));
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
        draft.emit(out, new Op.Try(body, kind, handler));
    }

    /**
     * A nested body aiming at {@code least..most} operations, leaving one operation of the hard
     * limit for the statement that holds it.
     */
    private List<Op> nested(int least, int most) {
        List<Op> body = new ArrayList<>();
        int room = draft.remaining - 1;
        int target = least + c.nextInt(Math.max(1, Math.min(room, most) - least + 1));
        draft.remaining--;
        nesting++;
        statements(body, target);
        nesting--;
        draft.remaining++;
        return body;
    }

    private void answer(List<Op> out) {
        draft.remaining += ANSWER_COST;
        switch (ANSWERS[c.pick(hostile ? HOSTILE_ANSWER : BENIGN_ANSWER)]) {
            case DROP -> draft.emit(out, new Op.Const(PACKET, 0));
            case ACCEPT -> draft.emit(out, new Arith(PACKET, Arith.Kind.OR, LENGTH, LENGTH));
            case HALF -> {
                int t = draft.scratch(0);
                draft.emit(out, new Op.Const(t, 1));
                draft.emit(out, new Arith(PACKET, Arith.Kind.USHR, LENGTH, t));
            }
            case OVERSIZE -> {
                int t = draft.scratch(0);
                draft.emit(out, new Op.Const(t, 1 + c.nextInt(16)));
                draft.emit(out, new Arith(PACKET, Arith.Kind.ADD, LENGTH, t));
            }
            case NEGATIVE -> draft.emit(out, new Op.Const(PACKET, -1 - c.nextInt(1 << 16)));
            case ADDRESS -> {
                // r0 still holds the packet's address: its low 32 bits are a bad answer.
            }
            case SCRATCH -> {
                int r = draft.scratch(0);
                draft.emit(out, new Arith(PACKET, Arith.Kind.OR, r, r));
            }
        }
    }
}
