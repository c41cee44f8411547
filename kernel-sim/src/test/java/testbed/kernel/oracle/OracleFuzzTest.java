package testbed.kernel.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer: the fuzzer chooses the stores (how many, where, how wide); the oracle must flag exactly
 * the pages outside the segment. Replays saved inputs by default; fuzz with
 * {@code JAZZER_FUZZ=1 mvn test -Dtest=OracleFuzzTest -Djazzer.max_duration=60s}.
 */
class OracleFuzzTest {
    private static final WildStoreTrial TRIAL = new WildStoreTrial();

    @FuzzTest(maxDuration = "60s")
    void oracleFlagsExactlyTheStoresThatLeaveTheSegment(FuzzedDataProvider data) {
        WildStoreTrial.Result r = TRIAL.run(new WildStoreTrial.Choices() {
            @Override
            public int pick(int bound) {
                return data.consumeInt(0, bound - 1);
            }

            @Override
            public long anyLong() {
                return data.consumeLong();
            }
        });
        assertThat(r.flagged()).as("%s%n%s", r.stores(), r.verdict()).isEqualTo(r.expected());
        if (r.expected().isEmpty()) {
            assertThat(r.verdict().isClean()).as("%s%n%s", r.stores(), r.verdict()).isTrue();
        }
    }
}
