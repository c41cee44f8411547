package testbed.bpf.trial;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Opcodes;
import testbed.bpf.CheckException;
import testbed.bpf.Checker;
import testbed.bpf.FilterProgram;
import testbed.bpf.FormatException;
import testbed.bpf.Jit;
import testbed.bpf.ProgramFormat;
import testbed.corpus.Family;
import testbed.corpus.Outcome;

/**
 * BPF corpus entries as a corpus directory for campaigns: each entry the checker accepts is
 * JIT-compiled and written as a class file carrying the corpus's {@code @Entry} metadata (family,
 * threat, reference, expected outcome per mode), so that {@code testbed campaign --corpus DIR}
 * puts compiled BPF filters under every fault kind and mode. Entries the checker refuses have no
 * class to put there; they are listed as skipped.
 */
public final class CampaignExport {
    /** The package of exported classes. */
    public static final String PACKAGE = "testbed.bpf.campaign";
    private static final String ENTRY = "Ltestbed/corpus/Entry;";
    private static final String EXPECT = "Ltestbed/corpus/Expect;";
    private static final String FAMILY = "Ltestbed/corpus/Family;";
    private static final String OUTCOME = "Ltestbed/corpus/Outcome;";

    /** What was written and what was not. */
    public record Result(List<String> written, List<String> skipped) {
    }

    private CampaignExport() {
    }

    /** Writes the entries under {@code directory} (a class-path root) and says which ones. */
    public static Result write(List<BpfEntry> entries, Path directory) throws IOException {
        Path dir = directory.resolve(PACKAGE.replace('.', '/'));
        Files.createDirectories(dir);
        List<String> written = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (BpfEntry e : entries) {
            FilterProgram program;
            try {
                program = Checker.check(ProgramFormat.load(e.file(), e.bytes()));
            } catch (FormatException | CheckException refused) {
                skipped.add(e.name() + ": " + refused.getMessage());
                continue;
            }
            String simple = className(e.name());
            Files.write(dir.resolve(simple + ".class"), annotated(Jit.compile(program, PACKAGE + '.' + simple), e));
            written.add(family(e).name().toLowerCase(java.util.Locale.ROOT) + '/' + simple);
        }
        return new Result(written, skipped);
    }

    /** {@code bpf/huge-absolute-offset} to {@code BpfHugeAbsoluteOffset}. */
    static String className(String entryName) {
        StringBuilder s = new StringBuilder("Bpf");
        for (String part : entryName.substring(entryName.indexOf('/') + 1).split("[^A-Za-z0-9]+")) {
            if (!part.isEmpty()) {
                s.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return s.toString();
    }

    /** Controls (threat "none: ...") are benign; every other compilable entry attacks memory through packet offsets. */
    static Family family(BpfEntry e) {
        return e.threat().startsWith("none") ? Family.BENIGN : Family.MEMORY;
    }

    private static byte[] annotated(byte[] classBytes, BpfEntry e) {
        ClassWriter cw = new ClassWriter(0);
        new ClassReader(classBytes).accept(new ClassVisitor(Opcodes.ASM9, cw) {
            @Override
            public void visitSource(String source, String debug) {
                super.visitSource(source, debug);
                AnnotationVisitor entry = super.visitAnnotation(ENTRY, false);
                entry.visitEnum("family", FAMILY, family(e).name());
                entry.visit("threat", e.threat());
                entry.visit("reference", e.reference());
                AnnotationVisitor expect = entry.visitArray("expect");
                for (Map.Entry<String, Outcome> m : new java.util.TreeMap<>(e.expectations()).entrySet()) {
                    AnnotationVisitor one = expect.visitAnnotation(null, EXPECT);
                    one.visit("mode", m.getKey());
                    one.visitEnum("outcome", OUTCOME, m.getValue().name());
                    one.visitEnd();
                }
                expect.visitEnd();
                entry.visitEnum("otherwise", OUTCOME, e.otherwise().name());
                entry.visitEnd();
            }
        }, 0);
        return cw.toByteArray();
    }
}
