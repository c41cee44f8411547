package testbed.sfi;

import java.util.function.IntConsumer;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/** Counts a method's instructions as {@link MethodRewriter} numbers them, and reports the count at its end. */
final class InstructionCounter extends MethodVisitor {
    private final IntConsumer done;
    private int count;

    InstructionCounter(IntConsumer done) {
        super(Opcodes.ASM9);
        this.done = done;
    }

    @Override
    public void visitInsn(int opcode) {
        count++;
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        count++;
    }

    @Override
    public void visitVarInsn(int opcode, int varIndex) {
        count++;
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
        count++;
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
        count++;
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        count++;
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
        count++;
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        count++;
    }

    @Override
    public void visitLdcInsn(Object value) {
        count++;
    }

    @Override
    public void visitIincInsn(int varIndex, int increment) {
        count++;
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
        count++;
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
        count++;
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
        count++;
    }

    @Override
    public void visitEnd() {
        done.accept(count);
    }
}
