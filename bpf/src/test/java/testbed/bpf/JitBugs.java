package testbed.bpf;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/** Deliberately broken copies of the JIT's output, to test that the protection modes do not trust the JIT. */
public final class JitBugs {
    private JitBugs() {
    }

    /**
     * The class with every {@code if_icmpgt} replaced by popping its operands, so the branch is never
     * taken: the JIT's packet-length checks are gone (and with them unsigned {@code jgt} and the
     * clamp of {@code ret a}, a differently wrong answer).
     */
    public static byte[] withoutLengthChecks(byte[] bytes) {
        ClassWriter cw = new ClassWriter(0);
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9, cw) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, descriptor, signature, exceptions)) {
                    @Override
                    public void visitJumpInsn(int opcode, Label label) {
                        if (opcode == Opcodes.IF_ICMPGT) {
                            super.visitInsn(Opcodes.POP2);
                        } else {
                            super.visitJumpInsn(opcode, label);
                        }
                    }
                };
            }
        }, 0);
        return cw.toByteArray();
    }
}
