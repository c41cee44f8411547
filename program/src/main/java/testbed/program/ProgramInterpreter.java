package testbed.program;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import testbed.kernel.api.Context;
import testbed.kernel.api.Memory;
import testbed.kernel.api.PacketFilter;

/**
 * The reference semantics of a {@link Program}: the trusted oracle a fuzzer compares the compiled,
 * rewritten and sandboxed program against.
 *
 * <p>The interpreter runs on the host, against a real {@link Context}: loads read real memory,
 * stores really happen, helpers really run. On the way it records every memory access in order,
 * <em>before</em> performing it, and counts what the program spends against {@link Limits}. For a
 * run that stays within its limits the interpreter and {@link ProgramCompiler}'s class agree
 * exactly: same result, same memory effects in the same order, same helper calls, same exception
 * class out of the filter. A run that would exceed a limit is stopped and marked
 * {@link Run#exceeded()}; what the compiled program does then (a stack overflow, a loop that does
 * not end, a huge copy) is exactly what the sandbox's budgets are for, and a fuzzer should not run
 * such a program unprotected.
 *
 * <p>Thread-safe: each run has its own state.
 */
public final class ProgramInterpreter {

    private ProgramInterpreter() {
    }

    /**
     * How much one run may spend.
     *
     * @param steps operations executed plus loop iterations started
     * @param depth the largest depth one {@link Op.Recurse} may reach; a recursion of {@code n}
     *     levels nests {@code n + 1} calls of the compiled program's recursive method below
     *     {@code filter}, so keep this well below the sandbox's depth budget and the JVM's stack
     * @param copyBytes total bytes all {@link Op.Copy}s of the run may copy (positive lengths only)
     */
    public record Limits(long steps, int depth, long copyBytes) {
        public Limits {
            if (steps < 0 || depth < 0 || copyBytes < 0) {
                throw new IllegalArgumentException("limits must not be negative: " + steps + ", " + depth + ", " + copyBytes);
            }
        }
    }

    /** Which of the {@link Limits} a run would have exceeded. */
    public enum Limit { STEPS, DEPTH, COPY_BYTES }

    /**
     * One memory access, as the program asked for it: a load or store of {@code length} bytes at
     * {@code address}, and whether it was carried out (a program may catch the fault of one that
     * was not and go on). A copy is a load of its source range followed by a store to its destination
     * range, both of the copy's length, whatever that is (zero, negative, huge), each marked {@code copy}.
     */
    public record Access(Kind kind, long address, long length, boolean performed, boolean copy) {
        /** Whether the access reads or writes. */
        public enum Kind { LOAD, STORE }

        /** A load or store (not part of a copy), carried out or not. */
        public Access(Kind kind, long address, long length, boolean performed) {
            this(kind, address, length, performed, false);
        }

        /** A load or store as asked for, before it is carried out. */
        public Access(Kind kind, long address, long length) {
            this(kind, address, length, false);
        }

        /** The same access, carried out: it did not fault and was not stopped at a limit. */
        public Access done() {
            return new Access(kind, address, length, true, copy);
        }

        @Override
        public String toString() {
            return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + length + " at 0x" + Long.toHexString(address)
                    + (performed ? "" : " (not carried out)");
        }
    }

    /**
     * What one run did.
     *
     * @param result what {@code filter} returned, the low 32 bits of {@code r0}; 0 if it did not return
     * @param thrown the exception the program threw out of {@code filter}, or {@code null}
     * @param exceeded the limit the run would have exceeded, where it was stopped; {@code null}
     *     if it stayed within its limits
     * @param trace every memory access in order, including one that threw and, when a copy
     *     exceeded {@link Limits#copyBytes()}, that copy (which was not performed)
     * @param steps steps spent
     * @param copiedBytes bytes copied (the sum of the positive copy lengths performed)
     */
    public record Run(int result, Throwable thrown, Limit exceeded, List<Access> trace, long steps, long copiedBytes) {
        public Run {
            trace = Collections.unmodifiableList(trace);
        }

        /** Whether the run stayed within its limits, so that the compiled program must behave exactly the same. */
        public boolean withinLimits() {
            return exceeded == null;
        }

        /** Whether {@code filter} returned normally. */
        public boolean returned() {
            return thrown == null && exceeded == null;
        }
    }

    /**
     * Thrown out of {@link Filter#filter} when the run was stopped at a limit: the program did not
     * finish, so there is no answer to give the kernel.
     */
    public static final class LimitExceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LimitExceeded(String message) {
            super(message);
        }
    }

    /**
     * Runs {@code program} as the body of {@code filter(ctx, packet, length)}. Never throws for
     * what the program does: an exception out of the program is {@link Run#thrown()}.
     */
    public static Run run(Program program, Context ctx, long packet, int length, Limits limits) {
        Machine m = new Machine(ctx, limits);
        m.r[0] = packet;
        m.r[1] = length;
        Throwable thrown = null;
        Limit exceeded = null;
        try {
            m.block(program.body());
        } catch (Stop stop) {
            exceeded = stop.limit;
        } catch (Throwable t) {
            thrown = t;
        }
        int result = thrown == null && exceeded == null ? (int) m.r[0] : 0;
        return new Run(result, thrown, exceeded, m.trace, m.steps, m.copied);
    }

    /**
     * {@code program} as a host-side packet filter that interprets it on every call, for running
     * the reference in a kernel domain next to the compiled program. It throws what the program
     * throws, and {@link LimitExceeded} if a run is stopped at a limit.
     */
    public static Filter asFilter(Program program, Limits limits) {
        return new Filter(program, limits);
    }

    /** A {@link PacketFilter} that interprets a program; see {@link #asFilter}. */
    public static final class Filter implements PacketFilter {
        private final Program program;
        private final Limits limits;
        private volatile Run lastRun;

        private Filter(Program program, Limits limits) {
            this.program = program;
            this.limits = limits;
        }

        @Override
        public int filter(Context ctx, long packet, int length) {
            Run run = run(program, ctx, packet, length, limits);
            lastRun = run;
            if (run.exceeded() != null) {
                throw new LimitExceeded("program " + program.name() + " exceeded its " + run.exceeded() + " limit");
            }
            if (run.thrown() instanceof RuntimeException e) {
                throw e;
            }
            if (run.thrown() instanceof Error e) {
                throw e;
            }
            return run.result();
        }

        /** The run of the latest call, or {@code null} before the first. */
        public Run lastRun() {
            return lastRun;
        }
    }

    /** Unwinds a run stopped at a limit; no handler of the program ever sees it. */
    private static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Limit limit;

        Stop(Limit limit) {
            super(null, null, false, false);
            this.limit = limit;
        }
    }

    private static final class Machine {
        final Context ctx;
        final Limits limits;
        final long[] r = new long[Program.REGISTERS];
        final List<Access> trace = new ArrayList<>();
        long steps;
        long copied;

        Machine(Context ctx, Limits limits) {
            this.ctx = ctx;
            this.limits = limits;
        }

        void block(List<Op> ops) {
            for (Op op : ops) {
                step();
                op(op);
            }
        }

        private void step() {
            if (steps == limits.steps()) {
                throw new Stop(Limit.STEPS);
            }
            steps++;
        }

        private void op(Op op) {
            if (op instanceof Op.Const c) {
                r[c.dst()] = c.value();
            } else if (op instanceof Op.Segment s) {
                r[s.dst()] = s.field() == Op.Segment.Field.BASE ? ctx.segmentBase() : ctx.segmentSize();
            } else if (op instanceof Op.Arith a) {
                r[a.dst()] = arith(a.kind(), r[a.a()], r[a.b()]);
            } else if (op instanceof Op.Load l) {
                load(l);
            } else if (op instanceof Op.Store s) {
                store(s);
            } else if (op instanceof Op.Copy c) {
                copy(r[c.destination()], r[c.source()], r[c.length()]);
            } else if (op instanceof Op.Loop l) {
                loop(l);
            } else if (op instanceof Op.If i) {
                if (holds(i.cmp(), r[i.a()], r[i.b()])) {
                    block(i.then());
                }
            } else if (op instanceof Op.Recurse rec) {
                long levels = Math.max(0, r[rec.depth()]);
                if (levels > limits.depth()) {
                    throw new Stop(Limit.DEPTH);
                }
                r[rec.dst()] = levels;
            } else if (op instanceof Op.Call c) {
                r[c.dst()] = call(c);
            } else if (op instanceof Op.Throw t) {
                throw thrown(t.kind());
            } else if (op instanceof Op.Try t) {
                attempt(t);
            } else {
                throw new IllegalArgumentException("unknown operation " + op);
            }
        }

        private static long arith(Op.Arith.Kind kind, long a, long b) {
            return switch (kind) {
                case ADD -> a + b;
                case SUB -> a - b;
                case MUL -> a * b;
                case DIV -> a / b;
                case REM -> a % b;
                case AND -> a & b;
                case OR -> a | b;
                case XOR -> a ^ b;
                // Java masks a long shift distance to 6 bits, exactly like the JVM's lshl after l2i.
                case SHL -> a << b;
                case SHR -> a >> b;
                case USHR -> a >>> b;
            };
        }

        private static boolean holds(Op.If.Cmp cmp, long a, long b) {
            return switch (cmp) {
                case EQ -> a == b;
                case NE -> a != b;
                case LT -> a < b;
                case GE -> a >= b;
            };
        }

        private void load(Op.Load l) {
            long address = r[l.address()];
            trace.add(new Access(Access.Kind.LOAD, address, l.width().bytes()));
            Memory memory = ctx.memory();
            r[l.dst()] = switch (l.width()) {
                case W8 -> memory.load8(address);
                case W16 -> memory.load16(address);
                case W32 -> memory.load32(address);
                case W64 -> memory.load64(address);
            };
            performed(1);
        }

        private void store(Op.Store s) {
            long address = r[s.address()];
            long value = r[s.value()];
            trace.add(new Access(Access.Kind.STORE, address, s.width().bytes()));
            Memory memory = ctx.memory();
            switch (s.width()) {
                case W8 -> memory.store8(address, (byte) value);
                case W16 -> memory.store16(address, (short) value);
                case W32 -> memory.store32(address, (int) value);
                case W64 -> memory.store64(address, value);
            }
            performed(1);
        }

        private void copy(long destination, long source, long length) {
            trace.add(new Access(Access.Kind.LOAD, source, length, false, true));
            trace.add(new Access(Access.Kind.STORE, destination, length, false, true));
            if (length > 0) {
                if (length > limits.copyBytes() - copied) {
                    throw new Stop(Limit.COPY_BYTES);
                }
                copied += length;
            }
            ctx.memory().copy(destination, source, length);
            performed(2);
        }

        /** Marks the last {@code n} trace entries as carried out: a program may catch the fault of one that was not. */
        private void performed(int n) {
            for (int i = trace.size() - n; i < trace.size(); i++) {
                trace.set(i, trace.get(i).done());
            }
        }

        private void loop(Op.Loop l) {
            boolean forever = l.tripsRegister() < 0 && l.trips() == Op.Loop.UNBOUNDED;
            long trips = l.tripsRegister() >= 0 ? r[l.tripsRegister()] : l.trips();
            for (long left = trips; forever || left > 0; left--) {
                step();
                block(l.body());
            }
        }

        private long call(Op.Call c) {
            List<Integer> a = c.args();
            return switch (c.helper()) {
                case ALLOC -> ctx.alloc(r[a.get(0)]);
                case FREE -> ctx.free(r[a.get(0)]);
                case SEND_PACKET -> ctx.sendPacket(r[a.get(0)], (int) r[a.get(1)]);
                case LOG -> ctx.log(r[a.get(0)], (int) r[a.get(1)]);
                case LOCK -> ctx.lock((int) r[a.get(0)]);
                case UNLOCK -> ctx.unlock((int) r[a.get(0)]);
                case TIME -> ctx.time();
                case BIND_FRAME -> ctx.bindFrame();
                case RELEASE_FRAME -> ctx.releaseFrame((int) r[a.get(0)]);
            };
        }

        private static RuntimeException thrown(Op.Thrown kind) {
            return switch (kind) {
                case ARITHMETIC -> new ArithmeticException();
                case ILLEGAL_STATE -> new IllegalStateException();
                case RUNTIME, THROWABLE -> new RuntimeException();
            };
        }

        private void attempt(Op.Try t) {
            try {
                block(t.body());
            } catch (Stop stop) {
                throw stop;
            } catch (Throwable e) {
                if (!catches(t.caught(), e)) {
                    throw e;
                }
                block(t.handler());
            }
        }

        private static boolean catches(Op.Thrown caught, Throwable e) {
            return switch (caught) {
                case ARITHMETIC -> e instanceof ArithmeticException;
                case ILLEGAL_STATE -> e instanceof IllegalStateException;
                case RUNTIME -> e instanceof RuntimeException;
                case THROWABLE -> true;
            };
        }
    }
}
