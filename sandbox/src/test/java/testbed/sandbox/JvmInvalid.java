package testbed.sandbox;

import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/** Class files that pass the extension verifier's rules but not the JVM's type checking. */
final class JvmInvalid {
    private JvmInvalid() {
    }

    /** A packet filter whose {@code filter} returns its {@code Context} argument as an int. */
    static byte[] packetFilterReturningItsContext(String name) {
        String internal = name.replace('.', '/');
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, internal, null,
                "java/lang/Object", new String[] {"testbed/kernel/api/PacketFilter"});
        MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        MethodVisitor filter = cw.visitMethod(Opcodes.ACC_PUBLIC, "filter", "(Ltestbed/kernel/api/Context;JI)I", null, null);
        filter.visitCode();
        filter.visitVarInsn(Opcodes.ALOAD, 1);
        filter.visitInsn(Opcodes.IRETURN);
        filter.visitMaxs(0, 0);
        filter.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }
}
