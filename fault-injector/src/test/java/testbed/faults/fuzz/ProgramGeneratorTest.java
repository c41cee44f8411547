package testbed.faults.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import testbed.program.Op;
import testbed.program.Program;
import testbed.program.ProgramCompiler;
import testbed.program.ProgramInterpreter;
import testbed.program.ProgramText;
import testbed.faults.fuzz.ProgramGenerator.Flavour;
import testbed.kernel.Crossing;
import testbed.kernel.Domain;
import testbed.kernel.DomainSpec;
import testbed.kernel.Kernel;
import testbed.kernel.KernelConfig;
import testbed.kernel.Region;
import testbed.kernel.Segment;
import testbed.kernel.Snapshot;
import testbed.kernel.api.Status;

/**
 * The generator's promises: determinism, the size limit, termination on any source of choices,
 * the registers it keeps, programs the compiler and the text form accept, what benign programs
 * avoid in their text and, by the interpreter's trace, that they stay in their segment.
 */
class ProgramGeneratorTest {
    private static final ProgramGenerator GENERATOR = ProgramGenerator.over(Layout.defaults());

    @Test
    void sameSeedGivesTheSameProgram() {
        for (long seed = 0; seed < 200; seed++) {
            assertThat(GENERATOR.generate(new SeededChoices(seed), "P")).isEqualTo(GENERATOR.generate(new SeededChoices(seed), "P"));
        }
    }

    @Test
    void differentSeedsMostlyGiveDifferentPrograms() {
        Set<Program> distinct = new HashSet<>();
        for (long seed = 0; seed < 1000; seed++) {
            distinct.add(GENERATOR.generate(new SeededChoices(seed), "P"));
        }
        assertThat(distinct).hasSizeGreaterThan(990);
    }

    @Test
    void noProgramExceedsMaxOpsAndNoneWritesThePacketRegistersBeforeItsAnswer() {
        long seed = new SplittableRandom().nextLong();
        for (int maxOps : new int[] {ProgramGenerator.MIN_MAX_OPS, 10, 40, 200}) {
            ProgramGenerator generator = GENERATOR.maxOps(maxOps);
            for (int i = 0; i < 1000; i++) {
                Program p = generator.generate(new SeededChoices(seed + i), "P");
                assertThat(p.size()).as("seed %d + %d, maxOps %d: %s", seed, i, maxOps, p).isBetween(1, maxOps);
                List<Op> body = p.body();
                assertThat(writesPacketRegisters(body.subList(0, body.size() - 1)))
                        .as("seed %d + %d: r0 or r1 written before the answer: %s", seed, i, p).isFalse();
            }
        }
    }

    @Test
    void aSpentSourceOfChoicesGivesASmallBenignProgram() {
        Choices spent = new Choices() {
            @Override
            public int nextInt(int bound) {
                return 0;
            }

            @Override
            public long nextLong() {
                return 0;
            }
        };
        assertThat(GENERATOR.flavour(spent)).isEqualTo(Flavour.BENIGN);
        Program p = GENERATOR.generate(spent, "Spent");
        assertThat(p.size()).isLessThanOrEqualTo(GENERATOR.maxOps() / 4);
        assertBenign(p);
    }

    @Test
    void aSourceThatAlwaysAnswersTheLargestValueStillEndsWithinMaxOps() {
        Choices greedy = new Choices() {
            @Override
            public int nextInt(int bound) {
                return bound - 1;
            }

            @Override
            public long nextLong() {
                return Long.MAX_VALUE;
            }
        };
        for (Flavour f : Flavour.values()) {
            assertThat(GENERATOR.generate(greedy, "Greedy", f).size()).isLessThanOrEqualTo(GENERATOR.maxOps());
        }
    }

    @Test
    void benignProgramsCatchWhatTheyThrowBoundTheirLoopsAndPairTheirHelpers() {
        long seed = new SplittableRandom().nextLong();
        for (int i = 0; i < 2000; i++) {
            Program p = GENERATOR.generate(new SeededChoices(seed + i), "B", Flavour.BENIGN);
            try {
                assertBenign(p);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + " + " + i + ": " + e.getMessage() + "\n" + p, e);
            }
        }
    }

    @Test
    void everyProgramCompilesAndSurvivesItsTextForm() {
        long seed = new SplittableRandom().nextLong();
        for (int i = 0; i < 300; i++) {
            Program p = GENERATOR.generate(new SeededChoices(seed + i), "P" + i);
            String text = ProgramText.print(p);
            assertThat(ProgramText.parse(text)).as("seed %d + %d:%n%s", seed, i, text).isEqualTo(p);
            assertThat(ProgramCompiler.compile(p)).as("seed %d + %d", seed, i).isNotEmpty();
        }
    }

    @Test
    void benignProgramsStayInTheirSegmentReturnAndAnswerWithinTheLength() {
        long seed = new SplittableRandom().nextLong();
        SplittableRandom packets = new SplittableRandom(seed);
        Kernel kernel = Kernel.boot(KernelConfig.defaults());
        Domain domain = kernel.createDomain("benign", DomainSpec.segment(Layout.TRIAL_SEGMENT_SIZE).allowAll());
        Segment segment = domain.segment();
        Snapshot clean = kernel.snapshot();
        ProgramInterpreter.Limits limits = new ProgramInterpreter.Limits(100_000, 16, 1 << 20);
        for (int i = 0; i < 500; i++) {
            Program p = GENERATOR.generate(new SeededChoices(seed + i), "B" + i, Flavour.BENIGN);
            String context = "seed " + seed + " + " + i + ":\n" + ProgramText.print(p);
            kernel.restore(clean);
            ProgramInterpreter.Filter filter = ProgramInterpreter.asFilter(p, limits);
            assertThat(kernel.attach(domain, filter, Crossing.DIRECT)).isEqualTo(Status.OK);
            byte[] packet = new byte[1 + packets.nextInt(KernelConfig.MAX_PACKET)];
            packets.nextBytes(packet);
            kernel.receive(packet);
            ProgramInterpreter.Run run = filter.lastRun();
            assertThat(run.returned()).as(context).isTrue();
            assertThat(run.result()).as(context).isBetween(0, packet.length);
            for (ProgramInterpreter.Access a : run.trace()) {
                assertThat(segment.contains(a.address(), Math.max(a.length(), 1))).as("%s in %s", a, context).isTrue();
            }
        }
    }

    @Test
    void defaultLayoutDescribesTheTrialKernel() {
        Layout layout = Layout.defaults();
        Kernel kernel = Kernel.boot(KernelConfig.defaults());
        assertThat(layout.memorySize()).isEqualTo(KernelConfig.defaults().memorySize());
        assertThat(layout.segmentSize()).isEqualTo(Layout.TRIAL_SEGMENT_SIZE);
        assertThat(layout.kernelRegions()).hasSize(Region.values().length - 1);
        assertThat(layout.kernelRegions().get(layout.kernelRegions().size() - 1).end())
                .isEqualTo(kernel.layout().base(Region.DOMAIN_ARENA));
        assertThat(layout.foreignSegments()).singleElement()
                .satisfies(a -> assertThat(a.base()).isEqualTo(kernel.canary().segment().base()));
        assertThat(Layout.defaults()).isSameAs(layout);
    }

    /** Whatever the fuzzer's bytes, the generator ends with a program within its limit. */
    @FuzzTest(maxDuration = "30s")
    void everyInputGivesAProgramWithinMaxOps(FuzzedDataProvider data) {
        Program p = GENERATOR.generate(new FuzzedChoices(data), "Fuzzed");
        assertThat(p.size()).isBetween(1, GENERATOR.maxOps());
    }

    private static boolean writesPacketRegisters(List<Op> body) {
        for (Op op : body) {
            int dst = op instanceof Op.Const c ? c.dst()
                    : op instanceof Op.Segment s ? s.dst()
                    : op instanceof Op.Arith a ? a.dst()
                    : op instanceof Op.Load l ? l.dst()
                    : op instanceof Op.Recurse r ? r.dst()
                    : op instanceof Op.Call c ? c.dst() : -1;
            if (dst == 0 || dst == 1) {
                return true;
            }
            if (op instanceof Op.Loop l && writesPacketRegisters(l.body())
                    || op instanceof Op.If i && writesPacketRegisters(i.then())
                    || op instanceof Op.Try t && (writesPacketRegisters(t.body()) || writesPacketRegisters(t.handler()))) {
                return true;
            }
        }
        return false;
    }

    /** What a benign program promises and its text shows; its addresses are checked by its trace. */
    private static void assertBenign(Program p) {
        assertBenign(p.body(), 0);
        Op answer = p.body().get(p.body().size() - 1);
        assertThat(answer).satisfiesAnyOf(
                a -> assertThat(a).isEqualTo(new Op.Const(0, 0)),
                a -> assertThat(a).isEqualTo(new Op.Arith(0, Op.Arith.Kind.OR, 1, 1)),
                a -> assertThat(a).isEqualTo(new Op.Arith(0, Op.Arith.Kind.USHR, 1, ((Op.Arith) a).b())));
    }

    private static void assertBenign(List<Op> body, int caught) {
        int balance = 0;
        for (int i = 0; i < body.size(); i++) {
            Op op = body.get(i);
            if (op instanceof Op.Throw t) {
                assertThat(caught & 1 << t.kind().ordinal()).as("%s is caught", t).isNotZero();
            } else if (op instanceof Op.Try t) {
                assertThat(t.caught()).isNotEqualTo(Op.Thrown.THROWABLE);
                int catches = t.caught() == Op.Thrown.ARITHMETIC || t.caught() == Op.Thrown.ILLEGAL_STATE
                        ? 1 << t.caught().ordinal() : 0xF;
                assertBenign(t.body(), caught | catches);
                assertBenign(t.handler(), caught);
            } else if (op instanceof Op.Loop l) {
                if (l.tripsRegister() < 0) {
                    assertThat(l.trips()).isBetween(0L, 8L);
                }
                assertBenign(l.body(), caught);
            } else if (op instanceof Op.If f) {
                assertBenign(f.then(), caught);
            } else if (op instanceof Op.Recurse r) {
                assertThat(body.get(i - 1)).as("shallow depth for %s", r).isInstanceOfSatisfying(Op.Const.class, d -> {
                    assertThat(d.dst()).isEqualTo(r.depth());
                    assertThat(d.value()).isBetween(0L, 8L);
                });
            } else if (op instanceof Op.Call c) {
                switch (c.helper()) {
                    case ALLOC, LOCK, BIND_FRAME -> balance++;
                    case FREE, UNLOCK, RELEASE_FRAME -> balance--;
                    default -> {
                    }
                }
            }
        }
        assertThat(balance).as("takes and gives back in %s", body).isZero();
    }
}
