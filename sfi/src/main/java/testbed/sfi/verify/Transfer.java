package testbed.sfi.verify;

import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.ConstantDynamic;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import testbed.sfi.MemoryAccess;

/**
 * What one instruction does to the abstract state, and the state on each edge out of it, narrowed
 * by the edge's branch condition. Trusted base: the analysis and the {@link ProofChecker} share it,
 * so it is written to over-approximate every instruction and never to be clever.
 */
final class Transfer {
    /** One edge out of an instruction: the target index and the state there. */
    record Edge(int target, State state) {
    }

    /** What the walk reports besides states. */
    interface Observer {
        /** A {@code Memory} call: its address (destination for {@code copy}), source and length intervals. */
        void access(int index, MemoryAccess access, Interval address, Interval source, Interval length);

        /** A call of a method of the class being analysed, with its arguments (receiver excluded). */
        void call(int index, Code.Insn insn, List<Value> arguments);

        /** A return with {@code value} (null for {@code void}). */
        void returned(int index, Value value);
    }

    /** The facts from outside the method: segment constants and what the class's own methods return. */
    interface Env {
        long base();

        long size();

        String className();

        /** The proven range of what the own method {@code name + descriptor} returns, or null if none. */
        Interval returns(String owner, String name, String descriptor, int opcode);
    }

    static final String CONTEXT = "testbed/kernel/api/Context";

    /** An observer that wants nothing. */
    static final Observer IGNORE = new Observer() {
        @Override
        public void access(int index, MemoryAccess access, Interval address, Interval source, Interval length) {
        }

        @Override
        public void call(int index, Code.Insn insn, List<Value> arguments) {
        }

        @Override
        public void returned(int index, Value value) {
        }
    };

    private Transfer() {
    }

    /**
     * The state a method is entered in: its numeric arguments in {@code ranges} (by slot; null is
     * the whole type), every other slot unusable.
     */
    static State entry(Code code, Interval[] ranges) {
        Value[] locals = new Value[Math.max(code.maxLocals, 1)];
        java.util.Arrays.fill(locals, Value.TOP);
        int slot = 0;
        if (!code.isStatic()) {
            locals[slot++] = Value.OTHER;
        }
        for (Type t : Type.getArgumentTypes(code.descriptor)) {
            Value v = Value.ofType(t.getDescriptor().charAt(0));
            if (v.isNumber() && slot < ranges.length && ranges[slot] != null) {
                Interval r = ranges[slot].meet(v.range());
                v = v.withRange(r == null ? v.range() : r);
            }
            locals[slot] = v;
            slot += t.getSize();
        }
        return State.entry(locals);
    }

    /** The edges out of instruction {@code index} entered in {@code in}; infeasible edges are left out. */
    static List<Edge> step(Code code, int index, State in, Env env, Observer observer) {
        Code.Insn insn = code.at(index);
        int op = insn.opcode();
        List<Edge> out = new ArrayList<>(2);
        int next = index + 1;
        switch (op) {
            case Opcodes.GOTO:
                out.add(new Edge(insn.targets()[0], in));
                return out;
            case Opcodes.IFEQ: case Opcodes.IFNE: case Opcodes.IFLT: case Opcodes.IFGE: case Opcodes.IFGT: case Opcodes.IFLE: {
                Value v = in.peek(0);
                State s = in.pop(1);
                Value a = v.left() != null ? v.left() : v;
                Value b = v.left() != null ? v.right() : Value.ofInt(Interval.of(0));
                int cond = op - Opcodes.IFEQ;
                branch(out, s, a, b, cond, insn.targets()[0], next);
                return out;
            }
            case Opcodes.IF_ICMPEQ: case Opcodes.IF_ICMPNE: case Opcodes.IF_ICMPLT: case Opcodes.IF_ICMPGE:
            case Opcodes.IF_ICMPGT: case Opcodes.IF_ICMPLE: {
                Value b = in.peek(0);
                Value a = in.peek(1);
                branch(out, in.pop(2), a, b, op - Opcodes.IF_ICMPEQ, insn.targets()[0], next);
                return out;
            }
            case Opcodes.IF_ACMPEQ: case Opcodes.IF_ACMPNE:
                out.add(new Edge(insn.targets()[0], in.pop(2)));
                out.add(new Edge(next, in.pop(2)));
                return out;
            case Opcodes.IFNULL: case Opcodes.IFNONNULL:
                out.add(new Edge(insn.targets()[0], in.pop(1)));
                out.add(new Edge(next, in.pop(1)));
                return out;
            case Opcodes.TABLESWITCH: case Opcodes.LOOKUPSWITCH:
                for (int t : insn.targets()) {
                    out.add(new Edge(t, in.pop(1)));
                }
                return out;
            case Opcodes.IRETURN: case Opcodes.LRETURN: case Opcodes.FRETURN: case Opcodes.DRETURN: case Opcodes.ARETURN:
                observer.returned(index, in.peek(0));
                return out;
            case Opcodes.RETURN:
                observer.returned(index, null);
                return out;
            case Opcodes.ATHROW:
                return out;
            case Opcodes.JSR: case Opcodes.RET:
                throw new Unprovable("jsr/ret");
            default:
                State s = straight(code, index, insn, in, env, observer);
                out.add(new Edge(next, s));
                return out;
        }
    }

    /** {@code cond} is 0..5 for ==, !=, <, >=, >, <=: taken to {@code target} when {@code a cond b}. */
    private static void branch(List<Edge> out, State s, Value a, Value b, int cond, int target, int next) {
        State taken = Refine.when(s, a, b, cond);
        State fall = Refine.when(s, a, b, Refine.negate(cond));
        if (taken != null) {
            out.add(new Edge(target, taken));
        }
        if (fall != null) {
            out.add(new Edge(next, fall));
        }
    }

    private static State straight(Code code, int index, Code.Insn insn, State in, Env env, Observer observer) {
        int op = insn.opcode();
        if (op >= Opcodes.ICONST_M1 && op <= Opcodes.ICONST_5) {
            return in.push(Value.ofInt(Interval.of(op - Opcodes.ICONST_0)));
        }
        switch (op) {
            case Opcodes.NOP:
                return in;
            case Opcodes.ACONST_NULL: case Opcodes.FCONST_0: case Opcodes.FCONST_1: case Opcodes.FCONST_2:
                return in.push(Value.OTHER);
            case Opcodes.LCONST_0: case Opcodes.LCONST_1:
                return in.push(Value.ofLong(Interval.of(op - Opcodes.LCONST_0)));
            case Opcodes.DCONST_0: case Opcodes.DCONST_1:
                return in.push(Value.WIDE);
            case Opcodes.BIPUSH: case Opcodes.SIPUSH:
                return in.push(Value.ofInt(Interval.of(insn.operand())));
            case Opcodes.LDC:
                return in.push(constant(insn.constant()));
            case Opcodes.ILOAD: case Opcodes.LLOAD:
                return in.push(typed(in.locals()[insn.operand()], op == Opcodes.ILOAD ? 'I' : 'J').from(insn.operand()));
            case Opcodes.FLOAD: case Opcodes.ALOAD:
                return in.push(Value.OTHER);
            case Opcodes.DLOAD:
                return in.push(Value.WIDE);
            case Opcodes.ISTORE: case Opcodes.LSTORE: case Opcodes.FSTORE: case Opcodes.DSTORE: case Opcodes.ASTORE:
                return in.pop(1).store(insn.operand(), in.peek(0));
            case Opcodes.IINC: {
                Value v = typed(in.locals()[insn.operand()], 'I');
                Value n = Value.ofInt(v.range().add(Interval.of((Integer) insn.constant()), Interval.INT));
                return in.store(insn.operand(), n);
            }
            case Opcodes.IALOAD:
                return in.pop(2).push(Value.ofType('I'));
            case Opcodes.LALOAD:
                return in.pop(2).push(Value.ofType('J'));
            case Opcodes.FALOAD: case Opcodes.AALOAD:
                return in.pop(2).push(Value.OTHER);
            case Opcodes.DALOAD:
                return in.pop(2).push(Value.WIDE);
            case Opcodes.BALOAD:
                return in.pop(2).push(Value.ofType('B'));
            case Opcodes.CALOAD:
                return in.pop(2).push(Value.ofType('C'));
            case Opcodes.SALOAD:
                return in.pop(2).push(Value.ofType('S'));
            case Opcodes.IASTORE: case Opcodes.LASTORE: case Opcodes.FASTORE: case Opcodes.DASTORE:
            case Opcodes.AASTORE: case Opcodes.BASTORE: case Opcodes.CASTORE: case Opcodes.SASTORE:
                return in.pop(3);
            case Opcodes.POP:
                return in.pop(1);
            case Opcodes.POP2:
                return in.pop(in.peek(0).size() == 2 ? 1 : 2);
            case Opcodes.DUP: case Opcodes.DUP_X1: case Opcodes.DUP_X2: case Opcodes.DUP2: case Opcodes.DUP2_X1:
            case Opcodes.DUP2_X2: case Opcodes.SWAP:
                return Shuffle.apply(op, in);
            case Opcodes.I2L:
                return in.pop(1).push(typed(in.peek(0), 'I').as(Value.Kind.LONG));
            case Opcodes.L2I: {
                Interval r = typed(in.peek(0), 'J').range();
                return in.pop(1).push(Value.ofInt(r.within(Interval.INT) ? r : Interval.INT));
            }
            case Opcodes.I2B: case Opcodes.I2C: case Opcodes.I2S: {
                Interval r = typed(in.peek(0), 'I').range();
                Interval t = Value.ofType(op == Opcodes.I2B ? 'B' : op == Opcodes.I2C ? 'C' : 'S').range();
                return in.pop(1).push(Value.ofInt(r.within(t) ? r : t));
            }
            case Opcodes.I2F: case Opcodes.L2F: case Opcodes.D2F:
                return in.pop(1).push(Value.OTHER);
            case Opcodes.I2D: case Opcodes.L2D: case Opcodes.F2D:
                return in.pop(1).push(Value.WIDE);
            case Opcodes.F2I: case Opcodes.D2I:
                return in.pop(1).push(Value.ofType('I'));
            case Opcodes.F2L: case Opcodes.D2L:
                return in.pop(1).push(Value.ofType('J'));
            case Opcodes.LCMP:
                return in.pop(2).push(Value.comparison(in.peek(1), in.peek(0)));
            case Opcodes.FCMPL: case Opcodes.FCMPG: case Opcodes.DCMPL: case Opcodes.DCMPG:
                return in.pop(2).push(Value.ofInt(new Interval(-1, 1)));
            case Opcodes.GETSTATIC:
                return in.push(Value.ofType(insn.descriptor().charAt(0)));
            case Opcodes.PUTSTATIC:
                return in.pop(1);
            case Opcodes.GETFIELD:
                return in.pop(1).push(Value.ofType(insn.descriptor().charAt(0)));
            case Opcodes.PUTFIELD:
                return in.pop(2);
            case Opcodes.INVOKEVIRTUAL: case Opcodes.INVOKESPECIAL: case Opcodes.INVOKESTATIC:
            case Opcodes.INVOKEINTERFACE: case Opcodes.INVOKEDYNAMIC:
                return invoke(index, insn, in, env, observer);
            case Opcodes.NEW:
                return in.push(Value.OTHER);
            case Opcodes.NEWARRAY: case Opcodes.ANEWARRAY: case Opcodes.CHECKCAST:
                return in.pop(1).push(Value.OTHER);
            case Opcodes.ARRAYLENGTH:
                return in.pop(1).push(Value.ofInt(new Interval(0, Integer.MAX_VALUE)));
            case Opcodes.INSTANCEOF:
                return in.pop(1).push(Value.ofInt(new Interval(0, 1)));
            case Opcodes.MONITORENTER: case Opcodes.MONITOREXIT:
                return in.pop(1);
            case Opcodes.MULTIANEWARRAY:
                return in.pop(insn.operand()).push(Value.OTHER);
            default:
                return Arithmetic.apply(op, in);
        }
    }

    private static Value constant(Object c) {
        if (c instanceof Integer i) {
            return Value.ofInt(Interval.of(i));
        }
        if (c instanceof Long l) {
            return Value.ofLong(Interval.of(l));
        }
        if (c instanceof Double) {
            return Value.WIDE;
        }
        if (c instanceof ConstantDynamic d) {
            return Value.ofType(d.getDescriptor().charAt(0));
        }
        return Value.OTHER;
    }

    /** {@code v} as a number of the type {@code t} names; a slot that does not hold one is any value of it. */
    static Value typed(Value v, char t) {
        Value.Kind kind = t == 'I' ? Value.Kind.INT : Value.Kind.LONG;
        return v.kind() == kind ? v : Value.ofType(t);
    }

    private static State invoke(int index, Code.Insn insn, State in, Env env, Observer observer) {
        Type[] args = Type.getArgumentTypes(insn.descriptor());
        Type ret = Type.getReturnType(insn.descriptor());
        int op = insn.opcode();
        boolean receiver = op != Opcodes.INVOKESTATIC && op != Opcodes.INVOKEDYNAMIC;
        int popped = args.length + (receiver ? 1 : 0);
        List<Value> values = new ArrayList<>(args.length);
        for (int i = 0; i < args.length; i++) {
            values.add(in.peek(args.length - 1 - i));
        }
        State s = in.pop(popped);
        MemoryAccess access = op == Opcodes.INVOKEINTERFACE ? MemoryAccess.of(insn.owner(), insn.name(), insn.descriptor()) : null;
        if (access != null) {
            Interval address = typed(values.get(0), 'J').range();
            if (access == MemoryAccess.COPY) {
                observer.access(index, access, address, typed(values.get(1), 'J').range(), typed(values.get(2), 'J').range());
            } else {
                observer.access(index, access, address, null, null);
            }
            return ret.getSort() == Type.VOID ? s : s.push(Value.ofType(ret.getDescriptor().charAt(0)));
        }
        if (op == Opcodes.INVOKEINTERFACE && insn.owner().equals(CONTEXT) && insn.descriptor().equals("()J")) {
            // The rewrite makes these two answer the segment's constants, whatever the receiver.
            if (insn.name().equals("segmentBase")) {
                return s.push(Value.ofLong(Interval.of(env.base())));
            }
            if (insn.name().equals("segmentSize")) {
                return s.push(Value.ofLong(Interval.of(env.size())));
            }
        }
        if (env.className().equals(insn.owner())) {
            observer.call(index, insn, values);
        }
        if (ret.getSort() == Type.VOID) {
            return s;
        }
        Value result = Value.ofType(ret.getDescriptor().charAt(0));
        Interval proven = env.className().equals(insn.owner()) ? env.returns(insn.owner(), insn.name(), insn.descriptor(), op) : null;
        if (proven != null && result.isNumber()) {
            result = result.withRange(proven.fit(result.type()));
        }
        return s.push(result);
    }
}
