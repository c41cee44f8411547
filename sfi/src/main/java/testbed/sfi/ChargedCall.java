package testbed.sfi;

import java.util.List;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import testbed.sfi.runtime.Guard;
import testbed.sfi.runtime.Meter;

/**
 * A JDK call, or a string concatenation ({@code invokedynamic} of {@code StringConcatFactory}),
 * that the rewrite charges by the lengths of its arguments: the call site passes its arguments
 * and its location to a generated static helper that charges {@link Meter#work} and then makes
 * the original call. The helper has no branch, so it needs no stack map frame.
 *
 * @param opcode the call's opcode, {@link Opcodes#INVOKEDYNAMIC} for a concatenation
 * @param owner the called class (unused for a concatenation)
 * @param name the called method, or the {@code invokedynamic}'s name
 * @param descriptor the called method's descriptor, or the {@code invokedynamic}'s
 * @param isInterface whether {@code owner} is an interface
 * @param cost how the call is charged (a concatenation: like a string copy of every argument)
 * @param bootstrap a concatenation's bootstrap method, null for a call
 * @param bootstrapArguments a concatenation's recipe and constants, empty for a call
 */
record ChargedCall(int opcode, String owner, String name, String descriptor, boolean isInterface, JdkCalls.Cost cost,
        Handle bootstrap, List<Object> bootstrapArguments) {
    private static final String GUARD = Type.getInternalName(Guard.class);
    private static final String LOCATION = "Ljava/lang/String;";
    /** Characters a primitive or an object other than a string can print as, for a concatenation. */
    private static final int PRINTED_CHARACTERS = 20;

    static ChargedCall call(int opcode, String owner, String name, String descriptor, boolean isInterface, JdkCalls.Cost cost) {
        return new ChargedCall(opcode, owner, name, descriptor, isInterface, cost, null, List.of());
    }

    static ChargedCall concatenation(String name, String descriptor, Handle bootstrap, Object[] arguments) {
        return new ChargedCall(Opcodes.INVOKEDYNAMIC, null, name, descriptor, false,
                new JdkCalls.Cost(JdkCalls.Shape.ALL, -1, 2, 40), bootstrap, List.of(arguments));
    }

    /** The helper's parameters: the receiver (if any), the call's arguments, then the location. */
    String helperDescriptor() {
        String receiver = opcode == Opcodes.INVOKESTATIC || opcode == Opcodes.INVOKEDYNAMIC ? "" : "L" + owner + ";";
        return "(" + receiver + descriptor.substring(1, descriptor.indexOf(')')) + LOCATION + descriptor.substring(descriptor.indexOf(')'));
    }

    /** Writes the helper's code into {@code code}, a method of {@code className} with {@link #helperDescriptor}. */
    void emit(MethodVisitor code, String className) {
        Type[] parameters = Type.getArgumentTypes(helperDescriptor());
        int[] slots = new int[parameters.length];
        int slot = 0;
        for (int i = 0; i < parameters.length; i++) {
            slots[i] = slot;
            slot += parameters[i].getSize();
        }
        int location = parameters.length - 1;
        boolean hasReceiver = opcode != Opcodes.INVOKESTATIC && opcode != Opcodes.INVOKEDYNAMIC;
        code.visitCode();
        code.visitFieldInsn(Opcodes.GETSTATIC, className, ClassRewriter.METER_FIELD, ClassRewriter.METER_DESCRIPTOR);
        pushElements(code, parameters, slots, location, hasReceiver);
        ClassRewriter.pushInt(code, cost.bytesPerElement());
        ClassRewriter.pushInt(code, cost.fixedBytes());
        code.visitVarInsn(Opcodes.ALOAD, slots[location]);
        code.visitMethodInsn(Opcodes.INVOKEVIRTUAL, ClassRewriter.METER, "work", "(JII" + LOCATION + ")V", false);
        for (int i = 0; i < location; i++) {
            code.visitVarInsn(parameters[i].getOpcode(Opcodes.ILOAD), slots[i]);
        }
        if (opcode == Opcodes.INVOKEDYNAMIC) {
            code.visitInvokeDynamicInsn(name, descriptor, bootstrap, bootstrapArguments.toArray());
        } else {
            code.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
        }
        code.visitInsn(Type.getReturnType(descriptor).getOpcode(Opcodes.IRETURN));
        code.visitMaxs(0, 0);
        code.visitEnd();
    }

    /** Pushes the elements of work as a long, computed from the arguments as {@link #cost} says. */
    private void pushElements(MethodVisitor code, Type[] parameters, int[] slots, int location, boolean hasReceiver) {
        switch (cost.shape()) {
            case COUNT: {
                int argument = (hasReceiver ? 1 : 0) + cost.countArgument();
                code.visitVarInsn(Opcodes.ILOAD, slots[argument]);
                code.visitInsn(Opcodes.I2L);
                return;
            }
            case SEARCH: {
                sizeOf(code, slots[0]);
                int needle = 1;
                while (!isReference(parameters[needle])) {
                    needle++;
                }
                sizeOf(code, slots[needle]);
                code.visitInsn(Opcodes.LCONST_1);
                code.visitInsn(Opcodes.LADD);
                code.visitInsn(Opcodes.LMUL);
                return;
            }
            default: {
                long constant = opcode == Opcodes.INVOKEDYNAMIC ? concatenationConstant(parameters, location) : 0;
                code.visitLdcInsn(constant);
                int first = cost.shape() == JdkCalls.Shape.ARGUMENTS && hasReceiver ? 1 : 0;
                for (int i = first; i < location; i++) {
                    if (isReference(parameters[i])) {
                        sizeOf(code, slots[i]);
                        code.visitInsn(Opcodes.LADD);
                    }
                }
            }
        }
    }

    /** A concatenation's characters that do not come from string arguments: its constants and printed values. */
    private long concatenationConstant(Type[] parameters, int location) {
        long characters = (long) PRINTED_CHARACTERS * location;
        for (Object constant : bootstrapArguments) {
            characters += String.valueOf(constant).length();
        }
        return characters;
    }

    private static void sizeOf(MethodVisitor code, int slot) {
        code.visitVarInsn(Opcodes.ALOAD, slot);
        code.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "sizeOf", "(Ljava/lang/Object;)J", false);
    }

    private static boolean isReference(Type t) {
        return t.getSort() == Type.OBJECT || t.getSort() == Type.ARRAY;
    }
}
