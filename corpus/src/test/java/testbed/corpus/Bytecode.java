package testbed.corpus;

import java.util.HashSet;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/** What an entry's bytecode really contains, for tests that check entries do what they claim. */
final class Bytecode {
    final String superName;
    /** Every {@code owner.name} the code calls or whose field it touches. */
    final Set<String> members = new HashSet<>();
    /** Every class the code names: owners, instantiated and array element types, casts. */
    final Set<String> types = new HashSet<>();
    final Set<Integer> opcodes = new HashSet<>();
    /** Caught types; {@code "*"} for a catch-all ({@code finally}) handler. */
    final Set<String> caught = new HashSet<>();
    final Set<Object> constants = new HashSet<>();
    boolean nativeMethod;
    boolean staticArrayField;

    private Bytecode(byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        superName = reader.getSuperName();
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                if ((access & Opcodes.ACC_STATIC) != 0 && descriptor.startsWith("[")) {
                    staticArrayField = true;
                }
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                if ((access & Opcodes.ACC_NATIVE) != 0) {
                    nativeMethod = true;
                }
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitInsn(int opcode) {
                        opcodes.add(opcode);
                    }

                    @Override
                    public void visitIntInsn(int opcode, int operand) {
                        opcodes.add(opcode);
                    }

                    @Override
                    public void visitTypeInsn(int opcode, String type) {
                        opcodes.add(opcode);
                        types.add(elementType(type));
                    }

                    @Override
                    public void visitFieldInsn(int opcode, String owner, String field, String fieldDescriptor) {
                        opcodes.add(opcode);
                        types.add(owner);
                        members.add(owner + '.' + field);
                    }

                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String methodDescriptor, boolean isInterface) {
                        opcodes.add(opcode);
                        types.add(elementType(owner));
                        members.add(owner + '.' + method);
                    }

                    @Override
                    public void visitInvokeDynamicInsn(String method, String methodDescriptor, Handle bootstrap, Object... arguments) {
                        opcodes.add(Opcodes.INVOKEDYNAMIC);
                    }

                    @Override
                    public void visitLdcInsn(Object value) {
                        opcodes.add(Opcodes.LDC);
                        constants.add(value);
                        if (value instanceof Type t && t.getSort() == Type.OBJECT) {
                            types.add(t.getInternalName());
                        }
                    }

                    @Override
                    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
                        caught.add(type == null ? "*" : type);
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG);
    }

    static Bytecode of(CorpusEntry entry) {
        return new Bytecode(entry.classBytes());
    }

    boolean calls(String ownerDotMember) {
        return members.contains(ownerDotMember);
    }

    boolean callsAny(String ownerPrefix) {
        return members.stream().anyMatch(m -> m.startsWith(ownerPrefix));
    }

    private static String elementType(String type) {
        if (!type.startsWith("[")) {
            return type;
        }
        Type element = Type.getType(type).getElementType();
        return element.getSort() == Type.OBJECT ? element.getInternalName() : element.getDescriptor();
    }
}
