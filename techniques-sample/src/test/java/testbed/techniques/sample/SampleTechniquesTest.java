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
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import testbed.cli.Testbed;
import testbed.corpus.Corpus;
import testbed.corpus.Outcome;
import testbed.faults.FindingFolder;
import testbed.faults.TrialId;
import testbed.faults.TrialLog;
import testbed.faults.TrialRecord;
import testbed.faults.fuzz.FuzzFinding;
import testbed.faults.fuzz.FuzzSettings;
import testbed.faults.fuzz.Fuzzer;
import testbed.faults.fuzz.ProgramGenerator;
import testbed.kernel.DomainSpec;
import testbed.kernel.Kernel;
import testbed.kernel.KernelConfig;
import testbed.kernel.api.PacketFilter;
import testbed.sandbox.Budget;
import testbed.sandbox.FaultDomain;
import testbed.sandbox.Protection;
import testbed.sandbox.Protections;
import testbed.sandbox.Sandbox;
import testbed.sfi.ProtectionMode;

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
        // Each finding's replay.txt names the jar too, and replays as it is: the escape again (exit code 1).
        List<Path> replays;
        try (Stream<Path> folders = Files.list(b.resolve(FindingFolder.DIRECTORY))) {
            replays = folders.map(f -> f.resolve(FindingFolder.REPLAY)).sorted().toList();
        }
        assertThat(replays).isNotEmpty();
        for (Path r : replays) {
            assertThat(Files.readString(r)).contains("replay --technique-jar " + jar.toAbsolutePath().normalize() + " ");
        }
        assertThat(run(argumentsOf(Files.readString(replays.get(0)).strip()))).isEqualTo(1);

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

    @Test
    void aTechniqueThatNeedsAProcessRunsInTheExtensionProcessAndIsJudgedLikeProcess() throws Exception {
        Protection addressSpace = Protections.loading(List.of(jar)).byName("address-space");
        assertThat(addressSpace.pipeline()).isEqualTo(ProtectionMode.PROCESS);
        assertThat(addressSpace.expectationsOf()).isEqualTo(ProtectionMode.PROCESS.name());
        byte[] echo = Corpus.bundled().entry("benign/EchoPacketFilter").classBytes();
        Kernel kernel = Kernel.boot(KernelConfig.defaults());
        try (Sandbox sandbox = Sandbox.on(kernel, addressSpace, Budget.standard())) {
            FaultDomain domain = sandbox.load("echo", echo, DomainSpec.segment(64 << 10).allowAll());
            assertThat(domain.mode()).isEqualTo(ProtectionMode.PROCESS);
            // The extension's class is defined only in the process; the kernel attaches the hook table's stub of it.
            assertThat(domain.extension()).as("the kernel holds a stub of the extension process's instance")
                    .isInstanceOf(PacketFilter.class).hasToString("remote extension #0 of echo");
            assertThat(domain.extension().getClass().getName()).isNotEqualTo(Corpus.bundled().entry("benign/EchoPacketFilter").className());
        }

        // Its rewrite confines nothing, so what keeps the wild accesses out of the kernel's memory (they
        // escape under NONE) is the process; every trial comes out as the same trial under PROCESS.
        Path out = dir.resolve("campaign-address-space");
        assertThat(run("campaign", "--technique-jar", jar.toString(), "--modes", "NONE,PROCESS,address-space", "--trials", "300",
                "--out", out.toString())).isZero();
        List<TrialRecord> records = TrialLog.read(out.resolve(TrialLog.FILE_NAME));
        assertThat(records).filteredOn(r -> r.mode().equals("NONE") && r.outcome() == Outcome.ESCAPED).isNotEmpty();
        Map<String, TrialRecord> process = records.stream().filter(r -> r.mode().equals("PROCESS"))
                .collect(Collectors.toMap(SampleTechniquesTest::sameTrial, r -> r));
        List<TrialRecord> mine = records.stream().filter(r -> r.mode().equals("address-space")).toList();
        assertThat(mine).hasSize(100).noneMatch(r -> r.outcome() == Outcome.ESCAPED)
                .anyMatch(r -> r.family().equals("memory") && r.outcome() == Outcome.CONTAINED);
        for (TrialRecord r : mine) {
            TrialRecord p = process.get(sameTrial(r));
            assertThat(p).as(r.id()).isNotNull();
            assertThat(List.of(r.outcome(), String.valueOf(r.expected()), r.unexpected()))
                    .as(r.id()).isEqualTo(List.of(p.outcome(), String.valueOf(p.expected()), p.unexpected()));
        }
        assertThat(run("replay", "--technique-jar", jar.toString(), mine.get(0).id())).isZero();

        // The overhead benchmarks call an extension directly, which a child process's cannot be.
        StringWriter err = new StringWriter();
        int exit = Testbed.run(new String[] {"bench", "--technique-jar", jar.toString(), "--modes", "address-space", "--passes", "copy",
                "--out", dir.resolve("bench-address-space").toString()}, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        assertThat(exit).as(err.toString()).isEqualTo(2);
        assertThat(err.toString().strip()).doesNotContain("\n").contains("'address-space' runs its extensions in a child process");
    }

    @Test
    void aShortBenchPutsThePlugInBesideTheBuiltInModesInTheOverheadReport() throws IOException {
        Path out = dir.resolve("bench");
        assertThat(run("bench", "--quick", "--technique-jar", jar.toString(), "--modes", "SFI_MASK,mask", "--passes", "copy",
                "--out", out.toString())).isZero();

        JsonNode bench = JsonMapper.builder().build().readTree(out.resolve("bench.json").toFile());
        assertThat(bench.at("/settings/modes").asText()).isEqualTo("NONE, SFI_MASK, mask");
        JsonNode copy = bench.at("/ratios/workloads/copy");
        for (String variant : List.of("NONE", "SFI_MASK", "SFI_MASK+fuel", "mask", "mask+fuel")) {
            assertThat(copy.at("/" + variant + "/ratio").asDouble()).as(variant).isPositive();
        }
        assertThat(copy.at("/NONE/ratio").asDouble()).isEqualTo(1.0);
        assertThat(bench.at("/ratios/techniques/mask/workloads").asInt()).isEqualTo(1);
        assertThat(Files.readString(out.resolve("overhead.md"))).contains("## Plug-in techniques").contains("| mask | ")
                .contains("| mask+fuel | ").contains("| SFI_MASK | ");
        assertThat(Files.readString(out.resolve("overhead.html"))).contains("<th>mask</th>");
    }

    /** A trial's entry, fault and seed: the same trial in another mode. */
    private static String sameTrial(TrialRecord r) {
        TrialId id = TrialId.parse(r.id());
        return id.entry() + "~" + id.fault() + "~" + id.seed();
    }

    /** The tool's arguments in a replay command: what follows its launcher, one shell word each. */
    private static String[] argumentsOf(String command) {
        String arguments = command.substring(command.indexOf(" replay ") + 1);
        return java.util.Arrays.stream(arguments.split(" "))
                .map(w -> w.startsWith("'") && w.endsWith("'") ? w.substring(1, w.length() - 1) : w).toArray(String[]::new);
    }

    private static int run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Testbed.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(err.toString()).as(String.join(" ", args) + "\n" + out).doesNotContain("\tat ").doesNotContain("internal error");
        return exit;
    }
}
