package testbed.sfi;

import static testbed.sfi.MethodCode.STRING;

import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import testbed.sfi.runtime.Guard;

/**
 * The fuel of work done outside the extension's own bytecode, charged by its size before it is
 * done: a JDK call by {@link JdkCalls}' cost (through a {@link ChargedCall} helper the class
 * rewriter adds), a string concatenation by its parts, a {@code Memory.copy} by its length, a
 * {@link Throwable}'s construction by the stack trace it fills in.
 */
final class CallCharges {
    private static final String GUARD = Type.getInternalName(Guard.class);

    private final MethodCode code;
    private final long size;

    CallCharges(MethodCode code, long segmentSize) {
        this.code = code;
        this.size = segmentSize;
    }

    /** Charges the {@code Memory.copy} about to be made: [.., length] -> [.., length, length, size, meter, location] -> [.., length]. */
    void copying() {
        code.mv.visitInsn(Opcodes.DUP2);
        code.pushLong(size);
        code.meter();
        code.mv.visitLdcInsn(code.here());
        code.mv.visitMethodInsn(Opcodes.INVOKESTATIC, ClassRewriter.METER, "copying",
                "(JJ" + ClassRewriter.METER_DESCRIPTOR + STRING + ")V", false);
    }

    /** A string concatenation call site, replaced by a helper that charges for its parts and then concatenates. */
    void concatenation(String name, String descriptor, Handle bootstrap, Object... arguments) {
        code.mv.visitLdcInsn(code.here());
        callHelper(ChargedCall.concatenation(name, descriptor, bootstrap, arguments));
    }

    /**
     * A JDK call, charged by {@link JdkCalls} before it is made. A constructor cannot be moved into
     * a helper (its receiver is not yet an object): a {@link Throwable}'s is charged for the stack
     * trace it fills in, any other's by the length of its last argument if that is a reference
     * (the string a builder starts from) and for a builder's first array otherwise.
     */
    void jdkCall(int opcode, String methodOwner, String name, String descriptor, boolean isInterface) {
        if (name.equals("<init>")) {
            if (JdkCalls.isThrowable(methodOwner)) {
                code.meter();
                code.mv.visitLdcInsn(code.here());
                code.callMeter("throwable", "(" + STRING + ")V");
            } else if (!methodOwner.equals("java/lang/Object")) {
                Type[] parameters = Type.getArgumentTypes(descriptor);
                boolean lastIsReference = parameters.length > 0 && parameters[parameters.length - 1].getSort() >= Type.ARRAY;
                if (lastIsReference) { // [.., argument] -> [.., argument, elements, meter] -> [.., argument, meter, elements]
                    code.mv.visitInsn(Opcodes.DUP);
                    code.mv.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "sizeOf", "(Ljava/lang/Object;)J", false);
                    code.meter();
                    code.mv.visitInsn(Opcodes.DUP_X2);
                    code.mv.visitInsn(Opcodes.POP);
                } else {
                    code.meter();
                    code.mv.visitInsn(Opcodes.LCONST_0);
                }
                code.pushInt(6);
                code.pushInt(2 * 16 + 40);
                code.mv.visitLdcInsn(code.here());
                code.callMeter("work", "(JII" + STRING + ")V");
            }
            code.mv.visitMethodInsn(opcode, methodOwner, name, descriptor, isInterface);
            return;
        }
        JdkCalls.Cost cost = opcode == Opcodes.INVOKESPECIAL || methodOwner.startsWith("[")
                ? JdkCalls.Cost.FREE : JdkCalls.of(methodOwner, name, descriptor);
        if (cost.shape() == JdkCalls.Shape.FREE) {
            code.mv.visitMethodInsn(opcode, methodOwner, name, descriptor, isInterface);
            return;
        }
        code.mv.visitLdcInsn(code.here());
        callHelper(ChargedCall.call(opcode, methodOwner, name, descriptor, isInterface, cost));
    }

    private void callHelper(ChargedCall call) {
        code.callOwn(code.owner.chargedCall(call));
    }
}
