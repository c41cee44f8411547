package testbed.sfi;

import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * What the parts of one method's rewrite ({@link MethodRewriter}, {@link MemoryGuards},
 * {@link Metering}, {@link CallCharges}) share: where the rewritten code goes, the class it
 * belongs to, the index of the original instruction being rewritten (what a location names),
 * and the slots the rewrite adds after the arguments.
 */
final class MethodCode {
    static final String STRING = "Ljava/lang/String;";

    /** The next visitor: where the rewritten code goes. */
    final MethodVisitor mv;
    final ClassRewriter owner;
    private final String methodName;
    /** Slots of the receiver and the arguments; the slots the rewrite adds go right after them. */
    final int argumentSlots;
    /** Slots the rewrite adds after the arguments: the meter's two, then the hoisted loops' flag. */
    final int addedSlots;
    /** Index of the current original instruction (labels, frames and line numbers not counted). */
    int index;

    MethodCode(MethodVisitor mv, ClassRewriter owner, String methodName, int argumentSlots, int addedSlots) {
        this.mv = mv;
        this.owner = owner;
        this.methodName = methodName;
        this.argumentSlots = argumentSlots;
        this.addedSlots = addedSlots;
    }

    /** {@code Class.method@instruction}, the location a trap or refusal names. */
    String location(int instruction) {
        return owner.dottedName + "." + methodName + "@" + instruction;
    }

    /** The location of the current instruction. */
    String here() {
        return location(index);
    }

    /** Where an original local lives after the rewrite: past the added slots if it is no argument. */
    int shifted(int slot) {
        return slot >= argumentSlots ? slot + addedSlots : slot;
    }

    RewriteException straddle() {
        return new RewriteException(here()
                + ": a long or double local straddles the end of the arguments; the rewrite needs that slot");
    }

    void pushInt(int value) {
        ClassRewriter.pushInt(mv, value);
    }

    void pushLong(long value) {
        if (value == 0 || value == 1) {
            mv.visitInsn(Opcodes.LCONST_0 + (int) value);
        } else {
            mv.visitLdcInsn(value);
        }
    }

    /** Pushes the class's meter. */
    void meter() {
        mv.visitFieldInsn(Opcodes.GETSTATIC, owner.className, ClassRewriter.METER_FIELD, ClassRewriter.METER_DESCRIPTOR);
    }

    void callMeter(String name, String descriptor) {
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, ClassRewriter.METER, name, descriptor, false);
    }

    /** Calls a static helper the class rewriter adds to the class, named with its descriptor ({@code name(desc)}). */
    void callOwn(String helper) {
        int split = helper.indexOf('(');
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, owner.className, helper.substring(0, split), helper.substring(split),
                owner.isInterface);
    }
}
