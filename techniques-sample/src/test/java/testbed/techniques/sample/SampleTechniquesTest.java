package testbed.techniques.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.cli.Testbed;
import testbed.corpus.Outcome;
import testbed.faults.TrialLog;
import testbed.faults.TrialRecord;
import testbed.faults.fuzz.FuzzFinding;
import testbed.faults.fuzz.FuzzSettings;
import testbed.faults.fuzz.Fuzzer;
import testbed.faults.fuzz.ProgramGenerator;
import testbed.sandbox.Protections;

/**
 * The sample techniques through the tool, as a user runs them: this module's classes in a jar
 * passed with {@code --technique-jar}, never on the tool's class path. The weaker technique
 * ({@code store-mask}) is caught with escapes by the campaign, {@code corpus check} and the
 * fuzzer; the correct one ({@code mask}) comes out clean; and {@code compare} fails the change
 * from one to the other.
 */
class SampleTechniquesTest {
    @TempDir
    static Path dir;
    static Path jar;

    @BeforeAll
    static void packTheSampleJar() throws IOException {
        Path classes = Path.of(AddressMask.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        jar = dir.resolve("techniques-sample.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
        }
    }

    @Test
    void aCampaignCatchesTheWeakTechniqueAndCompareGatesOnIt() throws IOException {
        Path a = dir.resolve("campaign-mask");
        Path b = dir.resolve("campaign-both");
        assertThat(run("campaign", "--technique-jar", jar.toString(), "--modes", "mask", "--trials", "150", "--out", a.toString()))
                .isZero();
        assertThat(run("campaign", "--technique-jar", jar.toString(), "--modes", "mask,store-mask", "--trials", "300",
                "--out", b.toString())).isEqualTo(1);

        Map<String, Map<Outcome, Long>> byMode = TrialLog.read(b.resolve(TrialLog.FILE_NAME)).stream()
                .filter(TrialRecord::unexpected)
                .collect(Collectors.groupingBy(TrialRecord::mode, Collectors.groupingBy(TrialRecord::outcome, Collectors.counting())));
        assertThat(byMode).containsOnlyKeys("store-mask");
        assertThat(byMode.get("store-mask")).containsOnlyKeys(Outcome.ESCAPED);
        assertThat(Files.readString(b.resolve("findings.sarif"))).contains("\"mode\" : \"store-mask\"").doesNotContain("\"mode\" : \"mask\"");
        assertThat(Files.readString(b.resolve("report.md"))).contains("| store-mask |")
                .contains("replay --technique-jar " + jar.toAbsolutePath().normalize());

        StringWriter out = new StringWriter();
        int exit = Testbed.run(new String[] {"compare", a.toString(), b.toString(), "--out", dir.resolve("cmp").toString()},
                new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        assertThat(exit).as(out.toString()).isEqualTo(1);
        // the mask trials are the same trials in both runs (same ids) and replay to the same outcomes
        assertThat(out.toString()).contains("150 trials in both, 0 changed outcome").contains("new      ESCAPED|store-mask|");
        assertThat(dir.resolve("cmp").resolve("compare.html")).exists();
    }

    @Test
    void corpusCheckPassesTheCorrectTechniqueAndFailsTheWeakOne() {
        assertThat(run("corpus", "check", "--technique-jar", jar.toString(), "--modes", "mask")).isZero();
        assertThat(run("corpus", "check", "--technique-jar", jar.toString(), "--modes", "store-mask")).isEqualTo(1);
    }

    @Test
    void theFuzzerFindsTheWeakTechniquesEscapesAndNothingInTheCorrectOne() throws Exception {
        Protections techniques = Protections.loading(List.of(jar));
        FuzzSettings settings = new FuzzSettings(5, 400, null, List.of(techniques.byName("mask"), techniques.byName("store-mask")), 2,
                ProgramGenerator.DEFAULT_MAX_OPS, false);
        Fuzzer.Result result = new Fuzzer(settings, null, null).run(p -> { });

        List<String> broken = result.findings().stream().map(f -> f.failure().mode()).distinct().toList();
        assertThat(broken).containsExactly("store-mask");
        assertThat(result.findings()).map(FuzzFinding::failure).map(f -> f.property().name()).contains("CONTAINMENT");
        assertThat(result.records()).filteredOn(r -> r.mode().equals("store-mask") && r.outcome() == Outcome.ESCAPED).isNotEmpty();
        assertThat(result.records()).filteredOn(r -> r.mode().equals("mask")).hasSize(400)
                .noneMatch(r -> r.outcome() == Outcome.ESCAPED || r.outcome() == Outcome.HUNG || r.outcome() == Outcome.CRASHED);
    }

    private static int run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Testbed.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(err.toString()).as(String.join(" ", args) + "\n" + out).doesNotContain("\tat ").doesNotContain("internal error");
        return exit;
    }
}
