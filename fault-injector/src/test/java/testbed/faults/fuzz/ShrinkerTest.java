package testbed.faults.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import testbed.program.Op;
import testbed.program.Program;

class ShrinkerTest {

    /** Fails when a 16-bit store goes through a register that holds a constant of at least 0x10000. */
    private static final Predicate<Program> WIDE_STORE = p -> failsOn(p.body(), new long[Program.REGISTERS]);

    private static boolean failsOn(List<Op> ops, long[] regs) {
        for (Op op : ops) {
            if (op instanceof Op.Const c) {
                regs[c.dst()] = c.value();
            } else if (op instanceof Op.Store s && s.width() == Op.Width.W16 && regs[s.address()] >= 0x10000) {
                return true;
            } else if (op instanceof Op.Loop l && failsOn(l.body(), regs)) {
                return true;
            } else if (op instanceof Op.Try t && (failsOn(t.body(), regs) || failsOn(t.handler(), regs))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void shrinksToTheTwoOperationsThatMatter() {
        SplittableRandom random = new SplittableRandom(5);
        for (int round = 0; round < 20; round++) {
            List<Op> body = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                body.add(noise(random));
            }
            List<Op> inner = new ArrayList<>(List.of(noise(random), new Op.Const(3, 0x12345L), noise(random)));
            inner.add(new Op.Store(Op.Width.W16, 3, 4));
            body.add(random.nextInt(body.size()), new Op.Loop(7, -1, List.of(new Op.Try(inner, Op.Thrown.RUNTIME, List.of()))));
            Program failing = new Program("P" + round, body);
            assertThat(WIDE_STORE.test(failing)).isTrue();

            Shrinker shrinker = new Shrinker(WIDE_STORE, 5_000);
            Program small = shrinker.shrink(failing);

            assertThat(WIDE_STORE.test(small)).as("the shrunk program still fails").isTrue();
            assertThat(small.body()).as("round %d: %s", round, small)
                    .containsExactly(new Op.Const(3, 0x10000L), new Op.Store(Op.Width.W16, 3, 4));
        }
    }

    @Test
    void givesUpAtTheTestBudgetWithAFailingProgram() {
        List<Op> body = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            body.add(new Op.Const(1, i));
        }
        body.add(new Op.Const(3, 0x7fff_0000L));
        body.add(new Op.Store(Op.Width.W16, 3, 3));
        Shrinker shrinker = new Shrinker(WIDE_STORE, 3);
        Program small = shrinker.shrink(new Program("Budget", body));
        assertThat(shrinker.tests()).isEqualTo(3);
        assertThat(WIDE_STORE.test(small)).isTrue();
    }

    @Test
    void simplerValuesAreSmallerOrRounder() {
        for (long v : new long[] {0x12345L, -7, Long.MIN_VALUE, 1, 2, 0x10000}) {
            for (long s : Shrinker.simplerValues(v)) {
                assertThat(Long.bitCount(s) < Long.bitCount(v) || Math.abs(s) < Math.abs(v) || v == Long.MIN_VALUE)
                        .as("%x -> %x", v, s).isTrue();
            }
        }
        assertThat(Shrinker.simplerValues(0)).isEmpty();
    }

    private static Op noise(SplittableRandom random) {
        int r = random.nextInt(4);
        int reg = random.nextInt(Program.REGISTERS);
        return switch (r) {
            case 0 -> new Op.Const(reg == 3 ? 2 : reg, random.nextLong());
            case 1 -> new Op.Arith(reg == 3 ? 5 : reg, Op.Arith.Kind.ADD, random.nextInt(8), random.nextInt(8));
            case 2 -> new Op.Store(Op.Width.W32, random.nextInt(8), random.nextInt(8));
            default -> new Op.Load(reg == 3 ? 6 : reg, Op.Width.W8, random.nextInt(8));
        };
    }
}
