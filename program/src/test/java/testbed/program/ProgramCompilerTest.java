package testbed.program;

import static org.assertj.core.api.Assertions.assertThat;
import static testbed.program.FakeContext.BASE;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import testbed.program.Op.Arith;
import testbed.program.Op.Const;
import testbed.program.Op.Loop;
import testbed.program.Op.Thrown;
import testbed.program.Op.Width;
import testbed.program.ProgramInterpreter.Limits;
import testbed.kernel.api.PacketFilter;

class ProgramCompilerTest {
    private static final Limits LIMITS = new Limits(100_000, 200, 1 << 20);
    private static final long PACKET = BASE + 0x40;
    private static final int LENGTH = 60;

    static List<Program> samples() {
        return SamplePrograms.all();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void everySampleCompilesToAVerifiedClassThatBehavesLikeTheInterpreter(Program program) {
        FakeContext compiledCtx = new FakeContext();
        Compiled.Ending compiled = Compiled.run(program, compiledCtx, PACKET, LENGTH);
        FakeContext interpretedCtx = new FakeContext();
        ProgramInterpreter.Run interpreted = ProgramInterpreter.run(program, interpretedCtx, PACKET, LENGTH, LIMITS);

        assertThat(interpreted.withinLimits()).isTrue();
        assertThat(compiled.result()).isEqualTo(interpreted.result());
        assertThat(type(compiled.thrown())).isEqualTo(type(interpreted.thrown()));
        assertThat(compiledCtx.log).isEqualTo(interpretedCtx.log);
        assertThat(compiledCtx.ram).isEqualTo(interpretedCtx.ram);
        assertThat(interpreted.trace().stream().map(FakeContext::describe).toList()).isEqualTo(interpretedCtx.accesses());
    }

    // ---- semantics, stated as values rather than only as agreement ----

    @Test
    void loadsSignExtendAndStoresKeepTheLowBits() {
        FakeContext ctx = new FakeContext();
        ctx.ram[0x10] = (byte) 0x80;
        ctx.ram[0x11] = (byte) 0xff;
        List<Op> ops = List.of(new Const(2, BASE + 0x10), new Op.Load(3, Width.W8, 2), new Op.Load(4, Width.W16, 2),
                new Const(5, BASE + 0x20), new Const(6, 0x1122_3344_5566_7788L), new Op.Store(Width.W16, 5, 6),
                new Op.Load(0, Width.W32, 5), new Arith(0, Arith.Kind.ADD, 0, 3), new Arith(0, Arith.Kind.ADD, 0, 4));
        int result = run(ops, ctx);
        assertThat(ctx.ram[0x20]).isEqualTo((byte) 0x88);
        assertThat(ctx.ram[0x21]).isEqualTo((byte) 0x77);
        int word = 0x7788 | (ctx.ram[0x22] & 0xff) << 16 | ctx.ram[0x23] << 24;
        assertThat(result).as("the word, plus load8 and load16 of 0x80 0xff, both -128").isEqualTo(word - 128 - 128);
    }

    @Test
    void divisionAndShiftsFollowTheJvm() {
        assertThat(run(List.of(new Const(2, Long.MIN_VALUE), new Const(3, -1), new Arith(4, Arith.Kind.DIV, 2, 3),
                new Const(5, 63), new Arith(0, Arith.Kind.USHR, 4, 5)), new FakeContext())).isEqualTo(1);
        assertThat(run(List.of(new Const(2, 1), new Const(3, 65), new Arith(0, Arith.Kind.SHL, 2, 3)), new FakeContext()))
                .as("shift distances are masked to 6 bits").isEqualTo(2);
        assertThat(run(List.of(new Const(2, -7), new Const(3, 2), new Arith(0, Arith.Kind.REM, 2, 3)), new FakeContext()))
                .isEqualTo(-1);
        assertThat(Compiled.run(new Program("Zero", List.of(new Arith(0, Arith.Kind.DIV, 1, 2))), new FakeContext(), 0, 1).thrown())
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void loopsRunTheirTripCountAndNeverANegativeOne() {
        List<Op> counting = new ArrayList<>();
        counting.add(new Const(2, 1));
        counting.add(new Const(0, 0));
        counting.add(new Loop(3, -1, List.of(new Arith(0, Arith.Kind.ADD, 0, 2))));
        counting.add(new Loop(0, -1, List.of(new Arith(0, Arith.Kind.ADD, 0, 2))));
        counting.add(new Loop(-4, -1, List.of(new Arith(0, Arith.Kind.ADD, 0, 2))));
        counting.add(new Const(3, 5));
        // The count is read once: changing the register inside the loop does not change the trips.
        counting.add(new Loop(0, 3, List.of(new Arith(0, Arith.Kind.ADD, 0, 2), new Arith(3, Arith.Kind.ADD, 3, 3))));
        counting.add(new Const(3, -3));
        counting.add(new Loop(0, 3, List.of(new Arith(0, Arith.Kind.ADD, 0, 2))));
        assertThat(run(counting, new FakeContext())).isEqualTo(8);
    }

    @Test
    void anUnboundedLoopEndsOnlyByAnException() {
        List<Op> ops = List.of(new Const(0, 0), new Const(2, 1), new Const(3, 10), new Op.Try(List.of(new Loop(Loop.UNBOUNDED, -1, List.of(
                new Arith(0, Arith.Kind.ADD, 0, 2),
                new Op.If(0, Op.If.Cmp.GE, 3, List.of(new Op.Throw(Thrown.ILLEGAL_STATE)))))), Thrown.ILLEGAL_STATE, List.of()));
        assertThat(run(ops, new FakeContext())).isEqualTo(10);
    }

    @Test
    void recursionReturnsTheDepthReached() {
        assertThat(run(List.of(new Const(2, 150), new Op.Recurse(0, 2)), new FakeContext())).isEqualTo(150);
        assertThat(run(List.of(new Const(2, -150), new Op.Recurse(0, 2)), new FakeContext())).isZero();
        Compiled.Ending deep = Compiled.run(new Program("Deep", List.of(new Const(2, Long.MAX_VALUE), new Op.Recurse(0, 2))),
                new FakeContext(), 0, 0);
        assertThat(deep.thrown()).isInstanceOf(StackOverflowError.class);
    }

    @Test
    void handlersCatchTheirKindAndItsSubclassesOnly() {
        assertThat(caught(Thrown.ARITHMETIC, Thrown.ARITHMETIC)).isTrue();
        assertThat(caught(Thrown.ILLEGAL_STATE, Thrown.ARITHMETIC)).isFalse();
        assertThat(caught(Thrown.RUNTIME, Thrown.ARITHMETIC)).isTrue();
        assertThat(caught(Thrown.RUNTIME, Thrown.ILLEGAL_STATE)).isTrue();
        assertThat(caught(Thrown.ARITHMETIC, Thrown.RUNTIME)).isFalse();
        assertThat(caught(Thrown.THROWABLE, Thrown.RUNTIME)).isTrue();
        assertThat(caught(Thrown.RUNTIME, Thrown.THROWABLE)).as("throw throwable throws a RuntimeException").isTrue();
        Compiled.Ending uncaught = Compiled.run(new Program("Uncaught", List.of(new Op.Throw(Thrown.THROWABLE))),
                new FakeContext(), 0, 0);
        assertThat(uncaught.thrown()).hasSameClassAs(new RuntimeException());
    }

    @Test
    void theInnermostMatchingHandlerCatches() {
        List<Op> ops = List.of(new Const(0, 0), new Const(2, 1), new Op.Try(List.of(
                new Op.Try(List.of(new Op.Throw(Thrown.ILLEGAL_STATE)), Thrown.ILLEGAL_STATE, List.of(
                        new Arith(0, Arith.Kind.ADD, 0, 2),
                        new Op.Try(List.of(new Op.Throw(Thrown.ARITHMETIC)), Thrown.RUNTIME, List.of(new Arith(0, Arith.Kind.SHL, 0, 2))))),
                new Arith(0, Arith.Kind.ADD, 0, 2)), Thrown.RUNTIME, List.of(new Const(0, 100))));
        assertThat(run(ops, new FakeContext())).isEqualTo(3);
    }

    /** Whether a handler for {@code caught} catches {@code thrown}, in the compiled class and in the interpreter. */
    private static boolean caught(Thrown caught, Thrown thrown) {
        Program p = new Program("Catch", List.of(new Const(0, 1),
                new Op.Try(List.of(new Op.Throw(thrown)), caught, List.of(new Const(0, 2)))));
        Compiled.Ending compiled = Compiled.run(p, new FakeContext(), 0, 0);
        ProgramInterpreter.Run interpreted = ProgramInterpreter.run(p, new FakeContext(), 0, 0, LIMITS);
        assertThat(compiled.result()).isEqualTo(interpreted.result());
        assertThat(type(compiled.thrown())).isEqualTo(type(interpreted.thrown()));
        return compiled.result() == 2;
    }

    @Test
    void helpersGetTheLowBitsOfIntArgumentsAndSignExtendIntResults() {
        FakeContext ctx = new FakeContext();
        int result = run(List.of(new Const(2, 0x1_0000_0003L), new Op.Call(3, Op.Helper.LOCK, List.of(2)),
                new Const(4, 1L << 40), new Arith(0, Arith.Kind.ADD, 3, 4)), ctx);
        assertThat(ctx.log).containsExactly("lock(3)");
        assertThat(result).isEqualTo(-16);
    }

    @Test
    void registersStartAsThePacketItsLengthAndZeros() {
        Program p = new Program("Entry", List.of(new Arith(0, Arith.Kind.SUB, 0, 1), new Arith(0, Arith.Kind.ADD, 0, 7)));
        PacketFilter filter = Compiled.load(p);
        assertThat(filter.filter(new FakeContext(), 100, 30)).isEqualTo(70);
    }

    // ---- the class itself ----

    @Test
    void theClassIsAPublicFinalPacketFilterNamedAfterTheProgram() throws Exception {
        Program p = new Program("Shape_1", List.of(new Const(0, 3)));
        PacketFilter filter = Compiled.load(p);
        Class<?> type = filter.getClass();
        assertThat(type.getName()).isEqualTo("testbed.corpus.entries.generated.Shape_1");
        assertThat(Modifier.isPublic(type.getModifiers()) && Modifier.isFinal(type.getModifiers())).isTrue();
        assertThat(type.getInterfaces()).containsExactly(PacketFilter.class);
        assertThat(Modifier.isPublic(type.getConstructor().getModifiers())).isTrue();
        assertThat(type.getDeclaredMethods()).extracting(java.lang.reflect.Method::getName).containsExactly("filter");

        PacketFilter renamed = Compiled.load(ProgramCompiler.compile(p, "com.example.Renamed"));
        assertThat(renamed.getClass().getName()).isEqualTo("com.example.Renamed");
    }

    @Test
    void theCodeNamesOnlyTheApiItselfObjectAndExceptionsAndAccessesMemoryByInterfaceCalls() {
        Set<String> owners = new HashSet<>();
        Set<String> memoryCalls = new HashSet<>();
        Set<String> methods = new HashSet<>();
        for (Program p : samples()) {
            new ClassReader(ProgramCompiler.compile(p)).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                    methods.add(name + descriptor + (Modifier.isStatic(access) ? " static" : ""));
                    return new MethodVisitor(Opcodes.ASM9) {
                        @Override
                        public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean isInterface) {
                            owners.add(owner);
                            if (owner.equals("testbed/kernel/api/Memory")) {
                                assertThat(opcode).isEqualTo(Opcodes.INVOKEINTERFACE);
                                assertThat(isInterface).isTrue();
                                memoryCalls.add(method + desc);
                            }
                        }

                        @Override
                        public void visitTypeInsn(int opcode, String type) {
                            owners.add(type);
                        }

                        @Override
                        public void visitTryCatchBlock(net.bytebuddy.jar.asm.Label start, net.bytebuddy.jar.asm.Label end,
                                net.bytebuddy.jar.asm.Label handler, String type) {
                            owners.add(type);
                        }
                    };
                }
            }, 0);
        }
        assertThat(owners).allMatch(o -> o.startsWith("testbed/kernel/api/") || o.startsWith("testbed/corpus/entries/generated/")
                || Set.of("java/lang/Object", "java/lang/ArithmeticException", "java/lang/IllegalStateException",
                        "java/lang/RuntimeException", "java/lang/Throwable").contains(o));
        assertThat(memoryCalls).containsExactlyInAnyOrder("load8(J)B", "load16(J)S", "load32(J)I", "load64(J)J",
                "store8(JB)V", "store16(JS)V", "store32(JI)V", "store64(JJ)V", "copy(JJJ)V");
        assertThat(methods).contains("<init>()V", "filter(Ltestbed/kernel/api/Context;JI)I", "depth(J)J static");
    }

    @Test
    void compilingIsDeterministic() {
        for (Program p : samples()) {
            assertThat(ProgramCompiler.compile(p)).isEqualTo(ProgramCompiler.compile(p));
        }
    }

    private static int run(List<Op> ops, FakeContext ctx) {
        Program p = new Program("Probe", ops);
        FakeContext twin = new FakeContext();
        System.arraycopy(ctx.ram, 0, twin.ram, 0, ctx.ram.length);
        ProgramInterpreter.Run interpreted = ProgramInterpreter.run(p, twin, PACKET, LENGTH, LIMITS);
        int result = Compiled.load(p).filter(ctx, PACKET, LENGTH);
        assertThat(interpreted.returned()).as("interpreted run returned").isTrue();
        assertThat(interpreted.result()).as("interpreted result").isEqualTo(result);
        assertThat(twin.ram).isEqualTo(ctx.ram);
        return result;
    }

    static Class<?> type(Throwable t) {
        return t == null ? null : t.getClass();
    }
}
