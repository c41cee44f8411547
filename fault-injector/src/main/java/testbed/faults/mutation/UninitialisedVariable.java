package testbed.faults.mutation;

import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Skips one initialisation: the first store to a local variable (in code order; arguments and an
 * exception handler's store of what it caught excluded) or a constructor's store to one of the
 * object's own fields stores garbage instead of the value computed for it: a random value from the
 * seed for a number, {@code null} for a reference (the JVM cannot make up a reference). A loop
 * counter starts anywhere, a saved {@code Memory} is {@code null}, a length is nonsense. Simulates
 * an uninitialised variable, which in C holds whatever the stack or heap held before; the verifier
 * keeps Java from reading a truly unset local, so garbage is stored where the initial value was.
 *
 * <p>Published model: the "initialization" fault of Rio (Chen et al. 1996, ASPLOS, The Rio File
 * Cache) and the "uninitialised variable" fault of Nooks (Swift, Bershad and Levy 2003, SOSP).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: anything: a garbage index or address reaches the kernel ({@code ESCAPED},
 *       {@code CRASHED}), a garbage count loops for long ({@code HUNG}), a {@code null} throws
 *       ({@code CONTAINED}).
 *   <li>{@code SFI_MASK}: {@code OK}, {@code WRONG_RESULT} or {@code CONTAINED}.
 *   <li>{@code SFI_CHECK}, {@code BOUNDS}, {@code VERIFIED}, {@code PROCESS}: {@code OK},
 *       {@code WRONG_RESULT} or {@code CONTAINED}; never {@code ESCAPED}, {@code HUNG} or
 *       {@code CRASHED}.
 * </ul>
 */
public final class UninitialisedVariable extends SiteFault {

    @Override
    public String name() {
        return "uninitialised-variable";
    }

    @Override
    public Family family() {
        return Family.MEMORY;
    }

    @Override
    public String description() {
        return "stores garbage (or null) instead of one local variable's or constructor field's initial value";
    }

    @Override
    public String reference() {
        return "Chen et al. 1996, ASPLOS, The Rio File Cache: initialization; Swift, Bershad and Levy 2003, SOSP, Nooks: uninitialised variable";
    }

    @Override
    SiteVisitor sites(Sites sites, MethodVisitor next) {
        return new SiteVisitor(sites, next) {
            private final BitSet stored = new BitSet();
            private final int arguments = argumentSlots(sites.access, sites.descriptor);
            private final Set<Label> handlers = new HashSet<>();
            private int previous = -1;
            private int current = -1;
            private boolean handlerNext;
            private boolean handlerHere;

            @Override
            public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
                handlers.add(handler); // ASM visits every try-catch block before the code
                super.visitTryCatchBlock(start, end, handler, type);
            }

            @Override
            public void visitLabel(Label label) {
                handlerNext |= handlers.contains(label);
                super.visitLabel(label);
            }

            @Override
            void beforeInstruction(int opcode) {
                previous = current;
                current = opcode;
                handlerHere = handlerNext;
                handlerNext = false;
            }

            @Override
            public void visitVarInsn(int opcode, int slot) {
                if (opcode >= Opcodes.ISTORE && opcode <= Opcodes.ASTORE && slot >= arguments && !stored.get(slot)) {
                    stored.set(slot);
                    // Storing null is already as uninitialised as a reference gets. A handler's first
                    // store saves the caught exception: no variable's initialisation, and the
                    // sandbox recognises javac's finally handlers by it.
                    boolean storesNull = opcode == Opcodes.ASTORE && previous == Opcodes.ACONST_NULL;
                    if (!storesNull && !handlerHere && sites.take()) {
                        String garbage = replace(localType(opcode));
                        super.visitVarInsn(opcode, slot);
                        sites.changed("local " + slot + " (" + Mnemonics.of(opcode) + ") initialised to " + garbage);
                        return;
                    }
                }
                super.visitVarInsn(opcode, slot);
            }

            @Override
            public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
                if (opcode == Opcodes.PUTFIELD && sites.method.equals("<init>") && owner.equals(sites.owner)
                        && previous != Opcodes.ACONST_NULL && sites.take()) {
                    String garbage = replace(Type.getType(descriptor));
                    super.visitFieldInsn(opcode, owner, name, descriptor);
                    sites.changed("field " + name + " initialised to " + garbage);
                    return;
                }
                super.visitFieldInsn(opcode, owner, name, descriptor);
            }

            /** Replaces the value on the stack by garbage; returns the garbage as text. */
            private String replace(Type type) {
                long bits = sites.draw(1);
                pop(type);
                pushValue(type, bits);
                switch (type.getSort()) {
                    case Type.LONG: return Long.toString(bits);
                    case Type.FLOAT: return Float.toString(Float.intBitsToFloat((int) bits));
                    case Type.DOUBLE: return Double.toString(Double.longBitsToDouble(bits));
                    case Type.BOOLEAN: return Long.toString(bits & 1);
                    case Type.BYTE: return Byte.toString((byte) bits);
                    case Type.CHAR: return Integer.toString((char) bits);
                    case Type.SHORT: return Short.toString((short) bits);
                    case Type.INT: return Integer.toString((int) bits);
                    default: return "null";
                }
            }
        };
    }

    private static Type localType(int storeOpcode) {
        switch (storeOpcode) {
            case Opcodes.ISTORE: return Type.INT_TYPE;
            case Opcodes.LSTORE: return Type.LONG_TYPE;
            case Opcodes.FSTORE: return Type.FLOAT_TYPE;
            case Opcodes.DSTORE: return Type.DOUBLE_TYPE;
            default: return Type.getObjectType("java/lang/Object");
        }
    }

    /** Slots taken by the receiver and the arguments. */
    private static int argumentSlots(int access, String descriptor) {
        int withReceiver = Type.getArgumentsAndReturnSizes(descriptor) >> 2;
        return (access & Opcodes.ACC_STATIC) != 0 ? withReceiver - 1 : withReceiver;
    }
}
