package testbed.sfi;

import static testbed.sfi.MethodCode.STRING;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.Opcodes;
import testbed.sfi.runtime.Meter;
import testbed.sfi.verify.Loops;
import testbed.sfi.verify.Proof;

/**
 * The fuel, allocation and depth metering of one method. A metered method gets two new locals in
 * the first slots after the arguments: the depth the method was entered at, and its back-edge
 * credit (fuel prepaid in batches by {@link Meter#prepay}, given back by {@link Meter#refund}
 * before the method returns or throws; a call keeps it, so a loop that calls a method still
 * checks fuel in a register).
 *
 * <p>A conditional back-edge is redirected to a trampoline at the end of the method whose frame
 * is a copy of its target's frame, so no new stack map frame is ever computed; an unconditional
 * one needs none: its fuel check ends in jumps to the original target. In the protected modes a
 * loop of counted shape ({@link Loops#ofClass}) is charged once at its entry instead of per
 * back-edge, for the back-edges its counter and bound at entry give.
 */
final class Metering {
    /**
     * Instructions of straight-line code that cost one more unit of fuel. Between two metered
     * points control only moves forward, so a back-edge from instruction b to t is charged for the
     * b - t instructions it can have run since the last one, and a method entry for the whole
     * method: a long method or loop body costs in proportion to its length, not one unit.
     * Shorter loops (and methods) cost one unit, as before.
     */
    static final int STRAIGHT_LINE = 32;

    /** A conditional or switch back-edge sent through a trampoline at the end of the method. */
    record BackEdge(Label trampoline, Label target, int units, String location) {
    }

    private final MethodCode code;
    /** The local the depth the method was entered at is kept in: the first after the arguments. */
    private final int depthSlot;
    private final int creditSlot;
    /** The method's original instructions, counted before the rewrite. */
    private final int instructions;
    /** The method's loops charged once at entry; empty under {@code NONE}. */
    private final List<Proof.CountedLoop> countedLoops;
    /** Labels already visited, with the index of the instruction they precede: a jump to one is a back-edge. */
    private final Map<Label, Integer> visited = new HashMap<>();
    private final List<BackEdge> trampolines = new ArrayList<>();
    /** The counted-loop header whose fuel charge was emitted last, so that it is emitted once. */
    private int chargedHeader = -1;

    Metering(MethodCode code, int instructions, List<Proof.CountedLoop> countedLoops) {
        this.code = code;
        this.depthSlot = code.argumentSlots;
        this.creditSlot = code.argumentSlots + 1;
        this.instructions = instructions;
        this.countedLoops = countedLoops;
    }

    /** The method's entry: its depth checked and kept, the whole method's straight-line fuel spent, no credit yet. */
    void enter(boolean staticInitializer) {
        if (staticInitializer) {
            code.owner.bindMeter(code.mv);
        }
        code.meter();
        code.mv.visitLdcInsn(code.location(0));
        code.callMeter("enter", "(" + STRING + ")I");
        code.mv.visitVarInsn(Opcodes.ISTORE, depthSlot);
        if (instructions >= STRAIGHT_LINE) {
            code.meter();
            code.pushInt(instructions / STRAIGHT_LINE);
            code.mv.visitLdcInsn(code.location(0));
            code.callMeter("spend", "(I" + STRING + ")V");
        }
        code.mv.visitInsn(Opcodes.ICONST_0);
        code.mv.visitVarInsn(Opcodes.ISTORE, creditSlot);
    }

    /**
     * Before the labels of the instruction at {@code index}: a counted loop's charge if its header
     * is there. Only the entry falls through here, the back-edge jumps past.
     */
    void beforeLabel(int index) {
        Proof.CountedLoop loop = loopAt(index);
        if (loop != null && chargedHeader != index) {
            chargedHeader = index;
            chargeCountedLoop(loop);
        }
    }

    /** Notes a label the rewrite has passed, before the instruction at {@code index}: a later jump to it is a back-edge. */
    void visited(Label label, int index) {
        visited.putIfAbsent(label, index);
    }

    /** Before a return: the unused credit given back and the caller's depth put back. */
    void returning() {
        refundCredit();
        code.meter();
        code.mv.visitVarInsn(Opcodes.ILOAD, depthSlot);
        code.mv.visitFieldInsn(Opcodes.PUTFIELD, ClassRewriter.METER, "callDepth", "I");
    }

    /** Before an {@code athrow}: the unused credit given back. */
    void throwing() {
        refundCredit();
    }

    /** Whether a jump to {@code target} is a back-edge to meter (a counted loop's closing one is charged at its entry). */
    boolean isMeteredBackEdge(Label target) {
        return visited.containsKey(target) && loopClosedAt(code.index) == null;
    }

    private Proof.CountedLoop loopAt(int header) {
        return Proof.CountedLoop.headedAt(countedLoops, header);
    }

    private Proof.CountedLoop loopClosedAt(int latch) {
        return Proof.CountedLoop.closedAt(countedLoops, latch);
    }

    /** A back-edge jump: a {@code goto} metered in place, a conditional one through a trampoline. */
    void backEdge(int opcode, Label target) {
        String where = code.here();
        if (opcode == Opcodes.GOTO) {
            meterBackEdge(target, backEdgeUnits(target), where);
        } else {
            Label trampoline = new Label();
            trampolines.add(new BackEdge(trampoline, target, backEdgeUnits(target), where));
            code.mv.visitJumpInsn(opcode, trampoline);
        }
    }

    /**
     * The targets of a switch, the default first and then the cases, each back-edge among them
     * sent through a trampoline (one per distinct target).
     */
    Label[] switchTargets(Label fallback, Label[] labels) {
        Map<Label, Label> redirected = new HashMap<>();
        Label[] out = new Label[labels.length + 1];
        out[0] = forwardOrTrampoline(fallback, redirected);
        for (int i = 0; i < labels.length; i++) {
            out[i + 1] = forwardOrTrampoline(labels[i], redirected);
        }
        return out;
    }

    /** The trampolines to emit at the end of the method, in the order they were made. */
    List<BackEdge> trampolines() {
        return trampolines;
    }

    /**
     * Inline fuel check of a back-edge to {@code target}: spend one unit of the method's credit,
     * a register decrement; when it runs out, prepay the next batch.
     */
    void meterBackEdge(Label target, int units, String where) {
        code.mv.visitIincInsn(creditSlot, -units);
        code.mv.visitVarInsn(Opcodes.ILOAD, creditSlot);
        code.mv.visitJumpInsn(Opcodes.IFGE, target);
        code.meter();
        if (units == 1) {
            code.mv.visitLdcInsn(where);
            code.callMeter("prepay", "(" + STRING + ")I");
        } else { // the credit went below zero by what this back-edge owes beyond it
            code.mv.visitVarInsn(Opcodes.ILOAD, creditSlot);
            code.mv.visitLdcInsn(where);
            code.callMeter("prepayOwing", "(I" + STRING + ")I");
        }
        code.mv.visitVarInsn(Opcodes.ISTORE, creditSlot);
        code.mv.visitJumpInsn(Opcodes.GOTO, target);
    }

    /**
     * In a handler guard, the caught throwable on the stack: {@link Meter#caught} rethrows an
     * abort, else puts the handler's depth back and charges the entry ({@link Meter#caughtUnprotected}
     * under {@code NONE}, where only the meter's own stop is rethrown).
     */
    void caught(String where, boolean unprotected) {
        code.meter();
        code.mv.visitInsn(Opcodes.SWAP);
        code.mv.visitVarInsn(Opcodes.ILOAD, depthSlot);
        code.mv.visitLdcInsn(where);
        // An unprotected handler may catch whatever it likes; only the machine's own stop gets through.
        code.callMeter(unprotected ? "caughtUnprotected" : "caught", "(Ljava/lang/Throwable;I" + STRING + ")V");
    }

    /** Charges a {@code newarray} whose count is on top of the stack; the count stays. */
    void newArray(int newarrayOperand) {
        chargeArray(elementBytes(newarrayOperand));
    }

    /** Charges an array of references whose count is on top of the stack; the count stays. */
    void newReferenceArray() {
        chargeArray(Meter.REFERENCE_BYTES);
    }

    /**
     * After a {@code new}, not before: its label may be the one an uninitialized type in a frame
     * names, and code inserted between them would move that label off the new.
     */
    void allocated(String type) {
        code.meter();
        code.pushInt(type.equals(code.owner.className) ? code.owner.instanceBytes : Meter.OBJECT_HEADER_BYTES);
        code.mv.visitLdcInsn(code.here());
        code.callMeter("allocate", "(I" + STRING + ")V");
    }

    /** A {@code multianewarray}, replaced by a call of the class's allocator for its shape, which charges every level. */
    void multiArray(String descriptor, int dimensions) {
        code.mv.visitLdcInsn(code.here());
        code.callOwn(code.owner.arrayAllocator(descriptor, dimensions));
    }

    /**
     * Under counted {@code NONE}: the extension switches the simulated machine off instead of
     * ending the host JVM. The status is on the stack (above the {@code Runtime} for its methods).
     */
    void powerOff(int opcode) {
        if (opcode == Opcodes.INVOKEVIRTUAL) {
            code.mv.visitInsn(Opcodes.SWAP);
            code.mv.visitInsn(Opcodes.POP);
        }
        code.meter();
        code.mv.visitInsn(Opcodes.SWAP);
        code.mv.visitLdcInsn(code.here());
        code.callMeter("powerOff", "(I" + STRING + ")V");
    }

    /**
     * A counted loop's fuel, charged once on entry: as many units as back-edges the counter's and
     * the bound's values at entry give ({@link Meter#chargeLoop}); its back-edge is then not metered.
     */
    private void chargeCountedLoop(Proof.CountedLoop loop) {
        code.meter();
        code.mv.visitVarInsn(Opcodes.ILOAD, code.shifted(loop.counter()));
        code.mv.visitInsn(Opcodes.I2L);
        if (loop.boundSlot() < 0) {
            code.pushLong(loop.boundConstant());
        } else {
            code.mv.visitVarInsn(Opcodes.ILOAD, code.shifted(loop.boundSlot()));
            code.mv.visitInsn(Opcodes.I2L);
        }
        code.pushInt(loop.step());
        code.pushInt(loop.cond());
        // What its back-edge would cost metered one by one: the units of its body's length.
        code.pushInt(1 + Math.min(Short.MAX_VALUE - 1, (loop.latch() - loop.header()) / STRAIGHT_LINE));
        code.mv.visitLdcInsn(code.location(loop.header()));
        code.callMeter("chargeLoop", "(JJIII" + STRING + ")V");
    }

    /** Fuel a back-edge from here to {@code target} costs: one unit, and one per {@link #STRAIGHT_LINE} instructions it spans. */
    private int backEdgeUnits(Label target) {
        return 1 + Math.min(Short.MAX_VALUE - 1, (code.index - visited.get(target)) / STRAIGHT_LINE);
    }

    /** Gives back the method's unused back-edge credit and clears it. */
    private void refundCredit() {
        code.meter();
        code.mv.visitVarInsn(Opcodes.ILOAD, creditSlot);
        code.callMeter("refund", "(I)V");
        code.mv.visitInsn(Opcodes.ICONST_0);
        code.mv.visitVarInsn(Opcodes.ISTORE, creditSlot);
    }

    private Label forwardOrTrampoline(Label target, Map<Label, Label> redirected) {
        if (!visited.containsKey(target)) {
            return target;
        }
        return redirected.computeIfAbsent(target, t -> {
            Label trampoline = new Label();
            trampolines.add(new BackEdge(trampoline, t, backEdgeUnits(t), code.here()));
            return trampoline;
        });
    }

    /** Charges an array whose count is on top of the stack; the count stays. */
    private void chargeArray(int elementBytes) {
        code.mv.visitInsn(Opcodes.DUP);
        code.meter();
        code.mv.visitInsn(Opcodes.SWAP);
        code.pushInt(elementBytes);
        code.mv.visitLdcInsn(code.here());
        code.callMeter("allocateArray", "(II" + STRING + ")V");
    }

    private static int elementBytes(int newarrayOperand) {
        switch (newarrayOperand) {
            case Opcodes.T_BOOLEAN:
            case Opcodes.T_BYTE:
                return 1;
            case Opcodes.T_CHAR:
            case Opcodes.T_SHORT:
                return 2;
            case Opcodes.T_INT:
            case Opcodes.T_FLOAT:
                return 4;
            default:
                return 8;
        }
    }
}
