package testbed.program;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static testbed.program.FakeContext.BASE;
import static testbed.program.FakeContext.SIZE;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import testbed.program.Op.Arith;
import testbed.program.Op.Const;
import testbed.program.Op.Helper;
import testbed.program.Op.Loop;
import testbed.program.Op.Thrown;
import testbed.program.Op.Width;
import testbed.program.ProgramInterpreter.Limits;
import testbed.program.ProgramInterpreter.Run;

/**
 * Random programs, compiled and interpreted on identical fake kernels, end the same way: same
 * result or exception class, same memory, same accesses and helper calls in the same order.
 */
class ProgramDifferentialTest {
    /** Recorded, not pinned: a failure prints the program; change the seed freely to explore. */
    private static final long SEED = 0x5EED_2026L;
    private static final int PROGRAMS = 500;
    private static final Limits LIMITS = new Limits(5_000, 40, 1 << 16);
    private static final long PACKET = BASE + 0x80;
    private static final int LENGTH = 64;

    @Test
    void compiledProgramsDoExactlyWhatTheInterpreterDoes() {
        SplittableRandom random = new SplittableRandom(SEED);
        Map<String, Integer> seen = new TreeMap<>();
        for (int i = 0; i < PROGRAMS; i++) {
            Program p = new Program("Random_" + i, new Generator(random.split(), seen).block(0));
            FakeContext interpretedCtx = new FakeContext();
            Run run = ProgramInterpreter.run(p, interpretedCtx, PACKET, LENGTH, LIMITS);
            if (!run.withinLimits()) {
                count(seen, "ending: exceeded " + run.exceeded());
                continue;
            }
            String why = "program " + i + " of seed " + SEED + ":\n" + ProgramText.print(p);
            FakeContext compiledCtx = new FakeContext();
            // A compiled program that disagrees may never end: fail instead of hanging.
            Compiled.Ending compiled = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> Compiled.run(p, compiledCtx, PACKET, LENGTH), () -> "compiled run did not end: " + why);
            assertThat(ProgramCompilerTest.type(compiled.thrown())).as(why).isEqualTo(ProgramCompilerTest.type(run.thrown()));
            assertThat(compiled.result()).as(why).isEqualTo(run.result());
            assertThat(compiledCtx.log).as(why).isEqualTo(interpretedCtx.log);
            assertThat(compiledCtx.ram).as(why).isEqualTo(interpretedCtx.ram);
            assertThat(run.trace()).as(why).hasSameSizeAs(compiledCtx.accesses());
            assertThat(run.trace().stream().map(FakeContext::describe).toList()).as(why).isEqualTo(compiledCtx.accesses());
            count(seen, "ending: " + (run.thrown() == null ? "returned" : run.thrown().getClass().getSimpleName()));
            count(seen, "compared");
        }
        // The generator really produces what the property claims to cover.
        List<String> claimed = new ArrayList<>();
        for (Class<?> kind : Op.class.getPermittedSubclasses()) {
            claimed.add(kind.getSimpleName());
        }
        for (Enum<?> e : List.<Enum<?>[]>of(Arith.Kind.values(), Width.values(), Helper.values(), Thrown.values(),
                Op.If.Cmp.values()).stream().flatMap(java.util.Arrays::stream).toList()) {
            claimed.add(e.getDeclaringClass().getSimpleName() + "." + e.name());
        }
        claimed.addAll(List.of("ending: returned", "ending: ArithmeticException", "ending: IllegalStateException",
                "ending: RuntimeException", "ending: IndexOutOfBoundsException", "ending: IllegalArgumentException",
                "ending: exceeded STEPS", "ending: exceeded DEPTH", "caught", "loop: register", "loop: forever",
                "loop: not positive"));
        assertThat(seen.keySet()).as("generated %s", seen).containsAll(claimed);
        assertThat(seen.get("compared")).as("programs compared").isGreaterThan(PROGRAMS * 2 / 3);
    }

    private static void count(Map<String, Integer> seen, String what) {
        seen.merge(what, 1, Integer::sum);
    }

    /** Small programs whose addresses mostly fall inside the fake memory and whose loops mostly end. */
    private static final class Generator {
        private final SplittableRandom random;
        private final Map<String, Integer> seen;

        Generator(SplittableRandom random, Map<String, Integer> seen) {
            this.random = random;
            this.seen = seen;
        }

        List<Op> block(int depth) {
            List<Op> ops = new ArrayList<>();
            int n = depth == 0 ? 3 + random.nextInt(14) : random.nextInt(5);
            for (int i = 0; i < n; i++) {
                op(depth, ops);
            }
            return ops;
        }

        private void op(int depth, List<Op> ops) {
            int choice = random.nextInt(depth < 3 ? 15 : 11);
            switch (choice) {
                case 0 -> add(ops, new Const(reg(), random.nextBoolean() ? random.nextLong(-8, 9) : random.nextLong()));
                case 1 -> add(ops, new Op.Segment(reg(), random.nextBoolean() ? Op.Segment.Field.BASE : Op.Segment.Field.SIZE));
                case 2, 3 -> {
                    Arith.Kind kind = pick(Arith.Kind.values());
                    add(ops, new Arith(reg(), kind, reg(), reg()));
                    note(kind);
                }
                case 4 -> {
                    Width w = pick(Width.values());
                    add(ops, new Op.Load(reg(), w, address(ops, 8, -1, -1)));
                    note(w);
                }
                case 5 -> {
                    Width w = pick(Width.values());
                    add(ops, new Op.Store(w, address(ops, 8, -1, -1), reg()));
                    note(w);
                }
                case 6 -> {
                    int length = reg();
                    add(ops, new Const(length, random.nextInt(-1, 65)));
                    int source = address(ops, 64, length, -1);
                    add(ops, new Op.Copy(address(ops, 64, length, source), source, length));
                }
                case 7 -> {
                    Helper h = pick(Helper.values());
                    List<Integer> args = new ArrayList<>();
                    for (int a = 0; a < h.arity(); a++) {
                        args.add(reg());
                    }
                    add(ops, new Op.Call(reg(), h, args));
                    note(h);
                }
                case 8 -> {
                    int levels = reg();
                    if (random.nextInt(8) != 0) {
                        add(ops, new Const(levels, random.nextInt(-3, 45)));
                    }
                    add(ops, new Op.Recurse(reg(), levels));
                }
                case 9 -> {
                    if (random.nextInt(3) == 0) {
                        Thrown t = pick(Thrown.values());
                        add(ops, new Op.Throw(t));
                        note(t);
                    } else {
                        add(ops, new Const(reg(), random.nextInt(-4, 5)));
                    }
                }
                case 10 -> {
                    Op.If.Cmp cmp = pick(Op.If.Cmp.values());
                    add(ops, new Op.If(reg(), cmp, reg(), block(depth + 1)));
                    note(cmp);
                }
                case 11, 12 -> loop(depth, ops);
                default -> {
                    Thrown caught = pick(Thrown.values());
                    add(ops, new Op.Try(block(depth + 1), caught, block(depth + 1)));
                    note(caught);
                    count(seen, "caught");
                }
            }
        }

        private void loop(int depth, List<Op> ops) {
            int kind = random.nextInt(20);
            if (kind < 10) {
                long trips = random.nextInt(-2, 5);
                add(ops, new Loop(trips, -1, block(depth + 1)));
                if (trips <= 0) {
                    count(seen, "loop: not positive");
                }
            } else if (kind < 19) {
                int r = reg();
                add(ops, new Const(r, random.nextInt(-2, 5)));
                add(ops, new Loop(0, r, block(depth + 1)));
                count(seen, "loop: register");
            } else {
                add(ops, new Loop(Loop.UNBOUNDED, -1, block(depth + 1)));
                count(seen, "loop: forever");
            }
        }

        /**
         * A register holding an address inside the fake memory with room for {@code room} bytes,
         * mostly; not {@code busy} or {@code alsoBusy}, which hold other operands.
         */
        private int address(List<Op> ops, int room, int busy, int alsoBusy) {
            int r = reg();
            while (r == busy || r == alsoBusy) {
                r = reg();
            }
            if (random.nextInt(10) != 0) {
                add(ops, new Const(r, BASE + random.nextInt(SIZE - room)));
            }
            return r;
        }

        private void add(List<Op> ops, Op op) {
            ops.add(op);
            count(seen, op.getClass().getSimpleName());
        }

        private void note(Enum<?> e) {
            count(seen, e.getDeclaringClass().getSimpleName() + "." + e.name());
        }

        private int reg() {
            return random.nextInt(Program.REGISTERS);
        }

        private <T> T pick(T[] values) {
            return values[random.nextInt(values.length)];
        }
    }
}
