package testbed.faults.mutation;

import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Finds one kind's candidate sites in a method and, at the chosen one, emits the mutation.
 *
 * <p>A subclass overrides the ASM visits of the instructions it cares about; at a candidate it
 * calls {@link Sites#take} and, if that says yes, writes the mutated code to {@link #mv} instead
 * of (or before) the original instruction. {@link Sites#index} is the current instruction's index
 * throughout. During the counting pass {@code mv} is {@code null} and {@code take} never says yes.
 */
abstract class SiteVisitor extends MethodVisitor {
    static final String MEMORY = "testbed/kernel/api/Memory";
    static final String CONTEXT = "testbed/kernel/api/Context";

    final Sites sites;

    SiteVisitor(Sites sites, MethodVisitor next) {
        super(Opcodes.ASM9, next);
        this.sites = sites;
    }

    /** Called before each instruction is visited, with its opcode. */
    void beforeInstruction(int opcode) {
    }

    /** Pushes an int constant with the shortest instruction. */
    final void pushInt(int value) {
        if (value >= -1 && value <= 5) {
            mv.visitInsn(Opcodes.ICONST_0 + value);
        } else if (value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE) {
            mv.visitIntInsn(Opcodes.BIPUSH, value);
        } else if (value >= Short.MIN_VALUE && value <= Short.MAX_VALUE) {
            mv.visitIntInsn(Opcodes.SIPUSH, value);
        } else {
            mv.visitLdcInsn(value);
        }
    }

    /** Pushes a long constant with the shortest instruction. */
    final void pushLong(long value) {
        if (value == 0 || value == 1) {
            mv.visitInsn(Opcodes.LCONST_0 + (int) value);
        } else {
            mv.visitLdcInsn(value);
        }
    }

    /** Pops a value of {@code type} off the stack. */
    final void pop(Type type) {
        mv.visitInsn(type.getSize() == 2 ? Opcodes.POP2 : Opcodes.POP);
    }

    /** Pops the arguments of a call, last first, and its receiver unless the call is static. */
    final void popCall(int opcode, String descriptor) {
        Type[] arguments = Type.getArgumentTypes(descriptor);
        for (int i = arguments.length - 1; i >= 0; i--) {
            pop(arguments[i]);
        }
        if (opcode != Opcodes.INVOKESTATIC) {
            mv.visitInsn(Opcodes.POP);
        }
    }

    /**
     * Pushes a value of {@code type} made of {@code bits}: a JVM default when {@code bits} is 0;
     * references are always {@code null}, the only reference code can make up. Narrow types are
     * narrowed as a store to a field of that type would.
     */
    final void pushValue(Type type, long bits) {
        switch (type.getSort()) {
            case Type.VOID:
                return;
            case Type.BOOLEAN:
                pushInt((int) bits & 1);
                return;
            case Type.BYTE:
                pushInt((byte) bits);
                return;
            case Type.CHAR:
                pushInt((char) bits);
                return;
            case Type.SHORT:
                pushInt((short) bits);
                return;
            case Type.INT:
                pushInt((int) bits);
                return;
            case Type.LONG:
                pushLong(bits);
                return;
            case Type.FLOAT:
                mv.visitLdcInsn(Float.intBitsToFloat((int) bits));
                return;
            case Type.DOUBLE:
                mv.visitLdcInsn(Double.longBitsToDouble(bits));
                return;
            default:
                mv.visitInsn(Opcodes.ACONST_NULL);
        }
    }
}
