package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.faults.TrialLog;
import testbed.faults.TrialRecord;

/**
 * The campaign in the user's environment: its output directory shared, on a full disk, under
 * {@code /proc}, a file where it should be a directory; flags that contradict each other; the
 * default place of its output.
 */
class CampaignEnvironmentTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A benign program whose metadata claims it escapes: every trial of it is a finding. */
    private static final String CLAIMS_TO_ESCAPE = """
            # threat: a benign program whose metadata claims it escapes: every trial of it is a finding
            # seed: 1
            # verdict: none
            # expect: NONE=OK
            # otherwise: ESCAPED
            program ClaimsToEscape
            r0 = 0
            """;

    @TempDir
    Path dir;

    private static void assertOneLineUsageError(Cli cli, String... phrases) {
        assertThat(cli.exit).as(cli.toString()).isEqualTo(Testbed.USAGE);
        assertThat(cli.err.strip().lines().count()).as(cli.toString()).isEqualTo(1);
        assertThat(cli.err).as(cli.toString()).contains(phrases).doesNotContain("\tat ", "internal error", "Exception");
    }

    @Test
    void twoCampaignsStartedIntoOneDirectoryAtOnceDoNotInterleave() throws Exception {
        Path out = dir.resolve("shared");
        String[] args = {"campaign", "--trials", "20", "--modes", "SFI_MASK", "--out", out.toString()};
        CompletableFuture<Cli> one = CompletableFuture.supplyAsync(() -> Cli.run(args));
        CompletableFuture<Cli> two = CompletableFuture.supplyAsync(() -> Cli.run(args));
        List<Cli> runs = List.of(one.get(), two.get());

        assertThat(runs).extracting(c -> c.exit).as(runs.toString()).containsExactlyInAnyOrder(0, Testbed.USAGE);
        Cli refused = runs.stream().filter(c -> c.exit == Testbed.USAGE).findFirst().orElseThrow();
        assertOneLineUsageError(refused, out.toString());
        assertThat(refused.err).containsAnyOf("in use by another campaign", "already holds a campaign");
        List<TrialRecord> records = TrialLog.read(out.resolve(TrialLog.FILE_NAME));
        Set<String> ids = new HashSet<>();
        records.forEach(r -> ids.add(r.id()));
        assertThat(records).hasSize(20);
        assertThat(ids).hasSize(20);

        // Resuming the finished campaign re-renders its report and adds no time to it.
        String elapsed = JSON.readTree(out.resolve(CampaignFile.NAME).toFile()).get("elapsed").asText();
        Cli resumed = Cli.run("campaign", "--resume", out.toString());
        assertThat(resumed.exit).as(resumed.toString()).isZero();
        assertThat(JSON.readTree(out.resolve(CampaignFile.NAME).toFile()).get("elapsed").asText()).isEqualTo(elapsed);
        assertThat(TrialLog.read(out.resolve(TrialLog.FILE_NAME))).hasSize(20);
    }

    @Test
    void outAndResumeTogetherAreRefusedRatherThanOneIgnored() {
        Cli cli = Cli.run("campaign", "--resume", dir.toString(), "--out", dir.resolve("elsewhere").toString());
        assertOneLineUsageError(cli, "--resume", "drop --out");
        Cli trials = Cli.run("campaign", "--resume", dir.toString(), "--trials", "10");
        assertOneLineUsageError(trials, "drop --trials");
    }

    @Test
    void anOutputUnderProcIsOneLineAndExitTwo() {
        assertOneLineUsageError(Cli.run("campaign", "--trials", "5", "--out", "/proc/testbed-campaign-" + ProcessHandle.current().pid()),
                "/proc/testbed-campaign-", "--out");
    }

    @Test
    void aFileWhereTheOutputDirectoryShouldBeIsOneLineAndExitTwo() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.txt"), "not a directory");
        assertOneLineUsageError(Cli.run("campaign", "--trials", "5", "--out", file.toString()), "is a file where a directory should be");
        assertThat(file).hasContent("not a directory");
        assertOneLineUsageError(Cli.run("campaign", "--trials", "5", "--out", file.resolve("below").toString()),
                "is a file where a directory should be");
    }

    /** {@code /dev/full} answers every write with "no space left on device", as a full disk does. */
    @Test
    void aFullDiskIsOneLineThatSaysWhatToFix() throws IOException {
        Path out = Files.createDirectories(dir.resolve("full"));
        // campaign.json is written beside its name, then moved into place: the first write of a campaign.
        Files.createSymbolicLink(out.resolve(CampaignFile.NAME + ".partial"), Path.of("/dev/full"));
        assertOneLineUsageError(Cli.run("campaign", "--trials", "5", "--out", out.toString()), "is full", "free some space");
    }

    @Test
    void aFaultOrModeNamedTwiceRunsOnce() throws IOException {
        Path out = dir.resolve("twice");
        Cli cli = Cli.run("campaign", "--trials", "4", "--faults", "none,none", "--modes", "SFI_MASK,SFI_MASK", "--out", out.toString());
        assertThat(cli.exit).as(cli.toString()).isZero();
        JsonNode settings = JSON.readTree(out.resolve(CampaignFile.NAME).toFile());
        assertThat(settings.get("faults").toString()).isEqualTo("[\"none\"]");
        assertThat(settings.get("modes").toString()).isEqualTo("[\"SFI_MASK\"]");
        assertThat(cli.out).contains("x 1 fault kinds x 1 modes");
    }

    @Test
    void campaignOutputGoesToTestbedOutByDefaultNotIntoTheReportsModule() throws IOException {
        Path parent = CampaignCommand.OUTPUT;
        boolean existed = Files.exists(parent);
        Cli cli = Cli.run("campaign", "--trials", "2", "--faults", "none", "--modes", "SFI_MASK");
        try {
            assertThat(cli.exit).as(cli.toString()).isZero();
            String line = cli.out.lines().filter(l -> l.startsWith("campaign: ")).findFirst().orElseThrow();
            Path out = Path.of(line.substring(line.indexOf(" -> ") + 4));
            assertThat(out.toString()).startsWith("testbed-out" + java.io.File.separator + "campaign-");
            assertThat(out.resolve(TrialLog.FILE_NAME)).isNotEmptyFile();
            assertThat(out.toAbsolutePath().normalize().toString()).doesNotContain(java.io.File.separator + "reports" + java.io.File.separator);
            assertThat(Files.readSymbolicLink(parent.resolve(CampaignCommand.LATEST))).isEqualTo(out.getFileName());
        } finally {
            if (!existed) {
                deleteTree(parent);
            }
        }
    }

    /**
     * A finding's {@code replay.txt} names the launcher and the corpus by absolute path, as the
     * report does, so it replays from any directory; the command it names does replay the trial.
     */
    @Test
    void replayTxtNamesTheCorpusAndTheLauncherAsTheReportDoes() throws IOException {
        Path corpus = Files.createDirectories(dir.resolve("corpus"));
        Files.writeString(corpus.resolve("ClaimsToEscape.program"), CLAIMS_TO_ESCAPE);
        Path out = dir.resolve("finding");
        Cli cli = Cli.run("campaign", "--corpus", corpus.toString(), "--faults", "none", "--modes", "SFI_MASK", "--trials", "1",
                "--out", out.toString());
        assertThat(cli.exit).as(cli.toString()).isEqualTo(Testbed.UNEXPECTED);
        List<Path> replays;
        try (Stream<Path> walk = Files.walk(out.resolve("findings"))) {
            replays = walk.filter(p -> p.getFileName().toString().equals("replay.txt")).toList();
        }
        assertThat(replays).hasSize(1);
        TrialRecord finding = TrialLog.read(out.resolve(TrialLog.FILE_NAME)).get(0);
        String launcher = JSON.readTree(out.resolve("summary.json").toFile()).get("provenance").get("launcher").asText();
        String command = Files.readString(replays.get(0)).strip();
        assertThat(command).isEqualTo(launcher + " replay --corpus " + corpus.toAbsolutePath().normalize() + " " + finding.id());

        List<String> words = new ArrayList<>(List.of(command.substring(launcher.length() + 1).split(" ")));
        Cli replay = Cli.run(words.toArray(String[]::new));
        assertThat(replay.out).as(replay.toString()).contains("outcome   OK (expected ESCAPED)  UNEXPECTED");
    }

    /**
     * An output that refuses a write halfway through (here a file standing where a finding's
     * folder goes) ends the campaign with one line that says what to fix and that --resume goes
     * on; the trials recorded before stay whole, and the resume finishes the campaign.
     */
    @Test
    void aWriteRefusedMidwayKeepsWhatWasWrittenAndTheResumeFinishes() throws IOException {
        Path corpus = Files.createDirectories(dir.resolve("corpus"));
        Files.writeString(corpus.resolve("ClaimsToEscape.program"), CLAIMS_TO_ESCAPE);
        String[] settings = {"--corpus", corpus.toString(), "--faults", "none", "--modes", "SFI_MASK,SFI_CHECK", "--trials", "2"};
        Path first = dir.resolve("first");
        assertThat(Cli.run(concat(settings, "--out", first.toString())).exit).isEqualTo(Testbed.UNEXPECTED);
        List<Path> folders;
        try (Stream<Path> list = Files.list(first.resolve("findings"))) {
            folders = list.sorted().toList();
        }
        assertThat(folders).hasSize(2);

        Path second = dir.resolve("second");
        Path blocked = Files.createDirectories(second.resolve("findings")).resolve(folders.get(1).getFileName());
        Files.writeString(blocked, "in the way");
        Cli refused = Cli.run(concat(settings, "--out", second.toString()));
        assertOneLineUsageError(refused, "is a file where a directory should be", "--resume " + second);
        List<TrialRecord> kept = TrialLog.read(second.resolve(TrialLog.FILE_NAME));
        assertThat(kept).isNotEmpty().hasSizeLessThanOrEqualTo(2);

        Files.delete(blocked);
        Cli resumed = Cli.run("campaign", "--resume", second.toString());
        assertThat(resumed.exit).as(resumed.toString()).isEqualTo(Testbed.UNEXPECTED);
        assertThat(TrialLog.read(second.resolve(TrialLog.FILE_NAME))).extracting(TrialRecord::id)
                .containsExactlyInAnyOrderElementsOf(TrialLog.read(first.resolve(TrialLog.FILE_NAME)).stream().map(TrialRecord::id).toList());
        for (Path folder : folders) {
            assertThat(second.resolve("findings").resolve(folder.getFileName()).resolve("replay.txt")).isNotEmptyFile();
        }
    }

    private static String[] concat(String[] settings, String... more) {
        List<String> all = new ArrayList<>(List.of("campaign"));
        all.addAll(List.of(settings));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
