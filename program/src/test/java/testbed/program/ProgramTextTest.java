package testbed.program;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import testbed.program.Op.Arith;
import testbed.program.Op.Const;
import testbed.program.Op.Loop;

class ProgramTextTest {

    static List<Program> samples() {
        return SamplePrograms.all();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void parsingWhatWasPrintedGivesTheSameProgram(Program program) {
        String text = ProgramText.print(program);
        assertThat(ProgramText.parse(text)).as(text).isEqualTo(program);
        assertThat(ProgramText.print(ProgramText.parse(text))).isEqualTo(text);
    }

    @Test
    void theSamplesUseEveryOperationAndEveryConstant() {
        Set<Object> seen = new HashSet<>();
        for (Program p : samples()) {
            collect(p.body(), seen);
        }
        for (Class<?> kind : Op.class.getPermittedSubclasses()) {
            assertThat(seen).as("samples use %s", kind.getSimpleName()).contains(kind);
        }
        for (Class<? extends Enum<?>> e : List.of(Arith.Kind.class, Op.Width.class, Op.Helper.class, Op.Thrown.class,
                Op.If.Cmp.class, Op.Segment.Field.class)) {
            assertThat(seen).as("samples use every %s", e.getSimpleName()).contains((Object[]) e.getEnumConstants());
        }
    }

    private static void collect(List<Op> ops, Set<Object> seen) {
        for (Op op : ops) {
            seen.add(op.getClass());
            if (op instanceof Arith a) {
                seen.add(a.kind());
            } else if (op instanceof Op.Load l) {
                seen.add(l.width());
            } else if (op instanceof Op.Store s) {
                seen.add(s.width());
            } else if (op instanceof Op.Call c) {
                seen.add(c.helper());
            } else if (op instanceof Op.Throw t) {
                seen.add(t.kind());
            } else if (op instanceof Op.Segment s) {
                seen.add(s.field());
            } else if (op instanceof Op.If i) {
                seen.add(i.cmp());
                collect(i.then(), seen);
            } else if (op instanceof Loop l) {
                collect(l.body(), seen);
            } else if (op instanceof Op.Try t) {
                seen.add(t.caught());
                collect(t.body(), seen);
                collect(t.handler(), seen);
            }
        }
    }

    @Test
    void extremeConstantsAndLoopsWithUnusualHiddenFieldsSurviveTheRoundTrip() {
        List<Op> ops = new java.util.ArrayList<>();
        for (long v : new long[] {0, 1, -1, 1023, 1024, -1023, -1024, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1,
                0xffff_ffffL, 0x8000_0000L, -0x8000_0000L}) {
            ops.add(new Const(3, v));
        }
        ops.add(new Loop(5, 3, List.of()));
        ops.add(new Loop(Loop.UNBOUNDED, 3, List.of(new Const(1, 1))));
        ops.add(new Loop(7, -4, List.of()));
        ops.add(new Loop(-7, -1, List.of()));
        ops.add(new Loop(Long.MIN_VALUE, -1, List.of()));
        ops.add(new Loop(0, 2, List.of()));
        Program p = new Program("Extremes", ops);
        assertThat(ProgramText.parse(ProgramText.print(p))).isEqualTo(p);
    }

    @Test
    void textReadsAsDocumented() {
        Program p = new Program("WildStore_1a2b", List.of(
                new Op.Segment(2, Op.Segment.Field.BASE),
                new Const(3, 0x10000),
                new Arith(2, Arith.Kind.ADD, 2, 3),
                new Op.Store(Op.Width.W32, 2, 5),
                new Loop(3, -1, List.of(new Op.Load(4, Op.Width.W8, 2))),
                new Loop(0, 6, List.of()),
                new Loop(Loop.UNBOUNDED, -1, List.of(new Op.Copy(2, 3, 4))),
                new Op.If(1, Op.If.Cmp.LT, 2, List.of(new Op.Call(5, Op.Helper.ALLOC, List.of(3)))),
                new Op.Recurse(5, 4),
                new Op.Try(List.of(new Op.Throw(Op.Thrown.ILLEGAL_STATE)), Op.Thrown.ARITHMETIC,
                        List.of(new Op.Call(0, Op.Helper.SEND_PACKET, List.of(2, 3)))),
                new Const(0, -5)));
        assertThat(ProgramText.print(p)).isEqualTo("""
                program WildStore_1a2b
                r2 = segment.base
                r3 = 0x10000
                r2 = r2 add r3
                store32 [r2] = r5
                loop 3 {
                  r4 = load8 [r2]
                }
                loop r6 {
                }
                loop forever {
                  copy [r2] <- [r3], r4
                }
                if r1 lt r2 {
                  r5 = call alloc(r3)
                }
                r5 = recurse r4
                try {
                  throw illegal_state
                } catch arithmetic {
                  r0 = call sendPacket(r2, r3)
                }
                r0 = -5
                """);
    }

    @Test
    void commentsBlankLinesSpacingAndIndentationAreFree() {
        Program p = ProgramText.parse("""
                # a comment before the program
                program Spacing

                   r2=0X1f
                # a comment inside
                r3   =   r2    mul r2
                  store8[r3]=r2
                  copy [ r2 ] <- [ r3 ] , r4
                r5 = call time( )
                r6 = -0x10
                loop r6{
                }
                """);
        assertThat(p.body()).containsExactly(new Const(2, 0x1f), new Arith(3, Arith.Kind.MUL, 2, 2),
                new Op.Store(Op.Width.W8, 3, 2), new Op.Copy(2, 3, 4), new Op.Call(5, Op.Helper.TIME, List.of()),
                new Const(6, -16), new Loop(0, 6, List.of()));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("", 1, "no 'program <Name>' line"),
                Arguments.of("r1 = 2\n", 1, "expected 'program <Name>'"),
                Arguments.of("program 9lives\n", 1, "must be a Java identifier"),
                Arguments.of("program P\nr1 = 2\nr2 = r1 plus r1\n", 3, "unknown arithmetic operation 'plus'"),
                Arguments.of("program P\nr8 = 1\n", 2, "no register r8"),
                Arguments.of("program P\nstore12 [r1] = r2\n", 2, "unknown operation 'store12 [r1] = r2'"),
                Arguments.of("program P\nr1 = 0x1_0000_0000_0000_0000\n", 2, "unknown operation"),
                Arguments.of("program P\nr1 = 0x10000000000000000\n", 2, "number 0x10000000000000000 does not fit in 64 bits"),
                Arguments.of("program P\nr1 = 99999999999999999999\n", 2, "does not fit in 64 bits"),
                Arguments.of("program P\nr1 = 9999999999999999999\n", 2, "does not fit in 64 bits"),
                Arguments.of("program P\nr1 = call malloc(r2)\n", 2, "unknown helper 'malloc'"),
                Arguments.of("program P\nr1 = call alloc(r2, r3)\n", 2, "ALLOC takes 1 arguments, not 2"),
                Arguments.of("program P\nr1 = call alloc(7)\n", 2, "helper argument '7' is not a register"),
                Arguments.of("program P\nthrow oops\n", 2, "unknown exception kind 'oops'"),
                Arguments.of("program P\nr1 = 1\n}\n", 3, "'}' closes no block"),
                Arguments.of("program P\n\nloop 3 {\n  r1 = 1\n", 3, "loop is never closed"),
                Arguments.of("program P\nif r1 eq r2 {\n} catch runtime {\n}\n", 3, "'} catch' closes if opened at line 2"),
                Arguments.of("program P\ntry {\n  r1 = 1\n}\n", 4, "try opened at line 2 needs '} catch <kind> {'"),
                Arguments.of("program P\ntry {\n} catch everything {\n}\n", 3, "unknown exception kind 'everything'"),
                Arguments.of("program P\nif r1 gt r2 {\n}\n", 2, "unknown comparison 'gt'"),
                Arguments.of("program P\nprogram Q\n", 2, "a second 'program' line"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedTextIsRefusedWithItsLineNumber(String text, int line, String detail) {
        assertThatThrownBy(() -> ProgramText.parse(text))
                .isInstanceOfSatisfying(MalformedProgramException.class, e -> assertThat(e.line()).isEqualTo(line))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("line " + line + ": ")
                .hasMessageContaining(detail)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void numbersPrintInDecimalWhenSmallAndInHexOtherwise() {
        assertThat(ProgramText.number(1023)).isEqualTo("1023");
        assertThat(ProgramText.number(-1023)).isEqualTo("-1023");
        assertThat(ProgramText.number(1024)).isEqualTo("0x400");
        assertThat(ProgramText.number(-0x10000)).isEqualTo("-0x10000");
        assertThat(ProgramText.number(Long.MIN_VALUE)).isEqualTo("-0x8000000000000000");
    }
}
