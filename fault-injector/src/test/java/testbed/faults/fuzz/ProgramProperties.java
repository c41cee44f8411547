package testbed.faults.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import testbed.program.Program;
import testbed.program.ProgramText;
import testbed.sandbox.Protection;
import testbed.sfi.ProtectionMode;

/**
 * The fuzzer's properties as Jazzer fuzz tests: coverage guidance steers the generator's choices
 * toward new paths in the verifier, the rewriter and the kernel. In {@code mvn verify} each runs
 * its saved inputs only; fuzz one for real with
 * {@code JAZZER_FUZZ=1 mvn -pl fault-injector test -Dtest=ProgramProperties#containment -Djazzer.max_duration=60s}.
 */
class ProgramProperties {
    private static final ProgramGenerator GENERATOR = ProgramGenerator.over(Layout.defaults());
    private static ProgramTrials trials;

    private static ProgramVerdict check(FuzzedDataProvider data) {
        if (trials == null) {
            trials = new ProgramTrials(Protection.of(List.of(ProtectionMode.SFI_MASK, ProtectionMode.SFI_CHECK, ProtectionMode.BOUNDS)));
        }
        long seed = data.consumeLong();
        Program program = GENERATOR.generate(new FuzzedChoices(data), "F");
        return trials.check(program, seed);
    }

    private static void assertHolds(ProgramVerdict v, Property property) {
        assertThat(v.failures().stream().filter(f -> f.property() == property).toList())
                .as("%s for%n%s", property, ProgramText.print(v.program()))
                .isEmpty();
    }

    @FuzzTest(maxDuration = "60s")
    void containment(FuzzedDataProvider data) {
        assertHolds(check(data), Property.CONTAINMENT);
    }

    @FuzzTest(maxDuration = "60s")
    void transparency(FuzzedDataProvider data) {
        assertHolds(check(data), Property.TRANSPARENCY);
    }

    @FuzzTest(maxDuration = "60s")
    void oracleSensitivity(FuzzedDataProvider data) {
        assertHolds(check(data), Property.ORACLE_SENSITIVITY);
    }

    @FuzzTest(maxDuration = "60s")
    void modesAgree(FuzzedDataProvider data) {
        assertHolds(check(data), Property.MODES_AGREE);
    }

    @FuzzTest(maxDuration = "60s")
    void abortRestores(FuzzedDataProvider data) {
        assertHolds(check(data), Property.ABORT_RESTORES);
    }

    @AfterAll
    static void close() {
        if (trials != null) {
            trials.close();
            trials = null;
        }
    }
}
