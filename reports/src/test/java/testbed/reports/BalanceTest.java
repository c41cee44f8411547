package testbed.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import testbed.corpus.Outcome;
import testbed.faults.TrialRecord;

class BalanceTest {
    private static final List<String> MODES = List.of("NONE", "SFI_MASK", "BOUNDS");

    /** Every (entry, fault) pair {@code times} times in every mode. */
    private static List<TrialRecord> everyPairInEveryMode(int times) {
        List<TrialRecord> records = new ArrayList<>();
        for (String entry : List.of("memory/A", "control/B")) {
            for (String fault : List.of("none", "wild-store")) {
                for (String mode : MODES) {
                    for (int seed = 0; seed < times; seed++) {
                        records.add(SampleCampaign.trial(entry, fault, "memory", mode, seed, Outcome.OK, null, ""));
                    }
                }
            }
        }
        return records;
    }

    @Test
    void equalCountsPerPairInEveryModeAreBalanced() {
        Balance balance = Balance.of(MODES, TrialCounts.of(everyPairInEveryMode(2)));

        assertThat(balance.balanced()).isTrue();
        assertThat(balance.pairs()).isEqualTo(4);
        assertThat(balance.trialsPerMode()).containsExactly(
                java.util.Map.entry("NONE", 8), java.util.Map.entry("SFI_MASK", 8), java.util.Map.entry("BOUNDS", 8));
        assertThat(balance.statement()).startsWith("Balanced across modes: each of the 4 (entry, fault) pairs ran twice in every one of the 3 modes");
    }

    @Test
    void aPairMissingFromOneModeUnbalancesTheSampleEvenWhenModeTotalsAgree() {
        List<TrialRecord> records = everyPairInEveryMode(1);
        // swap one BOUNDS trial to another pair: BOUNDS still has 4 trials, but two pairs differ
        records.removeIf(r -> r.mode().equals("BOUNDS") && r.entry().equals("memory/A") && r.fault().equals("none"));
        records.add(SampleCampaign.trial("control/B", "none", "memory", "BOUNDS", 9, Outcome.OK, null, ""));
        Balance balance = Balance.of(MODES, TrialCounts.of(records));

        assertThat(balance.balanced()).isFalse();
        assertThat(balance.unbalancedPairs()).isEqualTo(2);
        assertThat(balance.perPairMin()).isZero();
        assertThat(balance.perPairMax()).isEqualTo(2);
        assertThat(balance.trialsPerMode().get("BOUNDS")).isEqualTo(4);
        assertThat(balance.statement()).startsWith("Not balanced across modes: 2 of 4 (entry, fault) pairs");
    }
}
