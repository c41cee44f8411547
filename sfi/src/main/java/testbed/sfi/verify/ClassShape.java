package testbed.sfi.verify;

import java.util.LinkedHashMap;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * An extension class as the analysis and the checker read it, each from the bytes on its own: its
 * name, interfaces, and every method with code as a {@link Code}. Trusted base.
 */
final class ClassShape {
    final String name;
    final int access;
    final String[] interfaces;
    /** {@code name + descriptor} to the method's code, in class-file order. */
    final Map<String, Code> methods = new LinkedHashMap<>();

    private ClassShape(String name, int access, String[] interfaces) {
        this.name = name;
        this.access = access;
        this.interfaces = interfaces == null ? new String[0] : interfaces;
    }

    static ClassShape read(byte[] bytes) {
        ClassShape[] shape = new ClassShape[1];
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                shape[0] = new ClassShape(name, access, interfaces);
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
                    return null;
                }
                Code code = new Code(access, name, descriptor);
                shape[0].methods.put(name + descriptor, code);
                return code;
            }
        }, ClassReader.SKIP_FRAMES | ClassReader.SKIP_DEBUG);
        return shape[0];
    }

    /**
     * Whether a call of {@code name + descriptor} on this class by {@code opcode} always runs this
     * class's own method, so that what it is proven to return is what the call returns.
     */
    boolean callsOwn(String owner, String name, String descriptor, int opcode) {
        Code callee = methods.get(name + descriptor);
        if (!this.name.equals(owner) || callee == null || name.startsWith("<")) {
            return false;
        }
        if (opcode == Opcodes.INVOKESTATIC) {
            return callee.isStatic();
        }
        boolean exact = (callee.access & (Opcodes.ACC_PRIVATE | Opcodes.ACC_FINAL)) != 0 || (access & Opcodes.ACC_FINAL) != 0;
        return !callee.isStatic() && exact && (opcode == Opcodes.INVOKESPECIAL || opcode == Opcodes.INVOKEVIRTUAL);
    }

    boolean implementsType(String type) {
        for (String i : interfaces) {
            if (i.equals(type)) {
                return true;
            }
        }
        return false;
    }
}
