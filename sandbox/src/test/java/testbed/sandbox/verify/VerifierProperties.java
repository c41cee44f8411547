package testbed.sandbox.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Properties over many mutants of valid extensions, with a fresh seed per run (printed on
 * failure: rerun with it to replay). The fuzz test explores further; these run in every build.
 */
class VerifierProperties {
    private static final int MUTANTS = 4000;

    @Test
    void mutatedClassFilesGetAVerdictAndNeverAnotherException() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        Map<Mutations.Kind, Integer> kinds = Mutations.counter();
        Map<Rule, Integer> rules = new EnumMap<>(Rule.class);
        int passed = 0;
        for (int i = 0; i < MUTANTS; i++) {
            byte[] seedClass = Mutations.SEEDS[random.nextInt(Mutations.SEEDS.length)];
            byte[] mutant = Mutations.mutate(seedClass, random::nextInt, kinds);
            try {
                VerifierFuzzTest.judge(Verifier.standard(), mutant);
                Verifier.standard().verify(mutant);
                passed++;
            } catch (Rejection r) {
                rules.merge(r.rule(), 1, Integer::sum);
            } catch (RuntimeException | Error e) {
                throw new AssertionError("seed " + seed + ", mutant " + i + " (" + HexFormat.of().formatHex(mutant)
                        + ") made the verifier throw " + e, e);
            }
        }
        assertThat(kinds.keySet()).as("mutation kinds generated (seed %d)", seed)
                .containsExactlyInAnyOrder(Mutations.Kind.values());
        assertThat(rules).as("verdicts (seed %d)", seed).containsKey(Rule.MALFORMED);
        assertThat(passed + rules.size()).as("mutants that are not simply malformed (seed %d)", seed).isGreaterThan(1);
    }

    @Test
    void theSameBytesAlwaysGetTheSameVerdict() {
        Random random = new Random();
        for (int i = 0; i < 200; i++) {
            byte[] mutant = Mutations.mutate(Mutations.SEEDS[i % Mutations.SEEDS.length], random::nextInt, null);
            assertThat(verdict(mutant)).isEqualTo(verdict(mutant.clone()));
        }
    }

    private static String verdict(byte[] bytes) {
        try {
            return Verifier.standard().verify(bytes).toString();
        } catch (Rejection r) {
            return r.getMessage();
        }
    }
}
