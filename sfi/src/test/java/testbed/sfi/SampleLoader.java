package testbed.sfi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.Segment;
import testbed.sfi.runtime.Meter;

/**
 * The one way these tests run a sample extension: read the nested sample class's bytes from the
 * test class path, rewrite them, define the result in a fresh child class loader (the original
 * class is never used), bind the meter if the rewrite is metered, and instantiate it.
 *
 * <p>An extension is one top-level class. A nested sample is made one by dropping the attributes
 * that tie it to its test class ({@code InnerClasses}, {@code NestHost}, {@code EnclosingMethod}):
 * loaded apart from its outer class, it would otherwise fail the JVM's cross-checks as soon as
 * anything (Jazzer's reflection hooks, for one) asks for its enclosing class.
 */
final class SampleLoader {
    /** The memory every test uses: 1 MiB. */
    static final long MEMORY_SIZE = 1 << 20;
    /** The segment every test confines its samples to: 64 KiB at 256 KiB. */
    static final Segment SEGMENT = new Segment(0x40000, 0x10000);
    /** The monitor id the samples run as. */
    static final int DOMAIN = 1;

    private SampleLoader() {
    }

    /** The class-file bytes of a nested sample as a standalone extension class. */
    static byte[] bytesOf(Class<?> type) {
        String resource = "/" + type.getName().replace('.', '/') + ".class";
        byte[] bytes;
        try (InputStream in = type.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no class file for " + type.getName());
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visitInnerClass(String name, String outerName, String innerName, int access) {
            }

            @Override
            public void visitNestHost(String nestHost) {
            }

            @Override
            public void visitOuterClass(String owner, String name, String descriptor) {
            }
        }, 0);
        return writer.toByteArray();
    }

    /** {@code sample} rewritten in {@code mode} for {@link #SEGMENT}, unmetered. */
    static Sample load(Class<? extends Sample> sample, ProtectionMode mode) {
        return load(sample, Rewrite.of(mode).segment(SEGMENT), null);
    }

    /**
     * {@code sample} rewritten by {@code rewrite} and loaded in its own class loader.
     *
     * @param meter the meter to bind: required when the rewrite is metered, else ignored
     */
    static Sample load(Class<? extends Sample> sample, Rewrite rewrite, Meter meter) {
        return instantiate(bind(define(sample.getName(), rewrite.apply(bytesOf(sample))), rewrite, meter));
    }

    /** Defines the bytes of a class named {@code name} in a fresh loader, without initializing it. */
    static Class<?> define(String name, byte[] bytes) {
        return new IsolatingLoader(name, bytes).define();
    }

    /** Binds {@code type} to {@code meter} if {@code rewrite} metered it. */
    static Class<?> bind(Class<?> type, Rewrite rewrite, Meter meter) {
        if (rewrite.isMetered()) {
            Meter.bind(type, meter);
        }
        return type;
    }

    static Sample instantiate(Class<?> type) {
        try {
            return (Sample) type.getDeclaredConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("constructor of " + type.getName() + " failed", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Fresh memory with every byte set to a known pattern, and a reset monitor. */
    static PhysicalMemory memory() {
        PhysicalMemory memory = new PhysicalMemory(MEMORY_SIZE);
        byte[] pattern = new byte[(int) MEMORY_SIZE];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i * 31 + (i >>> 8) * 7 + 1);
        }
        memory.write(0, pattern, 0, pattern.length);
        memory.resetMonitor();
        return memory;
    }

    /** Defines exactly one class from bytes and delegates everything else to the test class path. */
    private static final class IsolatingLoader extends ClassLoader {
        private final String name;
        private final byte[] bytes;

        IsolatingLoader(String name, byte[] bytes) {
            super("sample-" + name.substring(name.lastIndexOf('.') + 1), SampleLoader.class.getClassLoader());
            this.name = name;
            this.bytes = bytes;
        }

        Class<?> define() {
            try {
                return loadClass(name);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
            if (!className.equals(name)) {
                return super.loadClass(className, resolve);
            }
            synchronized (getClassLoadingLock(className)) {
                Class<?> type = findLoadedClass(className);
                return type != null ? type : defineClass(className, bytes, 0, bytes.length);
            }
        }
    }
}
