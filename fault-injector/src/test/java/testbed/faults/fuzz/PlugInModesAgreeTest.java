package testbed.faults.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.corpus.Outcome;
import testbed.sandbox.Protection;
import testbed.sandbox.Protections;

/**
 * The modes-agree property covers plug-in techniques, by what each says it does with a wild
 * address: one that says it masks must never trap on an address, one that does not mask must
 * stop a program whose trace leaves its segment.
 */
class PlugInModesAgreeTest {
    @TempDir
    static Path dir;
    static Protections techniques;

    @BeforeAll
    static void loadThePlugIns() throws Exception {
        techniques = Protections.loading(List.of(PlugInTechniques.pack(dir.resolve("plug-ins.jar"))));
    }

    @Test
    void aPlugInThatTrapsExactlyWhereTheTraceLeavesBreaksNoModeAgreement() {
        assertThat(modesAgreeFailures("checking", 300)).isEmpty();
    }

    @Test
    void aPlugInThatSaysItMasksButTrapsOnAddressesBreaksModesAgree() {
        assertThat(modesAgreeFailures("says-it-masks", 300)).isNotEmpty()
                .allSatisfy(f -> assertThat(f.site()).startsWith("mask-trapped@"));
    }

    @Test
    void aPlugInThatNeitherMasksNorTrapsBreaksModesAgree() {
        assertThat(modesAgreeFailures("unconfined", 300)).isNotEmpty()
                .allSatisfy(f -> assertThat(f.site()).isEqualTo("no-stop"));
    }

    private static List<PropertyFailure> modesAgreeFailures(String technique, int programs) {
        Protection plugIn = techniques.byName(technique);
        Fuzzer.Result result = new Fuzzer(new FuzzSettings(11, programs, null, List.of(plugIn), 2, ProgramGenerator.DEFAULT_MAX_OPS, false),
                null, null).run(p -> { });
        assertThat(result.records()).as("the plug-in's runs").filteredOn(r -> r.mode().equals(technique))
                .anyMatch(r -> r.outcome() == Outcome.CONTAINED || r.outcome() == Outcome.ESCAPED)
                .anyMatch(r -> r.outcome() == Outcome.OK);
        return result.findings().stream().map(FuzzFinding::failure)
                .filter(f -> f.property() == Property.MODES_AGREE && f.concerns(technique)).toList();
    }
}
