package testbed.program;

import java.util.List;

/**
 * One operation of a {@link Program}. Registers are numbered {@code 0..}{@value Program#REGISTERS}{@code -1};
 * addresses and lengths are whatever a register holds, so a program can name any address at all.
 */
public sealed interface Op {

    /** {@code r[dst] = value}. */
    record Const(int dst, long value) implements Op {
        public Const {
            Op.register(dst);
        }
    }

    /** {@code r[dst] = ctx.segmentBase()} or {@code ctx.segmentSize()}: what the program knows about where it lives. */
    record Segment(int dst, Field field) implements Op {
        public enum Field { BASE, SIZE }

        public Segment {
            Op.register(dst);
        }
    }

    /** {@code r[dst] = r[a] <kind> r[b]} on signed 64-bit values; division by zero throws {@link ArithmeticException}. */
    record Arith(int dst, Kind kind, int a, int b) implements Op {
        public enum Kind { ADD, SUB, MUL, DIV, REM, AND, OR, XOR, SHL, SHR, USHR }

        public Arith {
            Op.register(dst);
            Op.register(a);
            Op.register(b);
        }
    }

    /** {@code r[dst] = load<width>(r[address])}, sign-extended to 64 bits. */
    record Load(int dst, Width width, int address) implements Op {
        public Load {
            Op.register(dst);
            Op.register(address);
        }
    }

    /** {@code store<width>(r[address], r[value])}, storing the value's low bits. */
    record Store(Width width, int address, int value) implements Op {
        public Store {
            Op.register(address);
            Op.register(value);
        }
    }

    /** {@code copy(r[destination], r[source], r[length])}. */
    record Copy(int destination, int source, int length) implements Op {
        public Copy {
            Op.register(destination);
            Op.register(source);
            Op.register(length);
        }
    }

    /**
     * Runs {@code body} {@code trips} times, or forever when {@code trips} is {@link #UNBOUNDED};
     * with {@code tripsRegister >= 0} the count is read from that register when the loop starts
     * (a negative count runs zero times). The trip counter is hidden: the body cannot change it.
     */
    record Loop(long trips, int tripsRegister, List<Op> body) implements Op {
        public static final long UNBOUNDED = -1;

        public Loop {
            if (tripsRegister >= 0) {
                Op.register(tripsRegister);
            }
            body = List.copyOf(body);
        }
    }

    /** Runs {@code then} when {@code r[a] <cmp> r[b]} (signed). */
    record If(int a, Cmp cmp, int b, List<Op> then) implements Op {
        public enum Cmp { EQ, NE, LT, GE }

        public If {
            Op.register(a);
            Op.register(b);
            then = List.copyOf(then);
        }
    }

    /**
     * {@code r[dst] = depth(r[depth])}: calls a recursive method {@code r[depth]} levels deep
     * (no levels if it is not positive) and stores the depth reached.
     */
    record Recurse(int dst, int depth) implements Op {
        public Recurse {
            Op.register(dst);
            Op.register(depth);
        }
    }

    /**
     * {@code r[dst] = ctx.<helper>(r[args[0]], ...)}: a kernel helper call with as many
     * register arguments as the helper takes (int parameters take the register's low 32 bits).
     */
    record Call(int dst, Helper helper, List<Integer> args) implements Op {
        public Call {
            Op.register(dst);
            args = List.copyOf(args);
            if (args.size() != helper.arity()) {
                throw new IllegalArgumentException(helper + " takes " + helper.arity() + " arguments, not " + args.size());
            }
            args.forEach(Op::register);
        }
    }

    /** Throws a new exception of the given kind. */
    record Throw(Thrown kind) implements Op {}

    /**
     * Runs {@code body}; if it throws something {@code caught} matches, runs {@code handler}
     * instead of the rest of the body.
     */
    record Try(List<Op> body, Thrown caught, List<Op> handler) implements Op {
        public Try {
            body = List.copyOf(body);
            handler = List.copyOf(handler);
        }
    }

    /** Access widths, in bytes. */
    enum Width {
        W8(1), W16(2), W32(4), W64(8);

        private final int bytes;

        Width(int bytes) {
            this.bytes = bytes;
        }

        public int bytes() {
            return bytes;
        }
    }

    /** The kernel helpers of {@link testbed.kernel.api.Context} a program can call, with their arity. */
    enum Helper {
        ALLOC(1), FREE(1), SEND_PACKET(2), LOG(2), LOCK(1), UNLOCK(1), TIME(0), BIND_FRAME(0), RELEASE_FRAME(1);

        private final int arity;

        Helper(int arity) {
            this.arity = arity;
        }

        public int arity() {
            return arity;
        }
    }

    /**
     * Exception kinds a program throws or catches. {@code THROWABLE} as a caught kind is a
     * handler that would swallow the kernel's abort if the isolation rewrite did not make it
     * rethrow traps; as a thrown kind it throws {@link RuntimeException}.
     */
    enum Thrown { ARITHMETIC, ILLEGAL_STATE, RUNTIME, THROWABLE }

    private static void register(int r) {
        if (r < 0 || r >= Program.REGISTERS) {
            throw new IllegalArgumentException("no register r" + r + "; registers are r0..r" + (Program.REGISTERS - 1));
        }
    }

    /** Counts operations, nested ones included. */
    static int count(List<Op> ops) {
        int n = 0;
        for (Op op : ops) {
            n++;
            if (op instanceof Loop l) {
                n += count(l.body());
            } else if (op instanceof If i) {
                n += count(i.then());
            } else if (op instanceof Try t) {
                n += count(t.body()) + count(t.handler());
            }
        }
        return n;
    }
}
