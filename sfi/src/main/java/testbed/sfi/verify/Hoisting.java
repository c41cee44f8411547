package testbed.sfi.verify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.Opcodes;
import testbed.sfi.MemoryAccess;

/**
 * Guards hoisted out of counted loops ({@code SFI_CHECK}, {@code BOUNDS}): in a loop of the counted
 * shape ({@link Loops}), an access whose address is {@code x + scale * (long) i + offset}, with
 * {@code i} the loop's counter and {@code x} a {@code long} local the loop never writes (or no
 * local), touches a range that follows from the values at the loop's entry. The rewrite checks
 * that whole range once, at entry ({@link testbed.sfi.runtime.Guard#loopInside}), and the
 * accesses skip their own checks while it holds. When it does not, every access is checked as
 * before, so the mode traps on exactly the same access.
 *
 * <p>Read from the class bytes alone, in one pass per loop with no fixpoint: the counted shape is
 * syntactic (the bound's range is checked at run time, where the entry check refuses a counter
 * that could wrap), and the address is followed on a small symbolic stack through straight-line
 * code and forward jumps of the body. Anything it does not model leaves the access guarded.
 */
public final class Hoisting {
    private Hoisting() {
    }

    /** One access whose guard is hoisted: its address is {@code local slot (0 if -1) + scale * counter + offset}. */
    public record Access(int index, MemoryAccess access, int slot, long scale, long offset) {
    }

    /**
     * A counted loop ({@link Proof.CountedLoop}'s fields) and the accesses of its body whose
     * guards its entry check replaces.
     */
    public record Loop(Proof.CountedLoop loop, List<Access> accesses) {
        /** The hoisted access at {@code index}, or null. */
        public Access accessAt(int index) {
            for (Access a : accesses) {
                if (a.index() == index) {
                    return a;
                }
            }
            return null;
        }
    }

    /** Every method's loops with hoisted accesses, by {@code name + descriptor}; methods without any are left out. */
    public static Map<String, List<Loop>> find(byte[] classBytes) {
        return Loops.ofClass(classBytes, true).hoisted();
    }

    /** Those of {@code code}'s loops of counted shape ({@code shaped}) that have accesses whose guards are hoisted. */
    static List<Loop> hoisted(Code code, List<Proof.CountedLoop> shaped) {
        List<Loop> loops = new ArrayList<>();
        for (Proof.CountedLoop loop : shaped) {
            List<Access> accesses = accesses(code, loop);
            if (accesses != null && !accesses.isEmpty()) {
                loops.add(new Loop(loop, List.copyOf(accesses)));
            }
        }
        return List.copyOf(loops);
    }

    /** A value on the symbolic stack: its size, and if known, {@code local slot + scale * counter + offset} ({@code slot} -1: none). */
    private record Sym(int size, boolean known, int slot, long scale, long offset) {
        static final Sym ONE = new Sym(1, false, -1, 0, 0);
        static final Sym TWO = new Sym(2, false, -1, 0, 0);

        static Sym unknown(int size) {
            return size == 2 ? TWO : ONE;
        }

        static Sym constant(long value) {
            return new Sym(2, true, -1, 0, value);
        }
    }

    /** An {@code int} on the stack that is the counter itself, or an {@code int} constant; anything else is {@link Sym#ONE}. */
    private static final int COUNTER_MARK = -2;

    /** The accesses of the loop's body with an affine address, or null if the body has code this pass does not model. */
    private static List<Access> accesses(Code code, Proof.CountedLoop loop) {
        int first = loop.header() + Loops.testLength(loop, code);
        int last = loop.latch() - 2; // then the counter's iinc and the closing goto
        Map<Integer, List<Sym>> incoming = new HashMap<>();
        List<Sym> stack = new ArrayList<>();
        List<Access> out = new ArrayList<>();
        boolean reachable = true;
        for (int i = first; i <= last; i++) {
            List<Sym> joined = incoming.remove(i);
            if (joined != null) {
                stack = reachable ? merge(stack, joined) : joined;
                if (stack == null) {
                    return null;
                }
                reachable = true;
            }
            if (!reachable) {
                continue; // dead code: Loops refuses a jump into the body from outside it
            }
            Code.Insn insn = code.at(i);
            int op = insn.opcode();
            if (insn.targets() != null) {
                if (op == Opcodes.TABLESWITCH || op == Opcodes.LOOKUPSWITCH || op >= Opcodes.IFEQ && op <= Opcodes.IFLE
                        || op == Opcodes.IFNULL || op == Opcodes.IFNONNULL) {
                    pop(stack, 1);
                } else if (op >= Opcodes.IF_ICMPEQ && op <= Opcodes.IF_ACMPNE) {
                    pop(stack, 2);
                } else if (op != Opcodes.GOTO) {
                    return null;
                }
                if (stack == null) {
                    return null;
                }
                for (int t : insn.targets()) {
                    if (t <= i || t > last + 1) { // backward (an inner loop) or out of the body: not modelled
                        return null;
                    }
                    List<Sym> before = incoming.get(t);
                    List<Sym> merged = before == null ? new ArrayList<>(stack) : merge(before, stack);
                    if (merged == null) {
                        return null;
                    }
                    incoming.put(t, merged);
                }
                reachable = op != Opcodes.GOTO && op != Opcodes.TABLESWITCH && op != Opcodes.LOOKUPSWITCH;
                continue;
            }
            if (!step(code, loop, i, insn, stack, out)) {
                return null;
            }
        }
        List<Sym> atIncrement = incoming.remove(last + 1);
        if (atIncrement != null && reachable && merge(stack, atIncrement) == null) {
            return null;
        }
        return out;
    }

    private static List<Sym> merge(List<Sym> a, List<Sym> b) {
        if (a == null || b == null || a.size() != b.size()) {
            return null;
        }
        List<Sym> out = new ArrayList<>(a.size());
        for (int k = 0; k < a.size(); k++) {
            if (a.get(k).size() != b.get(k).size()) {
                return null;
            }
            out.add(a.get(k).equals(b.get(k)) ? a.get(k) : Sym.unknown(a.get(k).size()));
        }
        return out;
    }

    /** Pops {@code n} values; false if the stack is too short. */
    private static boolean pop(List<Sym> stack, int n) {
        if (stack.size() < n) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            stack.remove(stack.size() - 1);
        }
        return true;
    }

    private static Sym top(List<Sym> stack, int down) {
        return stack.get(stack.size() - 1 - down);
    }

    /** One instruction of the body; false if it is one this pass does not model. */
    private static boolean step(Code code, Proof.CountedLoop loop, int i, Code.Insn insn, List<Sym> stack, List<Access> out) {
        int op = insn.opcode();
        switch (op) {
            case Opcodes.NOP:
                return true;
            case Opcodes.ACONST_NULL, Opcodes.FCONST_0, Opcodes.FCONST_1, Opcodes.FCONST_2:
                stack.add(Sym.ONE);
                return true;
            case Opcodes.ICONST_M1, Opcodes.ICONST_0, Opcodes.ICONST_1, Opcodes.ICONST_2, Opcodes.ICONST_3, Opcodes.ICONST_4,
                    Opcodes.ICONST_5:
                stack.add(intConstant(op - Opcodes.ICONST_0));
                return true;
            case Opcodes.BIPUSH, Opcodes.SIPUSH:
                stack.add(intConstant(insn.operand()));
                return true;
            case Opcodes.LCONST_0, Opcodes.LCONST_1:
                stack.add(Sym.constant(op - Opcodes.LCONST_0));
                return true;
            case Opcodes.DCONST_0, Opcodes.DCONST_1:
                stack.add(Sym.TWO);
                return true;
            case Opcodes.LDC:
                Object c = insn.constant();
                stack.add(c instanceof Long l ? Sym.constant(l) : c instanceof Integer n ? intConstant(n)
                        : c instanceof Double ? Sym.TWO : Sym.ONE);
                return true;
            case Opcodes.ILOAD:
                stack.add(insn.operand() == loop.counter() ? new Sym(1, true, COUNTER_MARK, 1, 0) : Sym.ONE);
                return true;
            case Opcodes.FLOAD, Opcodes.ALOAD:
                stack.add(Sym.ONE);
                return true;
            case Opcodes.LLOAD:
                stack.add(invariant(code, loop, insn.operand()) ? new Sym(2, true, insn.operand(), 0, 0) : Sym.TWO);
                return true;
            case Opcodes.DLOAD:
                stack.add(Sym.TWO);
                return true;
            case Opcodes.ISTORE, Opcodes.FSTORE, Opcodes.ASTORE, Opcodes.LSTORE, Opcodes.DSTORE, Opcodes.POP:
                return pop(stack, 1);
            case Opcodes.POP2:
                return !stack.isEmpty() && pop(stack, top(stack, 0).size() == 2 ? 1 : 2);
            case Opcodes.DUP:
                if (stack.isEmpty()) {
                    return false;
                }
                stack.add(top(stack, 0));
                return true;
            case Opcodes.IINC:
                return true; // never the counter: Loops allows its only write right before the latch
            case Opcodes.I2L:
                if (stack.isEmpty()) {
                    return false;
                }
                Sym v = stack.remove(stack.size() - 1);
                stack.add(!v.known() ? Sym.TWO : v.slot() == COUNTER_MARK ? new Sym(2, true, -1, 1, 0) : Sym.constant(v.offset()));
                return true;
            case Opcodes.LADD, Opcodes.LSUB, Opcodes.LMUL:
                return arithmetic(op, stack);
            case Opcodes.LSHL:
                return shift(stack);
            case Opcodes.INVOKEINTERFACE:
                return access(i, insn, stack, out);
            default:
                return generic(op, insn, stack);
        }
    }

    private static Sym intConstant(long value) {
        return new Sym(1, true, -1, 0, value);
    }

    /** Whether the loop never writes the {@code long} local at {@code slot} (both its halves). */
    private static boolean invariant(Code code, Proof.CountedLoop loop, int slot) {
        for (int i = loop.header(); i <= loop.latch(); i++) {
            if (Loops.writes(code.at(i), slot) || Loops.writes(code.at(i), slot + 1)) {
                return false;
            }
        }
        return true;
    }

    private static boolean arithmetic(int op, List<Sym> stack) {
        if (stack.size() < 2) {
            return false;
        }
        Sym b = stack.remove(stack.size() - 1);
        Sym a = stack.remove(stack.size() - 1);
        stack.add(combine(op, a, b));
        return true;
    }

    private static Sym combine(int op, Sym a, Sym b) {
        if (!a.known() || !b.known() || a.size() != 2 || b.size() != 2) {
            return Sym.TWO;
        }
        try {
            if (op == Opcodes.LADD && (a.slot() < 0 || b.slot() < 0)) {
                return new Sym(2, true, Math.max(a.slot(), b.slot()), Math.addExact(a.scale(), b.scale()),
                        Math.addExact(a.offset(), b.offset()));
            }
            if (op == Opcodes.LSUB && b.slot() < 0) {
                return new Sym(2, true, a.slot(), Math.subtractExact(a.scale(), b.scale()), Math.subtractExact(a.offset(), b.offset()));
            }
            if (op == Opcodes.LMUL && (a.slot() < 0 && b.slot() < 0) && (a.scale() == 0 || b.scale() == 0)) {
                Sym k = a.scale() == 0 ? a : b;
                Sym x = a.scale() == 0 ? b : a;
                return new Sym(2, true, -1, Math.multiplyExact(x.scale(), k.offset()), Math.multiplyExact(x.offset(), k.offset()));
            }
        } catch (ArithmeticException overflow) {
            return Sym.TWO;
        }
        return Sym.TWO;
    }

    private static boolean shift(List<Sym> stack) {
        if (stack.size() < 2) {
            return false;
        }
        Sym distance = stack.remove(stack.size() - 1);
        Sym value = stack.remove(stack.size() - 1);
        if (value.known() && value.slot() < 0 && distance.known() && distance.slot() == -1 && distance.offset() >= 0
                && distance.offset() < 32) {
            long factor = 1L << distance.offset();
            try {
                stack.add(new Sym(2, true, -1, Math.multiplyExact(value.scale(), factor), Math.multiplyExact(value.offset(), factor)));
                return true;
            } catch (ArithmeticException overflow) {
                // falls through to an unknown value
            }
        }
        stack.add(Sym.TWO);
        return true;
    }

    private static boolean access(int i, Code.Insn insn, List<Sym> stack, List<Access> out) {
        MemoryAccess access = MemoryAccess.of(insn.owner(), insn.name(), insn.descriptor());
        if (access == null) {
            return false; // Loops allows no other call in the body
        }
        if (access == MemoryAccess.COPY) {
            return pop(stack, 4); // three longs and the receiver; a copy keeps its own guard
        }
        int valueSlots = access.store ? 1 : 0;
        if (stack.size() < 2 + valueSlots) {
            return false;
        }
        Sym address = top(stack, valueSlots);
        if (address.known() && address.size() == 2) {
            out.add(new Access(i, access, address.slot(), address.scale(), address.offset()));
        }
        pop(stack, 2 + valueSlots);
        if (!access.store) {
            stack.add(Sym.unknown(access == MemoryAccess.LOAD64 ? 2 : 1));
        }
        return true;
    }

    /** The stack effect of an instruction whose value this pass does not follow. */
    private static boolean generic(int op, Code.Insn insn, List<Sym> stack) {
        int[] effect = effect(op, insn);
        if (effect == null || !pop(stack, effect[0])) {
            return false;
        }
        if (effect[1] > 0) {
            stack.add(Sym.unknown(effect[1]));
        }
        return true;
    }

    /** Values popped and the size of the value pushed (0: none), or null if not modelled. */
    private static int[] effect(int op, Code.Insn insn) {
        if (op >= Opcodes.IADD && op <= Opcodes.DREM) {
            return new int[] {2, sizeOf((op - Opcodes.IADD) % 4)};
        }
        if (op >= Opcodes.INEG && op <= Opcodes.DNEG) {
            return new int[] {1, sizeOf((op - Opcodes.INEG) % 4)};
        }
        if (op >= Opcodes.ISHL && op <= Opcodes.LUSHR) {
            return new int[] {2, (op - Opcodes.ISHL) % 2 == 0 ? 1 : 2};
        }
        if (op >= Opcodes.IAND && op <= Opcodes.LXOR) {
            return new int[] {2, (op - Opcodes.IAND) % 2 == 0 ? 1 : 2};
        }
        switch (op) {
            case Opcodes.I2F, Opcodes.L2I, Opcodes.L2F, Opcodes.F2I, Opcodes.D2I, Opcodes.D2F, Opcodes.I2B, Opcodes.I2C,
                    Opcodes.I2S, Opcodes.INSTANCEOF:
                return new int[] {1, 1};
            case Opcodes.I2D, Opcodes.L2D, Opcodes.F2L, Opcodes.F2D, Opcodes.D2L:
                return new int[] {1, 2};
            case Opcodes.LCMP, Opcodes.FCMPL, Opcodes.FCMPG, Opcodes.DCMPL, Opcodes.DCMPG:
                return new int[] {2, 1};
            case Opcodes.GETSTATIC:
                return new int[] {0, insn.descriptor().equals("J") || insn.descriptor().equals("D") ? 2 : 1};
            default:
                return null;
        }
    }

    private static int sizeOf(int kind) {
        return kind == 1 || kind == 3 ? 2 : 1; // int, long, float, double
    }
}
