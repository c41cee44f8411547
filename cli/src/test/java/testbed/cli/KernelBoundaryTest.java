package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.Remapper;
import org.junit.jupiter.api.Test;

/**
 * The kernel's tables in simulated memory are read by the kernel and its oracle only; every other
 * module reads kernel state through {@code KernelView}. Java cannot restrict a public class to
 * one other package, so this test reads the compiled classes of every module on the CLI's class
 * path (which depends on all of them) and fails on any reference to a table class.
 */
class KernelBoundaryTest {
    private static final Set<String> TABLES = Set.of("Header", "SegmentTable", "FrameTable", "FrameAllocator",
            "LockTable", "HookTable", "HeapTable", "PacketRing", "BufferCache", "KernelLog", "Disk", "KernelStructures");
    private static final List<String> MODULES = List.of("testbed/faults/", "testbed/sandbox/", "testbed/bench/",
            "testbed/bpf/", "testbed/corpus/", "testbed/reports/", "testbed/cli/", "testbed/sfi/");

    @Test
    void noModuleOutsideTheKernelReadsItsTables() throws IOException {
        Set<String> scanned = new TreeSet<>();
        List<String> offences = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.walk(path)) {
                    for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                        try (InputStream in = Files.newInputStream(file)) {
                            check(path.relativize(file).toString().replace('\\', '/'), in, scanned, offences);
                        }
                    }
                }
            } else if (entry.endsWith(".jar") && Files.isRegularFile(path)) {
                try (JarFile jar = new JarFile(path.toFile())) {
                    for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements();) {
                        JarEntry je = e.nextElement();
                        if (je.getName().endsWith(".class")) {
                            try (InputStream in = jar.getInputStream(je)) {
                                check(je.getName(), in, scanned, offences);
                            }
                        }
                    }
                }
            }
        }
        for (String module : MODULES) {
            assertThat(scanned).as("classes scanned").anyMatch(name -> name.startsWith(module));
        }
        assertThat(offences).as("references to the kernel's tables outside kernel-sim").isEmpty();
    }

    private static void check(String name, InputStream in, Set<String> scanned, List<String> offences) {
        if (!name.startsWith("testbed/") || name.startsWith("testbed/kernel/")) {
            return;
        }
        scanned.add(name);
        byte[] bytes;
        try {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> referenced = new TreeSet<>();
        Remapper recorder = new Remapper() {
            @Override
            public String map(String internalName) {
                referenced.add(internalName);
                return internalName;
            }
        };
        new ClassReader(bytes).accept(new ClassRemapper(new Everything(), recorder), 0);
        for (String type : referenced) {
            if (type.startsWith("testbed/kernel/") && TABLES.contains(type.substring("testbed/kernel/".length()))) {
                offences.add(name + " uses " + type);
            }
        }
    }

    /** Visits every field and method body, so that the remapper sees every type they name. */
    private static final class Everything extends ClassVisitor {
        Everything() {
            super(Opcodes.ASM9);
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            return new FieldVisitor(Opcodes.ASM9) {
            };
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            return new MethodVisitor(Opcodes.ASM9) {
            };
        }
    }
}
