package testbed.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Correctness of the benchmarks' workloads, never their speed: every workload extension, loaded
 * through the real pipeline in every variant the benchmarks measure, gives plain Java's answer
 * and leaves plain Java's result in memory, so a score always measures the same work.
 */
class WorkloadAnswersTest {
    static final List<String> VARIANTS = List.of("NONE", "SFI_MASK_STORES", "SFI_MASK", "SFI_CHECK", "BOUNDS", "VERIFIED");

    static Stream<String> workloads() {
        return Workload.NAMES.stream();
    }

    @ParameterizedTest
    @MethodSource("workloads")
    void everyVariantGivesPlainJavasAnswer(String name) {
        Set<Integer> answers = new HashSet<>();
        List<String> loaded = new ArrayList<>();
        for (String variant : VARIANTS) {
            for (boolean metered : new boolean[] {false, true}) {
                if (variant.equals("NONE") && metered) {
                    continue;
                }
                // load() itself compares the answer and the memory with plain Java's, twice.
                try (Workload w = Workload.load(name, variant, metered)) {
                    int answer = w.run();
                    assertThat(answer).as(name + " " + variant + " metered=" + metered).isEqualTo(w.expected());
                    answers.add(answer);
                    loaded.add(variant + (metered ? "+fuel" : ""));
                }
            }
        }
        assertThat(loaded).hasSize(2 * VARIANTS.size() - 1);
        assertThat(answers).as("one answer across variants").hasSize(1);
    }

    @Test
    void theBenchmarkParametersNameEveryWorkload() throws NoSuchFieldException {
        String[] params = IsolationBench.class.getField("workload").getAnnotation(org.openjdk.jmh.annotations.Param.class).value();
        assertThat(params).containsExactlyElementsOf(Workload.NAMES);
    }

    @Test
    void theFiltersBothKeepAndDiscard() {
        try (Workload w = Workload.load("packetFilter", "NONE", false)) {
            int offered = 0;
            for (int p = 0; p < Workload.HeaderMatch.PACKETS; p++) {
                offered += ((Workload.HeaderMatch) w).length(p);
            }
            assertThat(w.expected()).isBetween(offered / 10, offered - offered / 10);
        }
        try (Workload w = Workload.load("readFilter", "NONE", false)) {
            assertThat(w.expected()).isBetween(Workload.PatternRead.BLOCK / 10, Workload.PatternRead.BLOCK / 2);
        }
    }

    @Test
    void noneIsNeverMetered() {
        assertThatThrownBy(() -> Workload.load("checksum", "NONE", true)).hasMessageContaining("skipped");
    }

    @Test
    void chicoryAnswersAsPlainJava() {
        new ChicoryBench().setUp(); // throws if either module answers otherwise
    }

    @Test
    void aRolledBackGraftLeavesNoTrace() {
        TransactionBench.Graft graft = new TransactionBench.Graft();
        graft.rounds = 3;
        graft.setUp(); // throws if the rollback or the commit leaves the wrong state
        TransactionBench bench = new TransactionBench();
        long logged = graft.kernel.view().messagesLogged();
        bench.graftAbort(graft);
        assertThat(graft.kernel.view().messagesLogged()).isEqualTo(logged);
        bench.graftCommit(graft);
        assertThat(graft.kernel.view().messagesLogged()).isEqualTo(logged + 3);
    }

    @Test
    void everyExtensionVerifiesAndHasASize() {
        assertThat(Suite.extensionSizes()).hasSize(Suite.EXTENSIONS.size())
                .allSatisfy((name, size) -> assertThat(size.rewritten()).as(name).isGreaterThan(size.classFile()));
    }
}
