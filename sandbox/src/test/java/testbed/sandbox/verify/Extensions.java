package testbed.sandbox.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Consumer;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import testbed.sandbox.SandboxFixture;

/** The one helper of the verifier's tests: sample bytes in, verdicts out. */
final class Extensions {
    /** Descriptor of {@code PacketFilter.filter}. */
    static final String FILTER = "(Ltestbed/kernel/api/Context;JI)I";

    private Extensions() {
    }

    /**
     * The class file of a sample, read as a resource (the sample is never initialised or run) and
     * moved out of the testbed's reserved packages (see {@link SandboxFixture#bytesOf}).
     */
    static byte[] bytes(Class<?> sample) {
        return SandboxFixture.bytesOf(sample);
    }

    /** The binary name of a sample in {@link #bytes}'s bytes. */
    static String nameOf(Class<?> sample) {
        return SandboxFixture.nameOf(sample);
    }

    /**
     * A generated {@code PacketFilter} named {@code internalName} whose {@code filter} method has
     * the code {@code body} writes (for shapes javac cannot produce). Max stack and locals are
     * computed; stack map frames are not written, which this verifier does not read.
     */
    static byte[] packetFilter(String internalName, Consumer<MethodVisitor> body) {
        return packetFilter(internalName, "filter", cw -> { }, body);
    }

    /** Like {@link #packetFilter(String, Consumer)}, with the method named {@code methodName} and more {@code members}. */
    static byte[] packetFilter(String internalName, String methodName, Consumer<ClassWriter> members,
            Consumer<MethodVisitor> body) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, internalName, null, "java/lang/Object",
                new String[] {"testbed/kernel/api/PacketFilter"});
        MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        members.accept(cw);
        MethodVisitor filter = cw.visitMethod(Opcodes.ACC_PUBLIC, methodName, FILTER, null, null);
        filter.visitCode();
        body.accept(filter);
        filter.visitMaxs(0, 0);
        filter.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    static VerifiedClass verified(byte[] bytes) {
        try {
            return Verifier.standard().verify(bytes);
        } catch (Rejection r) {
            throw new AssertionError("expected the class to pass, but " + r.getMessage(), r);
        }
    }

    static VerifiedClass verified(Class<?> sample) {
        return verified(bytes(sample));
    }

    static Rejection rejection(byte[] bytes) {
        return rejection(Verifier.standard(), bytes);
    }

    static Rejection rejection(Verifier verifier, byte[] bytes) {
        try {
            VerifiedClass v = verifier.verify(bytes);
            throw new AssertionError("expected a rejection, but the class passed: " + v);
        } catch (Rejection r) {
            return r;
        }
    }

    /**
     * Asserts that {@code sample} is rejected for {@code rule} at {@code method} (name and
     * descriptor, or null for the class) and {@code instruction}, and that the message says so.
     */
    static Rejection assertRejected(Class<?> sample, Rule rule, String method, int instruction) {
        return assertRejected(bytes(sample), nameOf(sample), rule, method, instruction);
    }

    static Rejection assertRejected(byte[] bytes, String className, Rule rule, String method, int instruction) {
        Rejection r = rejection(bytes);
        String where = className + (method == null ? "" : "." + method + (instruction >= 0 ? "@" + instruction : ""));
        assertThat(r.getMessage()).as("message").startsWith("rejected [" + rule + "] " + where + ": ");
        assertThat(r.rule()).isEqualTo(rule);
        assertThat(r.className()).isEqualTo(className);
        assertThat(r.instruction()).isEqualTo(instruction);
        if (method == null) {
            assertThat(r.methodName()).isEmpty();
            assertThat(r.methodDescriptor()).isEmpty();
        } else {
            int paren = method.indexOf('(');
            assertThat(r.methodName()).contains(method.substring(0, paren));
            assertThat(r.methodDescriptor()).contains(method.substring(paren));
        }
        assertThat(r.getMessage()).endsWith(r.detail());
        return r;
    }
}
