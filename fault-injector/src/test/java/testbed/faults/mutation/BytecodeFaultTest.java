package testbed.faults.mutation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import testbed.corpus.CorpusEntry;

/** Properties every bytecode fault kind has, checked on every corpus entry. */
class BytecodeFaultTest {
    private static final int SEEDS = 20;

    static Stream<Named<BytecodeFault>> kinds() {
        return Mutants.KINDS.stream().map(k -> Named.of(k.name(), k));
    }

    @Test
    void theKindsAreThere() {
        assertThat(Mutants.KINDS).extracting(BytecodeFault::name).containsExactlyInAnyOrder(
                "corrupt-address", "off-by-one", "invert-branch", "delete-branch", "delete-call",
                "bit-flip-constant", "uninitialised-variable", "remove-lock-release", "inject-exception",
                "inject-infinite-loop", "oversize-allocation");
        assertThat(Mutants.CORPUS).hasSizeGreaterThan(10);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void theSameSeedGivesTheSameMutant(BytecodeFault kind) {
        for (CorpusEntry entry : Mutants.CORPUS) {
            for (long seed : new long[] {0, 1, -7, 42, Long.MIN_VALUE, Long.MAX_VALUE}) {
                Mutant a = kind.mutate(entry.classBytes(), seed);
                Mutant b = kind.mutate(entry.classBytes(), seed);
                assertThat(b.classBytes()).as("%s on %s, seed %d", kind.name(), entry, seed).isEqualTo(a.classBytes());
                assertThat(b.site()).isEqualTo(a.site());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void theNumberOfCandidatesDoesNotDependOnTheSeed(BytecodeFault kind) {
        for (CorpusEntry entry : Mutants.CORPUS) {
            int candidates = kind.mutate(entry.classBytes(), 0).candidates();
            for (long seed = 1; seed < SEEDS; seed++) {
                assertThat(kind.mutate(entry.classBytes(), seed).candidates()).as("%s on %s", kind.name(), entry)
                        .isEqualTo(candidates);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void differentSeedsHitDifferentSitesWhereSeveralExist(BytecodeFault kind) {
        int entriesWithSeveralSites = 0;
        for (CorpusEntry entry : Mutants.CORPUS) {
            Mutant first = kind.mutate(entry.classBytes(), 0);
            if (first.candidates() < 2) {
                continue;
            }
            entriesWithSeveralSites++;
            Set<Mutant.Site> sites = new HashSet<>();
            for (long seed = 0; seed < 64; seed++) {
                sites.add(kind.mutate(entry.classBytes(), seed).site().orElseThrow());
            }
            assertThat(sites).as("%s on %s (%d candidates)", kind.name(), entry, first.candidates()).hasSizeGreaterThan(1);
        }
        assertThat(entriesWithSeveralSites).as("entries where %s has several sites", kind.name()).isPositive();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void everySiteIsReachedBySomeSeed(BytecodeFault kind) {
        for (CorpusEntry entry : Mutants.benign()) {
            int candidates = kind.mutate(entry.classBytes(), 0).candidates();
            Set<Mutant.Site> sites = new HashSet<>();
            for (long seed = 0; seed < 40L * candidates && sites.size() < candidates; seed++) {
                sites.add(kind.mutate(entry.classBytes(), seed).site().orElseThrow());
            }
            assertThat(sites).as("%s on %s", kind.name(), entry).hasSize(candidates);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void eachKindFindsSitesInBenignEntries(BytecodeFault kind) {
        assertThat(Mutants.benign()).as("benign entries %s applies to", kind.name())
                .anyMatch(e -> kind.mutate(e.classBytes(), 0).mutated());
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aClassWithoutSitesComesBackUnchanged(BytecodeFault kind) {
        for (CorpusEntry entry : Mutants.CORPUS) {
            Mutant m = kind.mutate(entry.classBytes(), 3);
            if (!m.mutated()) {
                assertThat(m.classBytes()).isEqualTo(entry.classBytes());
                assertThat(m.candidates()).isZero();
                assertThat(m.site()).isEmpty();
                assertThat(m).hasToString("no applicable site");
            }
        }
    }

    @Test
    void removeLockReleaseHasNoSiteInAnExtensionThatNeverUnlocks() {
        CorpusEntry echo = Mutants.entry("benign/EchoPacketFilter");
        Mutant m = Mutants.kind("remove-lock-release").mutate(echo.classBytes(), 5);
        assertThat(m.mutated()).isFalse();
        assertThat(m.classBytes()).isEqualTo(echo.classBytes());
    }

    /**
     * The reported instruction is where the code first differs: every instruction before it is the
     * original, the one at it is not, and every other method is untouched (bar the helper method
     * the inject kinds add).
     */
    @ParameterizedTest
    @MethodSource("kinds")
    void theMutationChangesTheReportedInstructionAndNothingBefore(BytecodeFault kind) {
        for (CorpusEntry entry : Mutants.CORPUS) {
            Map<String, List<String>> original = Mutants.instructions(entry.classBytes());
            for (long seed = 0; seed < SEEDS; seed++) {
                Mutant m = kind.mutate(entry.classBytes(), seed);
                if (!m.mutated()) {
                    continue;
                }
                Mutant.Site site = m.site().orElseThrow();
                String where = kind.name() + " on " + entry + ", seed " + seed + ": " + site;
                Map<String, List<String>> mutated = Mutants.instructions(m.classBytes());
                String key = site.method() + site.descriptor();
                assertThat(original).as(where).containsKey(key);
                List<String> before = original.get(key);
                List<String> after = mutated.get(key);
                int i = site.instruction();
                assertThat(i).as(where).isBetween(0, before.size() - 1);
                assertThat(after.subList(0, i)).as(where).isEqualTo(before.subList(0, i));
                assertThat(after.get(i)).as(where).isNotEqualTo(before.get(i));
                for (Map.Entry<String, List<String>> method : original.entrySet()) {
                    if (!method.getKey().equals(key)) {
                        assertThat(mutated.get(method.getKey())).as(where + ", method " + method.getKey())
                                .isEqualTo(method.getValue());
                    }
                }
                Set<String> added = new HashSet<>(mutated.keySet());
                added.removeAll(original.keySet());
                boolean injects = kind instanceof InjectedException || kind instanceof InjectedInfiniteLoop;
                assertThat(added).as(where).hasSize(injects ? 1 : 0);
            }
        }
    }

    /** The JVM verifies (links) every mutant of every entry, not only of the benign ones. */
    @ParameterizedTest
    @MethodSource("kinds")
    void everyMutantPassesTheJvmVerifier(BytecodeFault kind) {
        int linked = 0;
        for (CorpusEntry entry : Mutants.CORPUS) {
            for (long seed = 0; seed < SEEDS; seed++) {
                Mutant m = kind.mutate(entry.classBytes(), seed);
                if (m.mutated()) {
                    String where = kind.name() + " on " + entry + ", seed " + seed + ": " + m;
                    try {
                        Mutants.link(entry.className(), m.classBytes());
                    } catch (LinkageError e) {
                        throw new AssertionError(where + ": " + e, e);
                    }
                    linked++;
                }
            }
        }
        assertThat(linked).isPositive();
    }

    @Test
    void theVerifierCheckIsNotBlind() {
        CorpusEntry echo = Mutants.entry("benign/EchoPacketFilter");
        byte[] broken = popOnEmptyStackInFilter(echo.classBytes());
        assertThat(Mutants.link(echo.className(), echo.classBytes())).isNotNull();
        assertThatThrownBy(() -> Mutants.link(echo.className(), broken)).isInstanceOf(VerifyError.class);
    }

    @Test
    void garbageBytesAreRefusedWithAClearMessage() {
        assertThatThrownBy(() -> Mutants.kind("off-by-one").mutate(new byte[] {1, 2, 3}, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a readable class file");
    }

    private static byte[] popOnEmptyStackInFilter(byte[] classBytes) {
        ClassReader reader = new ClassReader(classBytes);
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                if (!name.equals("filter")) {
                    return mv;
                }
                return new MethodVisitor(Opcodes.ASM9, mv) {
                    @Override
                    public void visitCode() {
                        super.visitCode();
                        super.visitInsn(Opcodes.POP);
                    }
                };
            }
        }, 0);
        return writer.toByteArray();
    }
}
