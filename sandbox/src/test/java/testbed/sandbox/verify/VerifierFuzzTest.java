package testbed.sandbox.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzing: whatever the bytes, the verifier answers with a verdict, a {@link VerifiedClass} or a
 * {@link Rejection}, and never with another exception (from ASM, from the verifier itself) or an
 * error. Saved crashes in {@code VerifierFuzzTestInputs/} are replayed by every build; to fuzz:
 * {@code JAZZER_FUZZ=1 mvn test -pl sandbox -Dtest=VerifierFuzzTest -Djazzer.max_duration=60s}.
 */
class VerifierFuzzTest {

    @FuzzTest
    void verifierNeverThrowsAnythingButRejection(FuzzedDataProvider data) {
        byte[] input;
        if (data.consumeInt(0, 3) == 3) {
            input = data.consumeRemainingAsBytes();
        } else {
            byte[] seed = Mutations.SEEDS[data.consumeInt(0, Mutations.SEEDS.length - 1)];
            input = Mutations.mutate(seed, bound -> data.consumeInt(0, bound - 1), null);
        }
        judge(Verifier.standard(), input);
    }

    /** Runs both entry points; anything but a verdict propagates and fails the run. */
    static void judge(Verifier verifier, byte[] input) {
        try {
            VerifiedClass v = verifier.verify(input);
            assertThat(v.className()).isNotEmpty();
            assertThat(v.verified()).isTrue();
        } catch (Rejection r) {
            assertThat(r.getMessage()).startsWith("rejected [" + r.rule() + "] " + r.className());
            assertThat(r.methodName().isPresent() || r.instruction() < 0).isTrue();
        }
        try {
            verifier.inspect(input);
        } catch (Rejection r) {
            assertThat(r.rule()).isIn(Rule.MALFORMED, Rule.TOO_LARGE, Rule.SHAPE);
        }
    }
}
