package testbed.sandbox;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Whether a class can hold state of its own between two of its instances: a static field that is
 * not a compile-time constant, or a static initialiser. A class without either shares nothing
 * but code between the domains that use it, which is what lets an unprotected sandbox reuse one
 * defined class for every domain of the same bytes, as the protected modes do for classes the
 * verifier admitted.
 */
final class ClassState {
    private ClassState() {
    }

    /** True if {@code bytes} declare class state (or cannot be read, which counts as state). */
    static boolean present(byte[] bytes) {
        boolean[] found = {false};
        try {
            new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                    boolean constant = (access & Opcodes.ACC_FINAL) != 0 && value != null;
                    found[0] |= (access & Opcodes.ACC_STATIC) != 0 && !constant;
                    return null;
                }

                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                    found[0] |= name.equals("<clinit>");
                    return null;
                }
            }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        } catch (RuntimeException unreadable) {
            return true;
        }
        return found[0];
    }
}
