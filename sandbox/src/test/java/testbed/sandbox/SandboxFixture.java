package testbed.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import testbed.kernel.DomainSpec;
import testbed.kernel.Kernel;
import testbed.kernel.KernelConfig;

/** Shared setup of the sandbox tests: a small kernel, a generous domain spec, class bytes of samples. */
public final class SandboxFixture {
    public static final long SEGMENT = 64 << 10;

    private SandboxFixture() {
    }

    public static Kernel boot() {
        return Kernel.boot(KernelConfig.defaults().withMemorySize(16L << 20));
    }

    public static DomainSpec spec() {
        return DomainSpec.segment(SEGMENT).allowAll();
    }

    /** The class file of {@code type}, read as the sandbox would receive it (never the loaded class). */
    public static byte[] bytesOf(Class<?> type) {
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
}
