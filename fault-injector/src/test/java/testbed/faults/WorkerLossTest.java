package testbed.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.corpus.Corpus;
import testbed.corpus.CorpusEntry;
import testbed.corpus.Outcome;

/**
 * Faults of the host are not faults of the extension: a worker killed from outside (as the
 * out-of-memory killer or an operator's {@code kill -9} would) while it runs protected trials
 * costs those trials a rerun, never a {@code CRASHED} record or a finding.
 */
class WorkerLossTest {
    private static final Corpus CORPUS = Corpus.bundled();

    @TempDir
    Path out;

    @Test
    void aWorkerKilledFromOutsideDuringProtectedTrialsIsAnInfrastructureFailureAndItsTrialRunsAgain() throws Exception {
        List<TrialId> plan = new ArrayList<>();
        for (CorpusEntry e : CORPUS.entries().subList(0, 40)) {
            plan.add(new TrialId(e.name(), "none", "SFI_CHECK", 0));
        }
        Campaign campaign = Campaign.of(plan, CORPUS, out, List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), 1);
        AtomicBoolean killed = new AtomicBoolean();
        Campaign.Result result = campaign.run(p -> {
            // Past the first answers the worker always has trials in flight (they are sent ahead).
            if (p.done() == 10 && killed.compareAndSet(false, true)) {
                ProcessHandle.current().children()
                        .filter(h -> h.info().commandLine().orElse("").contains(Worker.class.getName()))
                        .forEach(ProcessHandle::destroyForcibly);
            }
        });

        assertThat(killed).isTrue();
        assertThat(result.records()).extracting(TrialRecord::id).containsExactlyInAnyOrderElementsOf(plan.stream().map(TrialId::toString).toList());
        assertThat(result.records()).as("no trial is blamed for the kill").noneMatch(r -> r.outcome() == Outcome.CRASHED);
        assertThat(result.records()).noneMatch(TrialRecord::unexpected);
        assertThat(result.findings()).isEmpty();
        assertThat(result.infrastructure()).as("the kill is recorded as what it was").isNotEmpty()
                .allSatisfy(f -> {
                    assertThat(f.rerun()).isTrue();
                    assertThat(f.reason()).contains("exit status 137");
                });
        assertThat(out.resolve(InfrastructureFailure.FILE_NAME)).isNotEmptyFile();
    }
}
