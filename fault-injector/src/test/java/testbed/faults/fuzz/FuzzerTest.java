package testbed.faults.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.corpus.Outcome;
import testbed.faults.TrialRecord;
import testbed.sandbox.Protection;
import testbed.sfi.ProtectionMode;

/** Every property over a seeded batch of generated programs, as {@code ./testbed fuzz} checks them. */
class FuzzerTest {
    private static final List<Protection> MODES = Protection.of(List.of(ProtectionMode.SFI_MASK, ProtectionMode.SFI_CHECK, ProtectionMode.BOUNDS));

    @Test
    void everyPropertyHoldsOnASeededBatchThatReachesEveryOutcomeThatMatters(@TempDir Path out) {
        Fuzzer.Result result = new Fuzzer(new FuzzSettings(1, 600, null, MODES, 2, ProgramGenerator.DEFAULT_MAX_OPS, true), out, null)
                .run(p -> { });

        assertThat(result.programs()).isEqualTo(600);
        assertThat(result.findings()).as("property failures").isEmpty();
        Map<String, Map<Outcome, Long>> byMode = result.records().stream().collect(Collectors.groupingBy(TrialRecord::mode,
                Collectors.groupingBy(TrialRecord::outcome, Collectors.counting())));
        // The batch must be able to show a failure: unprotected programs really damage the kernel,
        // protected ones really trap, and benign ones really run to the end everywhere.
        assertThat(byMode.get("NONE")).containsKeys(Outcome.ESCAPED, Outcome.OK);
        assertThat(byMode.get("SFI_CHECK")).containsKeys(Outcome.CONTAINED, Outcome.OK);
        assertThat(byMode.get("BOUNDS")).containsKeys(Outcome.CONTAINED, Outcome.OK);
        assertThat(byMode.get("SFI_MASK")).containsKeys(Outcome.OK);
        assertThat(result.stats().missing()).as("generated kinds never seen").isEmpty();
    }

    @Test
    void aRunIsAFunctionOfItsSeedWhateverTheThreadCount() {
        List<String> one = outcomes(new Fuzzer(new FuzzSettings(7, 60, null, MODES, 1, 24, false), null, null).run(p -> { }));
        List<String> two = outcomes(new Fuzzer(new FuzzSettings(7, 60, null, MODES, 2, 24, false), null, null).run(p -> { }));
        List<String> other = outcomes(new Fuzzer(new FuzzSettings(8, 60, null, MODES, 2, 24, false), null, null).run(p -> { }));

        assertThat(two).isEqualTo(one);
        assertThat(other).isNotEqualTo(one);
    }

    private static List<String> outcomes(Fuzzer.Result r) {
        return r.records().stream().map(t -> t.id() + " " + t.outcome() + " " + t.trapKind() + " " + t.violations()).toList();
    }
}
