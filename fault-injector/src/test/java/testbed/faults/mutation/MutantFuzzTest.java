package testbed.faults.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import testbed.corpus.CorpusEntry;

/**
 * Any bytecode fault with any seed on any corpus entry gives either the unchanged class or a
 * mutant the JVM verifies. Runs the saved inputs by default; fuzz it with
 * {@code JAZZER_FUZZ=1 mvn test -Dtest=MutantFuzzTest -Djazzer.max_duration=60s}.
 */
class MutantFuzzTest {

    @FuzzTest
    void anyKindAnySeedAnyEntryGivesAClassTheJvmVerifies(FuzzedDataProvider data) {
        BytecodeFault kind = data.pickValue(Mutants.KINDS);
        CorpusEntry entry = data.pickValue(Mutants.CORPUS);
        long seed = data.consumeLong();
        Mutant m = kind.mutate(entry.classBytes(), seed);
        if (m.mutated()) {
            try {
                Mutants.link(entry.className(), m.classBytes());
            } catch (LinkageError e) {
                throw new AssertionError(kind.name() + " on " + entry + ", seed " + seed + ": " + m + ": " + e, e);
            }
        } else {
            assertThat(m.classBytes()).isEqualTo(entry.classBytes());
        }
    }
}
