package testbed.faults.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.corpus.Corpus;
import testbed.corpus.CorpusEntry;
import testbed.corpus.Outcome;
import testbed.program.Op;
import testbed.program.Program;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.Segment;
import testbed.faults.TrialEngine;
import testbed.sandbox.Protection;
import testbed.sandbox.Sandbox;
import testbed.sfi.ProtectionMode;

/**
 * The fuzzer has teeth: against a copy of the rewriter in which one access width is left
 * unconfined, it finds an escape within a bounded number of programs, shrinks it to a handful of
 * operations, and writes a reproducer the corpus loads, whose expectations hold on the real
 * rewriter.
 */
class PlantedDefectTest {
    private static final List<Protection> MODES = Protection.of(List.of(ProtectionMode.SFI_MASK, ProtectionMode.SFI_CHECK, ProtectionMode.BOUNDS));

    @Test
    void aRewriterThatMissesSixteenBitStoresIsCaughtAndShrunk(@TempDir Path out) throws Exception {
        Sandbox.Rewriter broken = defectiveRewriter("store16");
        TrialEngine.Sandboxes factory = (kernel, mode, budget) ->
                mode.pipeline() == ProtectionMode.SFI_MASK ? Sandbox.on(kernel, mode.pipeline(), budget, broken) : Sandbox.on(kernel, mode, budget);

        Fuzzer.Result result = new Fuzzer(new FuzzSettings(3, 3_000, null, MODES, 2, ProgramGenerator.DEFAULT_MAX_OPS, true), out, factory)
                .run(p -> { });

        List<FuzzFinding> escapes = result.findings().stream()
                .filter(f -> f.failure().property() == Property.CONTAINMENT && f.failure().mode().equals("SFI_MASK"))
                .toList();
        assertThat(escapes).as("findings: %s", result.findings()).isNotEmpty();
        FuzzFinding finding = escapes.get(0);
        long failingSeed = result.records().stream().filter(r -> r.unexpected()).findFirst().orElseThrow().seed();
        long firstFailing = 0;
        while (Fuzzer.programSeed(3, firstFailing) != failingSeed) {
            firstFailing++;
        }
        System.out.printf("planted defect: first failing program #%d of %d, %d programs failing, shrunk %d -> %d ops in %d tests:%n%s",
                firstFailing, result.programs(), finding.count(), finding.first().program().size(), finding.shrunk().size(),
                finding.shrinkTests(), finding.reproducer().render());
        assertThat(finding.shrunk().size()).as("shrunk program:%n%s", finding.reproducer().render()).isLessThanOrEqualTo(6);
        assertThat(finding.shrunk().body()).anySatisfy(op ->
                assertThat(op).isInstanceOfSatisfying(Op.Store.class, s -> assertThat(s.width()).isEqualTo(Op.Width.W16)));
        assertThat(result.findings()).as("only the masked mode is broken")
                .allSatisfy(f -> assertThat(f.failure().mode()).contains("SFI_MASK"));

        // The reproducer is a corpus entry; on the real rewriter its expectations hold.
        Path dir = out.resolve(finding.folder());
        Corpus corpus = Corpus.fromDirectory(dir);
        assertThat(corpus.defects()).isEmpty();
        CorpusEntry entry = corpus.entries().get(0);
        assertThat(entry.expected("NONE")).isEqualTo(Outcome.ESCAPED);
        try (ProgramTrials real = new ProgramTrials(MODES)) {
            Program shrunk = finding.shrunk();
            ProgramVerdict v = real.check(shrunk, finding.first().seed());
            assertThat(v.failures()).isEmpty();
            for (Protection m : MODES) {
                assertThat(v.run(m.name()).outcome()).as(m.name()).isEqualTo(entry.expected(m.name()));
            }
        }
        assertThat(Files.readString(dir.resolve("replay.txt"))).startsWith("./testbed fuzz --replay " + finding.first().seed());
    }

    @Test
    void aMachineThatDoesNotFaultOnGuardPagesIsCaught(@TempDir Path out) {
        // The real rewrite, on a kernel whose guard zones are left ordinary pages: the clamp-free
        // mask then lets a straddling access spill past the segment's end.
        TrialEngine.Sandboxes factory = (kernel, mode, budget) -> mode.pipeline() != ProtectionMode.SFI_MASK ? Sandbox.on(kernel, mode, budget)
                : Sandbox.on(kernel, ProtectionMode.SFI_MASK, budget, (bytes, segment, m, metered) -> {
                    kernel.memory().guard((int) (segment.end() >>> PhysicalMemory.PAGE_SHIFT),
                            (int) (segment.size() >>> PhysicalMemory.PAGE_SHIFT), false);
                    return Sandbox.Rewriter.STANDARD.rewrite(bytes, segment, m, metered);
                });

        Fuzzer.Result result = new Fuzzer(new FuzzSettings(5, 400, null, MODES, 2, ProgramGenerator.DEFAULT_MAX_OPS, false), out, factory)
                .run(p -> { });

        List<PropertyFailure> failures = result.findings().stream().map(FuzzFinding::failure).toList();
        assertThat(failures).as("findings: %s", failures).anySatisfy(f -> {
            assertThat(f.property()).isEqualTo(Property.MODES_AGREE);
            assertThat(f.mode()).isEqualTo("SFI_MASK");
            assertThat(f.site()).isEqualTo("no-guard-fault");
        });
        assertThat(failures).as("the oracle sees the unguarded zone").anySatisfy(f -> {
            assertThat(f.property()).isEqualTo(Property.CONTAINMENT);
            assertThat(f.mode()).isEqualTo("SFI_MASK");
        });
        assertThat(failures).as("only the masked mode is broken").allSatisfy(f -> assertThat(f.mode()).contains("SFI_MASK"));
    }

    /**
     * The real rewriter's classes, loaded again with the one string that names {@code access}
     * changed, so the copy no longer recognises that call and leaves it unconfined: a rewriter
     * with one missing case, the kind of bug that hides in a real one.
     */
    static Sandbox.Rewriter defectiveRewriter(String access) {
        return copiedRewriter((className, writer) -> new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access0, String name, String descriptor, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access0, name, descriptor, signature, exceptions)) {
                    @Override
                    public void visitLdcInsn(Object value) {
                        super.visitLdcInsn(access.equals(value) ? access + "-unrecognised" : value);
                    }
                };
            }
        });
    }

    /**
     * The real rewriter's classes ({@code testbed.sfi} and its subpackages but the runtime and
     * {@code ProtectionMode}), loaded again through {@code patch}: given a class's name and the
     * writer of its copy, it returns the visitor the original bytes are read into.
     */
    static Sandbox.Rewriter copiedRewriter(BiFunction<String, ClassVisitor, ClassVisitor> patch) {
        ClassLoader copy = new ClassLoader(PlantedDefectTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                boolean copied = name.startsWith("testbed.sfi.") && !name.startsWith("testbed.sfi.runtime.")
                        && !name.equals(ProtectionMode.class.getName());
                if (!copied) {
                    return super.loadClass(name, resolve);
                }
                synchronized (getClassLoadingLock(name)) {
                    Class<?> c = findLoadedClass(name);
                    if (c == null) {
                        byte[] bytes = patched(name, patch);
                        c = defineClass(name, bytes, 0, bytes.length);
                    }
                    return c;
                }
            }
        };
        try {
            Method of = copy.loadClass("testbed.sfi.Rewrite").getMethod("of", ProtectionMode.class);
            return (bytes, segment, mode, metered) -> {
                try {
                    Object withoutSegment = of.invoke(null, mode);
                    Object rewrite = withoutSegment.getClass().getMethod("segment", Segment.class).invoke(withoutSegment, segment);
                    rewrite = rewrite.getClass().getMethod("metered", boolean.class).invoke(rewrite, metered);
                    return (byte[]) rewrite.getClass().getMethod("apply", byte[].class).invoke(rewrite, (Object) bytes);
                } catch (InvocationTargetException e) {
                    if (e.getCause() instanceof RuntimeException refusal) {
                        throw refusal; // the copy's RewriteException: a rejection, as the real one would be
                    }
                    throw new IllegalStateException(e.getCause());
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            };
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] patched(String className, BiFunction<String, ClassVisitor, ClassVisitor> patch) {
        try (InputStream in = PlantedDefectTest.class.getClassLoader().getResourceAsStream(className.replace('.', '/') + ".class")) {
            ClassReader reader = new ClassReader(in.readAllBytes());
            ClassWriter writer = new ClassWriter(0);
            reader.accept(patch.apply(className, writer), 0);
            return writer.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
