package testbed.sfi;

import java.util.function.Consumer;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/** Sample classes written directly in bytecode, for shapes javac never emits. */
final class GeneratedSamples {
    private GeneratedSamples() {
    }

    /**
     * A public final {@link Sample} named {@code name} with a no-argument constructor, the members
     * {@code members} adds, and {@code run}'s code as its {@code run} method.
     *
     * @param computeFrames whether ASM computes the stack map frames; if not, {@code run} writes them
     */
    static byte[] of(String name, boolean computeFrames, Consumer<ClassWriter> members, Consumer<MethodVisitor> run) {
        ClassWriter writer = new ClassWriter(computeFrames ? ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS
                : ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL, name, null, "java/lang/Object",
                new String[] {"testbed/sfi/Sample"});
        MethodVisitor init = writer.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        members.accept(writer);
        MethodVisitor code = writer.visitMethod(Opcodes.ACC_PUBLIC, "run", "(Ltestbed/kernel/api/Memory;JJJ)J", null, null);
        code.visitCode();
        run.accept(code);
        code.visitMaxs(0, 0);
        code.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }

    /** Adds a private static method {@code block(Memory, long)} with {@code body}'s code. */
    static Consumer<ClassWriter> block(Consumer<MethodVisitor> body) {
        return writer -> {
            MethodVisitor code = writer.visitMethod(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC, "block",
                    "(Ltestbed/kernel/api/Memory;J)V", null, null);
            code.visitCode();
            body.accept(code);
            code.visitMaxs(0, 0);
            code.visitEnd();
        };
    }
}
