package testbed.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.SimpleRemapper;
import testbed.kernel.DomainSpec;
import testbed.kernel.Kernel;
import testbed.kernel.KernelConfig;

/** Shared setup of the sandbox tests: a small kernel, a generous domain spec, class bytes of samples. */
public final class SandboxFixture {
    public static final long SEGMENT = 64 << 10;
    /**
     * Where samples are moved before the sandbox sees them: the test classes live in the
     * testbed's own packages, which the verifier reserves for the tool.
     */
    public static final String SAMPLE_ROOT = "samples/";

    private SandboxFixture() {
    }

    public static Kernel boot() {
        return Kernel.boot(KernelConfig.defaults().withMemorySize(16L << 20));
    }

    public static DomainSpec spec() {
        return DomainSpec.segment(SEGMENT).allowAll();
    }

    /**
     * The class file of {@code type}, read as the sandbox would receive it (never the loaded
     * class), moved under {@link #SAMPLE_ROOT} and with its nest and inner-class attributes dropped,
     * as a stand-alone extension has none.
     */
    public static byte[] bytesOf(Class<?> type) {
        return relocated(classFileOf(type));
    }

    /** The class file of {@code type} as compiled, for classes that are not extensions (a plug-in technique's). */
    public static byte[] classFileOf(Class<?> type) {
        String resource = "/" + type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no class file for " + type.getName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The binary name a sample has in {@link #bytesOf}'s bytes. */
    public static String nameOf(Class<?> type) {
        return SAMPLE_ROOT.replace('/', '.') + type.getName();
    }

    private static byte[] relocated(byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        String name = reader.getClassName();
        ClassWriter writer = new ClassWriter(0);
        reader.accept(new ClassRemapper(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visitInnerClass(String inner, String outerName, String innerName, int access) {
            }

            @Override
            public void visitNestHost(String nestHost) {
            }

            @Override
            public void visitNestMember(String nestMember) {
            }

            @Override
            public void visitOuterClass(String owner, String method, String descriptor) {
            }
        }, new SimpleRemapper(name, SAMPLE_ROOT + name)), 0);
        return writer.toByteArray();
    }
}
