package testbed.program;

import static testbed.program.FakeContext.BASE;

import java.util.ArrayList;
import java.util.List;
import testbed.program.Op.Arith;
import testbed.program.Op.Call;
import testbed.program.Op.Const;
import testbed.program.Op.Copy;
import testbed.program.Op.Helper;
import testbed.program.Op.If;
import testbed.program.Op.Load;
import testbed.program.Op.Loop;
import testbed.program.Op.Recurse;
import testbed.program.Op.Store;
import testbed.program.Op.Thrown;
import testbed.program.Op.Throw;
import testbed.program.Op.Try;
import testbed.program.Op.Width;

/** Hand-built programs that together use every operation, every constant of its enums, and nested blocks. */
final class SamplePrograms {
    private SamplePrograms() {
    }

    static List<Program> all() {
        List<Program> all = new ArrayList<>();
        List<Op> arith = new ArrayList<>();
        arith.add(new Const(2, -0x1234_5678_9abcL));
        arith.add(new Const(3, 13));
        for (Arith.Kind k : Arith.Kind.values()) {
            arith.add(new Arith(4, k, 2, 3));
            arith.add(new Arith(5, Arith.Kind.XOR, 5, 4));
        }
        arith.add(new Arith(0, Arith.Kind.ADD, 5, 1));
        all.add(new Program("Arithmetic", arith));

        List<Op> memory = new ArrayList<>();
        memory.add(new Op.Segment(2, Op.Segment.Field.BASE));
        memory.add(new Op.Segment(3, Op.Segment.Field.SIZE));
        memory.add(new Const(6, 0x8899_aabb_ccdd_eeffL));
        long offset = 0x100;
        for (Width w : Width.values()) {
            memory.add(new Const(4, BASE + offset));
            memory.add(new Load(5, w, 4));
            memory.add(new Arith(0, Arith.Kind.ADD, 0, 5));
            memory.add(new Store(w, 4, 6));
            memory.add(new Load(7, w, 4));
            memory.add(new Arith(0, Arith.Kind.XOR, 0, 7));
            offset += 0x10;
        }
        memory.add(new Const(4, BASE + 0x200));
        memory.add(new Const(5, BASE + 0x100));
        memory.add(new Const(7, 64));
        memory.add(new Copy(4, 5, 7));
        memory.add(new Const(7, 0));
        memory.add(new Copy(4, 5, 7));
        all.add(new Program("Memory", memory));

        List<Op> helpers = new ArrayList<>();
        helpers.add(new Const(2, 16));
        helpers.add(new Const(3, 3));
        for (Helper h : Helper.values()) {
            List<Integer> args = h.arity() == 0 ? List.of() : h.arity() == 1 ? List.of(h == Helper.LOCK ? 3 : 2) : List.of(2, 3);
            helpers.add(new Call(4, h, args));
            helpers.add(new Arith(0, Arith.Kind.ADD, 0, 4));
        }
        all.add(new Program("Helpers", helpers));

        all.add(new Program("Loops", List.of(
                new Const(2, 3),
                new Loop(4, -1, List.of(
                        new Arith(0, Arith.Kind.ADD, 0, 2),
                        new Loop(0, 2, List.of(new Arith(1, Arith.Kind.ADD, 1, 2))))),
                new Loop(0, -1, List.of(new Const(0, 99))),
                new Loop(-5, -1, List.of(new Const(0, 98))),
                new Const(3, -2),
                new Loop(0, 3, List.of(new Const(0, 97))),
                new Arith(0, Arith.Kind.ADD, 0, 1))));

        all.add(new Program("Conditionals", List.of(
                new Const(2, -1),
                new Const(3, 1),
                new If(2, If.Cmp.LT, 3, List.of(new Arith(0, Arith.Kind.ADD, 0, 3))),
                new If(2, If.Cmp.GE, 3, List.of(new Const(0, 50))),
                new If(2, If.Cmp.EQ, 2, List.of(new Arith(0, Arith.Kind.SHL, 0, 3),
                        new If(2, If.Cmp.NE, 3, List.of(new Arith(0, Arith.Kind.ADD, 0, 3))))),
                new If(3, If.Cmp.NE, 3, List.of(new Const(0, 51))))));

        all.add(new Program("Recursion", List.of(
                new Const(2, 40),
                new Op.Recurse(3, 2),
                new Const(2, -4),
                new Recurse(4, 2),
                new Arith(0, Arith.Kind.ADD, 3, 4))));

        List<Op> handlers = new ArrayList<>();
        handlers.add(new Const(2, 1));
        for (Thrown t : Thrown.values()) {
            handlers.add(new Try(List.of(new Throw(t), new Const(0, -1)), t, List.of(new Arith(0, Arith.Kind.ADD, 0, 2))));
        }
        // Division by zero caught by the widest handler a verifier allows for it, inside a loop.
        handlers.add(new Loop(2, -1, List.of(
                new Try(List.of(new Arith(4, Arith.Kind.DIV, 2, 5)), Thrown.RUNTIME, List.of(new Arith(0, Arith.Kind.ADD, 0, 0))))));
        handlers.add(new Try(List.of(), Thrown.RUNTIME, List.of(new Const(0, -2))));
        handlers.add(new Try(List.of(new Try(List.of(new Throw(Thrown.ILLEGAL_STATE)), Thrown.ARITHMETIC, List.of(new Const(0, -3)))),
                Thrown.ILLEGAL_STATE, List.of(new Arith(0, Arith.Kind.ADD, 0, 0), new Try(List.of(), Thrown.THROWABLE, List.of()))));
        all.add(new Program("Handlers", handlers));

        all.add(new Program("UncaughtThrow", List.of(
                new Const(0, 5),
                new Try(List.of(new Throw(Thrown.ILLEGAL_STATE)), Thrown.ARITHMETIC, List.of(new Const(0, 6))))));
        all.add(new Program("DivisionByZero", List.of(new Arith(0, Arith.Kind.REM, 1, 2))));
        all.add(new Program("Empty", List.of()));
        return all;
    }
}
