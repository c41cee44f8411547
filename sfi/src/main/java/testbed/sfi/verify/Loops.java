package testbed.sfi.verify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.Opcodes;
import testbed.sfi.MemoryAccess;

/**
 * Counted loops: the shape javac gives {@code for (...; i < n; i += k)}, whose number of
 * back-edges follows from the counter and the bound at entry, so that its fuel can be charged
 * once there. {@link #holds} is the rule the {@link ProofChecker} applies to a claimed loop;
 * {@link #find} proposes the loops that satisfy it. A loop that can be left other than by its
 * header's test, or whose counter could wrap around, is not counted.
 */
public final class Loops {
    private Loops() {
    }

    /**
     * A class's loops of counted shape ({@link #shaped}) and those of them whose guards are
     * hoisted ({@link Hoisting}), each by method ({@code name + descriptor}; methods without any
     * left out), from one reading of the class. The metering rewrite charges each counted loop
     * once at entry, for as many back-edges as the counter and the bound at entry give,
     * wrap-around included ({@code Meter#chargeLoop}), so no proof of the bound's range is needed.
     */
    public record OfClass(Map<String, List<Proof.CountedLoop>> counted, Map<String, List<Hoisting.Loop>> hoisted) {
        /** No loops: for a rewrite that neither charges nor hoists. */
        public static final OfClass NONE = new OfClass(Map.of(), Map.of());
    }

    /** The class's {@link OfClass}, its hoisted loops only if {@code hoist} (else none). */
    public static OfClass ofClass(byte[] classBytes, boolean hoist) {
        Map<String, List<Proof.CountedLoop>> counted = new LinkedHashMap<>();
        Map<String, List<Hoisting.Loop>> hoisted = new LinkedHashMap<>();
        for (Code code : ClassShape.read(classBytes).methods.values()) {
            List<Proof.CountedLoop> loops = shaped(code);
            if (loops.isEmpty()) {
                continue;
            }
            counted.put(code.name + code.descriptor, loops);
            List<Hoisting.Loop> inside = hoist ? Hoisting.hoisted(code, loops) : List.of();
            if (!inside.isEmpty()) {
                hoisted.put(code.name + code.descriptor, inside);
            }
        }
        return new OfClass(counted, hoisted);
    }

    /** Every counted loop of {@code code}, given the analysed state at each instruction. */
    static List<Proof.CountedLoop> find(Code code, State[] states) {
        return shaped(code).stream().filter(loop -> holds(code, loop, states[loop.header()])).toList();
    }

    /**
     * Every loop of {@code code} in the counted shape, whatever its bound's range: a user of these
     * must itself make sure, at run time, that the counter cannot wrap around.
     */
    static List<Proof.CountedLoop> shaped(Code code) {
        List<Proof.CountedLoop> loops = new ArrayList<>();
        for (int latch = 1; latch < code.size(); latch++) {
            Code.Insn g = code.at(latch);
            if (g.opcode() != Opcodes.GOTO || g.targets()[0] >= latch) {
                continue;
            }
            Proof.CountedLoop loop = candidate(code, g.targets()[0], latch);
            if (loop != null && hasShape(code, loop)) {
                loops.add(loop);
            }
        }
        return loops;
    }

    private static Proof.CountedLoop candidate(Code code, int header, int latch) {
        Code.Insn load = code.at(header);
        Code.Insn inc = code.at(latch - 1);
        if (load.opcode() != Opcodes.ILOAD || inc.opcode() != Opcodes.IINC || inc.operand() != load.operand()) {
            return null;
        }
        Code.Insn next = code.at(header + 1);
        if (next.opcode() >= Opcodes.IFEQ && next.opcode() <= Opcodes.IFLE) {
            return new Proof.CountedLoop(header, latch, load.operand(), (Integer) inc.constant(),
                    Refine.negate(next.opcode() - Opcodes.IFEQ), -1, 0);
        }
        Code.Insn test = code.at(header + 2);
        if (test.opcode() < Opcodes.IF_ICMPEQ || test.opcode() > Opcodes.IF_ICMPLE) {
            return null;
        }
        int cond = Refine.negate(test.opcode() - Opcodes.IF_ICMPEQ);
        if (next.opcode() == Opcodes.ILOAD) {
            return new Proof.CountedLoop(header, latch, load.operand(), (Integer) inc.constant(), cond, next.operand(), 0);
        }
        Long constant = intConstant(next);
        return constant == null ? null
                : new Proof.CountedLoop(header, latch, load.operand(), (Integer) inc.constant(), cond, -1, constant);
    }

    private static Long intConstant(Code.Insn insn) {
        int op = insn.opcode();
        if (op >= Opcodes.ICONST_M1 && op <= Opcodes.ICONST_5) {
            return (long) (op - Opcodes.ICONST_0);
        }
        if (op == Opcodes.BIPUSH || op == Opcodes.SIPUSH) {
            return (long) insn.operand();
        }
        if (op == Opcodes.LDC && insn.constant() instanceof Integer i) {
            return (long) i;
        }
        return null;
    }

    /** Length of the header's test: load, (bound,) branch. */
    static int testLength(Proof.CountedLoop loop, Code code) {
        int op = code.at(loop.header() + 1).opcode();
        return op >= Opcodes.IFEQ && op <= Opcodes.IFLE ? 2 : 3;
    }

    /** Whether {@code loop} is a counted loop of {@code code} whose header is entered in {@code header}. */
    static boolean holds(Code code, Proof.CountedLoop loop, State header) {
        if (header == null || !hasShape(code, loop)) {
            return false;
        }
        // The counter must reach the bound without wrapping around: its last value is within a step of the bound.
        boolean up = loop.cond() == Refine.LT || loop.cond() == Refine.LE;
        Interval bound = loop.boundSlot() < 0 ? Interval.of(loop.boundConstant())
                : Transfer.typed(header.locals()[loop.boundSlot()], 'I').range();
        return up ? bound.hi() + loop.step() <= Integer.MAX_VALUE : bound.lo() + loop.step() >= Integer.MIN_VALUE;
    }

    /** The counted shape of {@link #holds}, all but the bound's range. */
    private static boolean hasShape(Code code, Proof.CountedLoop loop) {
        int h = loop.header();
        int latch = loop.latch();
        if (h < 1 || latch >= code.size() || latch <= h + 2) {
            return false;
        }
        Proof.CountedLoop shape = candidate(code, h, latch);
        if (!loop.equals(shape) || code.at(latch).opcode() != Opcodes.GOTO || code.at(latch).targets()[0] != h) {
            return false;
        }
        int exitAt = h + testLength(loop, code) - 1;
        if (code.at(exitAt).targets()[0] != latch + 1 || !fallsThrough(code.at(h - 1).opcode())) {
            return false;
        }
        boolean up = loop.cond() == Refine.LT || loop.cond() == Refine.LE;
        boolean down = loop.cond() == Refine.GT || loop.cond() == Refine.GE;
        if (!(up && loop.step() > 0) && !(down && loop.step() < 0)) {
            return false;
        }
        for (int i = 0; i < code.size(); i++) {
            Code.Insn insn = code.at(i);
            boolean inside = i >= h && i <= latch;
            if (insn.targets() != null) {
                for (int t : insn.targets()) {
                    boolean intoBody = t > h && t < latch; // never to the latch itself: that would skip the increment
                    if (inside ? !(intoBody || (t == h && i == latch) || (t == latch + 1 && i == exitAt)) : t >= h && t <= latch) {
                        return false;
                    }
                }
            }
            if (inside && (!allowedInBody(insn) || writes(insn, loop.counter()) && i != latch - 1 || writes(insn, loop.boundSlot()))) {
                return false;
            }
        }
        for (Code.Handler handler : code.handlers) {
            if (handler.start() <= latch && handler.end() > h || handler.handler() >= h && handler.handler() <= latch) {
                return false;
            }
        }
        return true;
    }

    private static boolean fallsThrough(int op) {
        return op != Opcodes.GOTO && op != Opcodes.ATHROW && op != Opcodes.TABLESWITCH && op != Opcodes.LOOKUPSWITCH
                && (op < Opcodes.IRETURN || op > Opcodes.RETURN);
    }

    /** Nothing in the body may leave the loop by an exception it raises itself, or by a call. */
    private static boolean allowedInBody(Code.Insn insn) {
        int op = insn.opcode();
        if (op >= Opcodes.INVOKEVIRTUAL && op <= Opcodes.INVOKEDYNAMIC) {
            return op == Opcodes.INVOKEINTERFACE && MemoryAccess.of(insn.owner(), insn.name(), insn.descriptor()) != null;
        }
        boolean arrays = op >= Opcodes.IALOAD && op <= Opcodes.SALOAD || op >= Opcodes.IASTORE && op <= Opcodes.SASTORE;
        boolean division = op >= Opcodes.IDIV && op <= Opcodes.LREM && (op - Opcodes.IDIV) % 4 < 2;
        return !arrays && !division && op != Opcodes.ATHROW && fallsThroughOrJumps(op)
                && op != Opcodes.GETFIELD && op != Opcodes.PUTFIELD && op != Opcodes.NEW && op != Opcodes.NEWARRAY
                && op != Opcodes.ANEWARRAY && op != Opcodes.MULTIANEWARRAY && op != Opcodes.CHECKCAST
                && op != Opcodes.ARRAYLENGTH && op != Opcodes.MONITORENTER && op != Opcodes.MONITOREXIT
                && op != Opcodes.JSR && op != Opcodes.RET;
    }

    private static boolean fallsThroughOrJumps(int op) {
        return op < Opcodes.IRETURN || op > Opcodes.RETURN;
    }

    static boolean writes(Code.Insn insn, int slot) {
        if (slot < 0) {
            return false;
        }
        int op = insn.opcode();
        if (op == Opcodes.IINC || op == Opcodes.ISTORE || op == Opcodes.FSTORE || op == Opcodes.ASTORE) {
            return insn.operand() == slot;
        }
        if (op == Opcodes.LSTORE || op == Opcodes.DSTORE) {
            return insn.operand() == slot || insn.operand() + 1 == slot;
        }
        return false;
    }
}
