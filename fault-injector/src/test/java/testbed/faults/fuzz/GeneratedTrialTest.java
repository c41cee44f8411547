package testbed.faults.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import testbed.faults.TrialId;
import testbed.faults.TrialRecord;
import testbed.sandbox.Protection;
import testbed.sfi.ProtectionMode;

/** A fuzz run's trial records carry ids that name their program by its seed, and rerunning an id gives the recorded run. */
class GeneratedTrialTest {
    private static final List<Protection> MODES = Protection.of(List.of(ProtectionMode.SFI_MASK, ProtectionMode.SFI_CHECK, ProtectionMode.BOUNDS));

    @Test
    void everyRecordOfAFuzzRunReplaysFromItsIdToTheSameOutcome() {
        Fuzzer.Result result = new Fuzzer(new FuzzSettings(3, 25, null, MODES, 1, 24, false), null, null).run(p -> { });

        assertThat(result.records()).hasSizeGreaterThanOrEqualTo(25 * MODES.size());
        for (TrialRecord r : result.records()) {
            TrialId id = TrialId.parse(r.id());
            assertThat(GeneratedTrial.names(id)).as(r.id()).isTrue();
            GeneratedTrial trial = GeneratedTrial.of(id);
            assertThat(trial.seed()).isEqualTo(r.seed());
            assertThat(trial.maxOps()).isEqualTo(24);
            assertThat(trial.mode()).isEqualTo(r.mode());
            ModeRun again = trial.check(MODES).run(r.mode());
            assertThat(again.outcome()).as(r.id()).isEqualTo(r.outcome());
            assertThat(r.replayCommand()).isEqualTo("./testbed replay " + r.id());
        }
    }

    @Test
    void theDefaultSizeLimitIsLeftOutOfTheIdAndAnyOtherIsKept() {
        GeneratedTrial standard = new GeneratedTrial(42, ProgramGenerator.DEFAULT_MAX_OPS, "BOUNDS");
        GeneratedTrial small = new GeneratedTrial(-7, 24, "SFI_MASK");

        assertThat(standard.id().toString()).isEqualTo("generated/G2A~generated~BOUNDS~42");
        assertThat(small.id().fault()).isEqualTo("generated-ops24");
        assertThat(GeneratedTrial.of(TrialId.parse(standard.id().toString()))).isEqualTo(standard);
        assertThat(GeneratedTrial.of(TrialId.parse(small.id().toString()))).isEqualTo(small);
        assertThat(standard.program().name()).isEqualTo("G2A");
    }

    @Test
    void anIdWhoseEntryIsNotItsSeedsProgramIsRefused() {
        TrialId wrong = TrialId.parse("generated/G2B~generated~BOUNDS~42");
        assertThatThrownBy(() -> GeneratedTrial.of(wrong)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("generated/G2A~generated~BOUNDS~42");
        assertThat(GeneratedTrial.names(TrialId.parse("memory/WildStoreFrameTable~none~NONE~1"))).isFalse();
    }
}
