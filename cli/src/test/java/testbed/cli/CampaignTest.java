package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.corpus.Corpus;
import testbed.faults.TrialLog;
import testbed.faults.TrialRecord;
import testbed.reports.Provenance;

/** A small campaign end to end: its report, its containment claim, resume and replay. */
class CampaignTest {
    private static final int TRIALS = 240;
    @TempDir
    static Path dir;
    static Path campaign;
    static Cli run;

    @BeforeAll
    static void runCampaign() {
        campaign = dir.resolve("first");
        run = Cli.run("campaign", "--trials", Integer.toString(TRIALS), "--seed", "7", "--out", campaign.toString());
    }

    @Test
    void writesEveryReportFile() throws IOException {
        assertThat(run.exit).as(run.toString()).isZero();
        for (String f : List.of("summary.json", "index.html", "report.md", "junit.xml", "trials.jsonl", "campaign.json")) {
            assertThat(campaign.resolve(f)).as(f).isNotEmptyFile();
        }
        JsonNode summary = new ObjectMapper().readTree(campaign.resolve("summary.json").toFile());
        assertThat(summary.get("trials").asLong()).isEqualTo(TRIALS);
        assertThat(summary.get("byMode").fieldNames()).toIterable().containsExactlyInAnyOrder("NONE", "SFI_MASK", "SFI_CHECK", "BOUNDS", "VERIFIED", "PROCESS");
        assertThat(summary.get("unexpected").asLong()).isZero();
    }

    @Test
    void theReportRecordsTheRunsProvenanceAndItsBalance() throws IOException {
        JsonNode summary = new ObjectMapper().readTree(campaign.resolve("summary.json").toFile());
        JsonNode provenance = summary.get("provenance");
        assertThat(provenance.get("commandLine").asText())
                .startsWith(provenance.get("launcher").asText() + " ")
                .endsWith(" campaign --trials " + TRIALS + " --seed 7 --out " + campaign);
        assertThat(provenance.get("corpusDigest").asText()).isEqualTo(Provenance.digest(Corpus.bundled())).matches("sha256:[0-9a-f]{64}");
        assertThat(provenance.get("gitCommit").asText()).matches("[0-9a-f]{40}|" + Provenance.UNKNOWN);
        assertThat(provenance.get("cores").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(provenance.get("jdk").asText()).contains(System.getProperty("java.runtime.version"));
        assertThat(summary.get("balance").get("trialsPerMode").size()).isEqualTo(6);
        assertThat(Files.readString(campaign.resolve("index.html"))).contains(provenance.get("corpusDigest").asText());
        assertThat(campaign.resolve("charts/shares-per-mode.svg")).isNotEmptyFile();
    }

    @Test
    void unprotectedShowsDamageAndProtectedModesContainIt() throws IOException {
        JsonNode byMode = new ObjectMapper().readTree(campaign.resolve("summary.json").toFile()).get("byMode");
        assertThat(byMode.get("NONE").get("ESCAPED").asLong() + byMode.get("NONE").get("CRASHED").asLong())
                .as("the oracle sees unprotected damage").isPositive();
        for (String mode : List.of("SFI_MASK", "SFI_CHECK", "BOUNDS", "VERIFIED", "PROCESS")) {
            for (String bad : List.of("ESCAPED", "HUNG", "CRASHED")) {
                assertThat(byMode.get(mode).get(bad).asLong()).as("%s %s", mode, bad).isZero();
            }
        }
    }

    @Test
    void aResumedCampaignFinishesTheSamePlan() throws IOException {
        Path cut = dir.resolve("cut");
        Files.createDirectories(cut);
        Files.copy(campaign.resolve("campaign.json"), cut.resolve("campaign.json"));
        List<String> lines = Files.readAllLines(campaign.resolve(TrialLog.FILE_NAME), StandardCharsets.UTF_8);
        // An interrupted campaign: a third of the log, then a line torn mid-write.
        String kept = String.join("\n", lines.subList(0, TRIALS / 3)) + "\n" + lines.get(TRIALS / 3).substring(0, 20);
        Files.writeString(cut.resolve(TrialLog.FILE_NAME), kept, StandardCharsets.UTF_8);

        Cli resumed = Cli.run("campaign", "--resume", cut.toString());

        assertThat(resumed.exit).as(resumed.toString()).isZero();
        assertThat(ids(cut)).isEqualTo(ids(campaign));
        assertThat(TrialLog.read(cut.resolve(TrialLog.FILE_NAME))).hasSize(TRIALS);
    }

    /**
     * Protected trials replay exactly. (An unprotected trial that runs away for about as long as
     * the hang limit may be judged HUNG one time and CRASHED the next: see the README.)
     */
    @Test
    void replayReproducesATrialsOutcome() throws IOException {
        List<TrialRecord> records = TrialLog.read(campaign.resolve(TrialLog.FILE_NAME)).stream()
                .filter(r -> !r.mode().equals("NONE")).sorted(java.util.Comparator.comparing(TrialRecord::id)).toList();
        for (TrialRecord r : List.of(records.get(0), records.get(records.size() / 2), records.get(records.size() - 1))) {
            Cli replay = Cli.run("replay", r.id());
            assertThat(replay.out).as(replay.toString()).contains("outcome   " + r.outcome());
        }
    }

    private static Set<String> ids(Path campaignDir) throws IOException {
        Set<String> ids = new TreeSet<>();
        for (TrialRecord r : TrialLog.read(campaignDir.resolve(TrialLog.FILE_NAME))) {
            ids.add(r.id());
        }
        return ids;
    }
}
