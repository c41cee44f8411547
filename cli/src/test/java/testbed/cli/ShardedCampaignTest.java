package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.faults.Shard;
import testbed.faults.TrialLog;

/** A campaign run as three shards and merged gives the report the same campaign gives on one machine. */
class ShardedCampaignTest {
    private static final int TRIALS = 180;
    private static final int SHARDS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static Path single;
    static Path shards;

    @BeforeAll
    static void runOnOneMachineAndAsShards() {
        single = dir.resolve("single");
        Cli whole = Cli.run("campaign", "--trials", Integer.toString(TRIALS), "--seed", "11", "--out", single.toString());
        assertThat(whole.exit).as(whole.toString()).isZero();
        shards = dir.resolve("shards");
        for (int i = 0; i < SHARDS; i++) {
            Cli part = Cli.run("campaign", "--trials", Integer.toString(TRIALS), "--seed", "11", "--workers", "1",
                    "--shard", i + "/" + SHARDS, "--out", shards.toString());
            assertThat(part.exit).as(part.toString()).isZero();
            assertThat(part.out).contains("(shard " + i + "/" + SHARDS + ": 60 of them)");
        }
    }

    @Test
    void theMergedShardsReportWhatTheCampaignOnOneMachineReports() throws IOException {
        Path merged = dir.resolve("merged");
        Cli merge = Cli.run("merge", merged.toString(), shards.toString());

        assertThat(merge.exit).as(merge.toString()).isZero();
        assertThat(merge.out).contains("merged 3 shards of 3: " + TRIALS + " trials")
                .contains("3 shards taken from their " + testbed.reports.CountsFile.FILE_NAME); // each shard counted its own log
        for (String f : List.of("summary.json", "index.html", "report.md", "junit.xml", "trials.jsonl", "campaign.json", "charts/shares-per-mode.svg")) {
            assertThat(merged.resolve(f)).as(f).isNotEmptyFile();
        }
        assertThat(SameCampaign.comparable(merged)).isEqualTo(SameCampaign.comparable(single));
        Map<String, String> mergedOutcomes = SameCampaign.outcomes(merged);
        Map<String, String> singleOutcomes = SameCampaign.outcomes(single);
        assertThat(mergedOutcomes.keySet()).isEqualTo(singleOutcomes.keySet()).hasSize(TRIALS);
        singleOutcomes.forEach((id, outcome) -> {
            if (!id.contains("~NONE~")) {
                assertThat(mergedOutcomes.get(id)).as(id).isEqualTo(outcome);
            }
        });
    }

    @Test
    void aMissingShardIsNamedAndAPartialMergeReportsWhatIsThere() throws IOException {
        Path two = dir.resolve("two");
        Cli refused = Cli.run("merge", two.toString(), shards.resolve("shard-0-of-3").toString(), shards.resolve("shard-1-of-3").toString());
        assertThat(refused.exit).isEqualTo(Testbed.USAGE);
        assertThat(refused.err.strip()).doesNotContain("\n").contains("missing shards 2/3 of 3").contains("--allow-partial");

        Cli partial = Cli.run("merge", "--allow-partial", two.toString(), shards.resolve("shard-0-of-3").toString(),
                shards.resolve("shard-1-of-3").toString());
        assertThat(partial.exit).as(partial.toString()).isZero();
        assertThat(partial.err).contains("partial merge").contains("2/3");
        assertThat(JSON.readTree(two.resolve("summary.json").toFile()).get("trials").asInt()).isEqualTo(120);
    }

    @Test
    void shardsOfAnotherCampaignOrTheSameShardTwiceAreRefused() throws IOException {
        Path other = dir.resolve("other/shard-2-of-3");
        copy(shards.resolve("shard-2-of-3"), other);
        ObjectNode settings = (ObjectNode) JSON.readTree(other.resolve(CampaignFile.NAME).toFile());
        settings.put("seed", 12);
        JSON.writeValue(other.resolve(CampaignFile.NAME).toFile(), settings);

        Cli mixed = Cli.run("merge", dir.resolve("mixed").toString(), shards.resolve("shard-0-of-3").toString(),
                shards.resolve("shard-1-of-3").toString(), other.toString());
        assertThat(mixed.exit).isEqualTo(Testbed.USAGE);
        assertThat(mixed.err.strip()).doesNotContain("\n").contains("shards of different campaigns").contains(other.toString()).contains("seed (12 vs 11)");

        Cli twice = Cli.run("merge", dir.resolve("twice").toString(), shards.toString(), shards.resolve("shard-1-of-3").toString());
        assertThat(twice.exit).isEqualTo(Testbed.USAGE);
        assertThat(twice.err.strip()).doesNotContain("\n").contains("shard 1/3 given twice");
    }

    @Test
    void aShardThatDiedIsNamedAndOnceItsJobRunsAgainMergesWhole() throws IOException {
        Path rerun = dir.resolve("rerun");
        for (int i = 0; i < SHARDS; i++) {
            copy(shards.resolve(new Shard(i, SHARDS).folder()), rerun.resolve(new Shard(i, SHARDS).folder()));
        }
        Path dead = rerun.resolve("shard-1-of-3");
        List<String> lines = Files.readAllLines(dead.resolve(TrialLog.FILE_NAME), StandardCharsets.UTF_8);
        Files.writeString(dead.resolve(TrialLog.FILE_NAME), String.join("\n", lines.subList(0, 20)) + "\n" + lines.get(20).substring(0, 30));

        Cli refused = Cli.run("merge", dir.resolve("early").toString(), rerun.toString());
        assertThat(refused.exit).isEqualTo(Testbed.USAGE);
        assertThat(refused.err.strip()).doesNotContain("\n").contains(dead + " (shard 1/3): 40 of 60 trials missing")
                .contains("--resume " + dead);

        Cli other = Cli.run("campaign", "--trials", Integer.toString(TRIALS), "--seed", "12", "--shard", "1/" + SHARDS, "--out", rerun.toString());
        assertThat(other.exit).isEqualTo(Testbed.USAGE);
        assertThat(other.err).contains(dead + " already holds a shard of another campaign");
        // the scheduler runs the shard's job again, with the same command
        Cli resumed = Cli.run("campaign", "--trials", Integer.toString(TRIALS), "--seed", "11", "--workers", "2",
                "--shard", "1/" + SHARDS, "--out", rerun.toString());
        assertThat(resumed.exit).as(resumed.toString()).isZero();
        assertThat(resumed.out).contains("resuming " + dead + ": 20 trials already done");
        Cli merge = Cli.run("merge", dir.resolve("late").toString(), rerun.toString());
        assertThat(merge.exit).as(merge.toString()).isZero();
        assertThat(SameCampaign.outcomes(dir.resolve("late")).keySet()).isEqualTo(SameCampaign.outcomes(single).keySet());
    }

    @Test
    void aSchedulersIndexNamesTheShard() {
        assertThat(CampaignCommand.shard(null, null, Map.of("SLURM_ARRAY_TASK_ID", "2", "SLURM_ARRAY_TASK_COUNT", "4"))).isEqualTo(new Shard(2, 4));
        assertThat(CampaignCommand.shard(null, null, Map.of("SLURM_ARRAY_TASK_ID", "3", "SLURM_ARRAY_TASK_COUNT", "4",
                "SLURM_ARRAY_TASK_MIN", "1"))).isEqualTo(new Shard(2, 4));
        assertThat(CampaignCommand.shard(null, 8, Map.of("JOB_COMPLETION_INDEX", "5"))).isEqualTo(new Shard(5, 8));
        assertThat(CampaignCommand.shard("1/2", null, Map.of("JOB_COMPLETION_INDEX", "5"))).isEqualTo(new Shard(1, 2));
        assertThat(CampaignCommand.shard(null, null, Map.of())).isEqualTo(Shard.WHOLE);
        assertThatThrownBy(() -> CampaignCommand.shard(null, 8, Map.of())).isInstanceOf(Testbed.UserError.class).hasMessageContaining("JOB_COMPLETION_INDEX");
        assertThatThrownBy(() -> CampaignCommand.shard(null, 4, Map.of("JOB_COMPLETION_INDEX", "4"))).isInstanceOf(Testbed.UserError.class);
        assertThatThrownBy(() -> CampaignCommand.shard(null, 4, Map.of("JOB_COMPLETION_INDEX", "x"))).isInstanceOf(Testbed.UserError.class);
    }

    @Test
    void aShardNeedsATrialCountAndASharedOutputDirectory() {
        Cli noOut = Cli.run("campaign", "--shard", "0/2", "--trials", "10");
        assertThat(noOut.exit).isEqualTo(Testbed.USAGE);
        assertThat(noOut.err).contains("needs --out DIR");
        Cli noCount = Cli.run("campaign", "--shard", "0/2", "--trials", "0", "--time", "5s", "--out", dir.resolve("x").toString());
        assertThat(noCount.exit).isEqualTo(Testbed.USAGE);
        assertThat(noCount.err).contains("needs --trials N");
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path f : walk.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
