package testbed.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import testbed.corpus.Corpus;
import testbed.corpus.Outcome;

/**
 * Unprotected trials are judged from counts of work, never from a clock: the same trial gives
 * the same record in any runner, and a runaway extension is a hung or crashed simulated kernel
 * inside the trial rather than a dead or stuck host.
 */
@Timeout(300)
class UnprotectedTrialsTest {
    private static final Corpus CORPUS = Corpus.bundled();

    @Test
    void aLoopThatNeverEndsIsHungByTheLockupDetector() {
        try (TrialRunner runner = new TrialRunner(CORPUS)) {
            TrialRecord r = runner.run(TrialId.parse("control/InfiniteLoop~none~NONE~1"));
            assertThat(r.outcome()).isEqualTo(Outcome.HUNG);
            assertThat(r.detail()).contains("lockup detected");
            assertThat(r.unexpected()).isFalse();
        }
    }

    /**
     * Method references to {@code Memory} bypass a confining rewrite, not the metering one: an
     * unprotected class that uses them is still counted, so a loop injected into it is a lockup
     * of the simulated kernel, not a host thread spinning until the worker's backstop fires.
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aLoopInAClassWithMethodReferencesIsHungByTheLockupDetector() {
        try (TrialRunner runner = new TrialRunner(CORPUS)) {
            TrialRecord r = runner.run(TrialId.parse("jvm_escape/MethodReferenceStore~inject-infinite-loop~NONE~7838611770415186808"));
            assertThat(r.outcome()).isEqualTo(Outcome.HUNG);
            assertThat(r.detail()).contains("lockup detected");
        }
    }

    @Test
    void anAllocationBombCrashesTheSimulatedMachineNotTheHost() {
        try (TrialRunner runner = new TrialRunner(CORPUS)) {
            TrialRecord r = runner.run(TrialId.parse("resource/AllocationBomb~none~NONE~1"));
            assertThat(r.outcome()).isEqualTo(Outcome.CRASHED);
            assertThat(r.detail()).contains("out of memory");
        }
    }

    /**
     * A slice of the default campaign's unprotected trials (all but the entries that may leave
     * the JVM's control, a thread or raw memory, except the exit, which switches the simulated
     * machine off), run by two runners in different orders:
     * every record must be the same, and the slice must contain hangs and crashes.
     */
    @Test
    void twoRunsOfTheSameUnprotectedTrialsAgreeOnEveryRecord() {
        List<TrialId> ids = new ArrayList<>();
        List<String> faults = new ArrayList<>(List.of(Faults.none().name()));
        Faults.all().forEach(f -> faults.add(f.name()));
        Campaign plan = Campaign.of(new CampaignSettings("bundled", List.of("NONE"), faults, 0, null, 11, 1),
                CORPUS, Path.of("unused"), List.of());
        for (long n = 0; ids.size() < 400; n++) {
            TrialId id = plan.trial(n);
            if (!id.entry().startsWith("jvm_escape/") || id.entry().equals("jvm_escape/SystemExit")) {
                ids.add(id);
            }
        }
        Map<Outcome, Integer> seen = new EnumMap<>(Outcome.class);
        List<String> first = new ArrayList<>();
        try (TrialRunner runner = new TrialRunner(CORPUS)) {
            for (TrialId id : ids) {
                TrialRecord r = runner.run(id);
                first.add(comparable(r));
                seen.merge(r.outcome(), 1, Integer::sum);
            }
        }
        List<String> second = new ArrayList<>(ids.size());
        try (TrialRunner runner = new TrialRunner(CORPUS)) {
            for (int i = ids.size() - 1; i >= 0; i--) {
                second.add(0, comparable(runner.run(ids.get(i))));
            }
        }
        assertThat(second).containsExactlyElementsOf(first);
        assertThat(seen).as("outcomes of the slice").containsKeys(Outcome.HUNG, Outcome.CRASHED, Outcome.ESCAPED, Outcome.OK);
    }

    private static String comparable(TrialRecord r) {
        return r.id() + " " + r.outcome() + " " + r.trapKind() + " " + r.detail() + " " + r.violations();
    }
}
