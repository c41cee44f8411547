package testbed.program;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static testbed.program.FakeContext.BASE;

import java.util.List;
import org.junit.jupiter.api.Test;
import testbed.program.Op.Arith;
import testbed.program.Op.Const;
import testbed.program.Op.Loop;
import testbed.program.ProgramInterpreter.Access;
import testbed.program.ProgramInterpreter.Limit;
import testbed.program.ProgramInterpreter.Limits;
import testbed.program.ProgramInterpreter.Run;

class ProgramInterpreterTest {
    private static final Limits GENEROUS = new Limits(1_000, 50, 4096);

    private static Run run(Limits limits, Op... ops) {
        return ProgramInterpreter.run(new Program("P", List.of(ops)), new FakeContext(), BASE, 16, limits);
    }

    @Test
    void oneStepPerOperationAndPerLoopIteration() {
        Run r = run(GENEROUS, new Const(2, 1), new Loop(3, -1, List.of(new Arith(0, Arith.Kind.ADD, 0, 2), new Const(4, 4))));
        assertThat(r.steps()).isEqualTo(2 + 3 * (1 + 2));
        assertThat(r.withinLimits()).isTrue();
        assertThat(run(new Limits(r.steps(), 0, 0), new Const(2, 1),
                new Loop(3, -1, List.of(new Arith(0, Arith.Kind.ADD, 0, 2), new Const(4, 4)))).withinLimits())
                .as("exactly the steps needed is within limits").isTrue();
    }

    @Test
    void aLoopThatNeverEndsIsStoppedAtTheStepLimit() {
        Run r = run(new Limits(100, 0, 0), new Loop(Loop.UNBOUNDED, -1, List.of(new Const(0, 1))));
        assertThat(r.exceeded()).isEqualTo(Limit.STEPS);
        assertThat(r.withinLimits()).isFalse();
        assertThat(r.returned()).isFalse();
        assertThat(r.thrown()).isNull();
        assertThat(r.steps()).isEqualTo(100);
    }

    @Test
    void aHandlerNeverCatchesTheStop() {
        Run r = run(new Limits(10, 0, 0), new Op.Try(List.of(new Loop(Loop.UNBOUNDED, -1, List.of())), Op.Thrown.THROWABLE,
                List.of(new Const(0, 1))));
        assertThat(r.exceeded()).isEqualTo(Limit.STEPS);
    }

    @Test
    void recursionDeeperThanTheLimitIsStopped() {
        assertThat(run(GENEROUS, new Const(2, 50), new Op.Recurse(0, 2)).result()).isEqualTo(50);
        assertThat(run(GENEROUS, new Const(2, 51), new Op.Recurse(0, 2)).exceeded()).isEqualTo(Limit.DEPTH);
    }

    @Test
    void everyAccessIsTracedInOrderAndACopyIsALoadThenAStoreWhateverItsLength() {
        Run r = run(GENEROUS, new Const(2, BASE + 8), new Op.Load(3, Op.Width.W16, 2), new Op.Store(Op.Width.W64, 0, 3),
                new Const(4, 0), new Op.Copy(2, 0, 4), new Const(4, 32), new Op.Copy(2, 0, 4), new Const(4, -3),
                new Op.Copy(2, 0, 4));
        assertThat(r.trace()).containsExactly(
                new Access(Access.Kind.LOAD, BASE + 8, 2).done(),
                new Access(Access.Kind.STORE, BASE, 8).done(),
                new Access(Access.Kind.LOAD, BASE, 0, false, true).done(),
                new Access(Access.Kind.STORE, BASE + 8, 0, false, true).done(),
                new Access(Access.Kind.LOAD, BASE, 32, false, true).done(),
                new Access(Access.Kind.STORE, BASE + 8, 32, false, true).done(),
                new Access(Access.Kind.LOAD, BASE, -3, false, true),
                new Access(Access.Kind.STORE, BASE + 8, -3, false, true));
        assertThat(r.trace()).as("carried out").extracting(Access::performed).containsExactly(true, true, true, true, true, true, false, false);
        assertThat(r.trace()).as("part of a copy").extracting(Access::copy).containsExactly(false, false, true, true, true, true, true, true);
        assertThat(r.thrown()).as("the fake refuses a negative length").isInstanceOf(IllegalArgumentException.class);
        assertThat(r.copiedBytes()).isEqualTo(32);
    }

    @Test
    void anAccessThatFaultsIsTracedAndPropagates() {
        FakeContext ctx = new FakeContext();
        Run r = ProgramInterpreter.run(new Program("Wild", List.of(new Const(2, 0x7000_0000L), new Op.Store(Op.Width.W32, 2, 2))),
                ctx, BASE, 16, GENEROUS);
        assertThat(r.trace()).containsExactly(new Access(Access.Kind.STORE, 0x7000_0000L, 4));
        assertThat(r.thrown()).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(ctx.accesses()).containsExactly("store 4 at 0x70000000");
    }

    @Test
    void aFaultTheProgramCatchesLeavesItsAccessMarkedNotCarriedOut() {
        Run r = run(GENEROUS, new Const(2, 0x7000_0000L), new Op.Try(List.of(new Op.Load(3, Op.Width.W8, 2)), Op.Thrown.RUNTIME,
                List.of()), new Const(2, BASE), new Op.Load(3, Op.Width.W8, 2));
        assertThat(r.returned()).isTrue();
        assertThat(r.trace()).extracting(Access::performed).containsExactly(false, true);
        assertThat(r.trace().get(0)).hasToString("load 1 at 0x70000000 (not carried out)");
        assertThat(r.trace().get(1)).hasToString("load 1 at 0x10000");
    }

    @Test
    void aCopyBeyondTheCopyLimitIsTracedButNotPerformed() {
        FakeContext ctx = new FakeContext();
        byte[] before = ctx.ram.clone();
        Run r = ProgramInterpreter.run(new Program("Big", List.of(new Const(2, BASE + 100), new Const(3, 4000),
                new Op.Copy(0, 2, 3))), ctx, BASE, 16, new Limits(100, 0, 3999));
        assertThat(r.exceeded()).isEqualTo(Limit.COPY_BYTES);
        assertThat(r.trace()).hasSize(2).noneMatch(Access::performed);
        assertThat(ctx.log).isEmpty();
        assertThat(ctx.ram).isEqualTo(before);
    }

    @Test
    void asAFilterItAnswersThrowsAndKeepsItsLastRun() {
        ProgramInterpreter.Filter answer = ProgramInterpreter.asFilter(new Program("Answer",
                List.of(new Arith(0, Arith.Kind.SUB, 1, 2))), GENEROUS);
        assertThat(answer.lastRun()).isNull();
        assertThat(answer.filter(new FakeContext(), BASE, 42)).isEqualTo(42);
        assertThat(answer.lastRun().result()).isEqualTo(42);

        ProgramInterpreter.Filter thrower = ProgramInterpreter.asFilter(new Program("Thrower",
                List.of(new Op.Throw(Op.Thrown.ILLEGAL_STATE))), GENEROUS);
        assertThatThrownBy(() -> thrower.filter(new FakeContext(), BASE, 1)).isInstanceOf(IllegalStateException.class);
        assertThat(thrower.lastRun().thrown()).isInstanceOf(IllegalStateException.class);

        ProgramInterpreter.Filter spinner = ProgramInterpreter.asFilter(new Program("Spinner",
                List.of(new Loop(Loop.UNBOUNDED, -1, List.of()))), GENEROUS);
        assertThatThrownBy(() -> spinner.filter(new FakeContext(), BASE, 1))
                .isInstanceOf(ProgramInterpreter.LimitExceeded.class)
                .hasMessage("program Spinner exceeded its STEPS limit");
        assertThat(spinner.lastRun().exceeded()).isEqualTo(Limit.STEPS);
    }

    @Test
    void negativeLimitsAreRefused() {
        assertThatThrownBy(() -> new Limits(-1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
