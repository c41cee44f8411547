package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import testbed.faults.TrialLog;

/**
 * A campaign run by a real scheduler: a one-node Slurm cluster on this machine
 * ({@code deploy/slurm/local-cluster.sh}) runs {@code deploy/slurm/campaign.sbatch} as a job array
 * of four shards from the packaged jar; one task is killed mid-run and requeued, and resumes its
 * shard; {@code deploy/slurm/merge.sbatch} merges them, and the result must be the same campaign
 * run on one machine. Needs root and Debian's {@code slurm-wlm} and {@code munge}; takes a few
 * minutes (Slurm holds a requeued task back for about two), so it runs only with {@code -Pslurm}.
 */
class SlurmArrayRun {
    private static final String TRIALS = "2000";
    private static final int SHARDS = 4;
    static final Path CHECKOUT = Path.of(System.getProperty("testbed.checkout", "..")).toAbsolutePath().normalize();
    static final Path JAR = Path.of(System.getProperty("testbed.jar", "target/testbed.jar")).toAbsolutePath();
    static final Path WORK = Path.of("target", "slurm-run").toAbsolutePath();
    static final Path CLUSTER = Path.of("target", "slurm-cluster").toAbsolutePath();
    static final String CONF = CLUSTER.resolve("slurm.conf").toString();

    @BeforeAll
    static void startCluster() throws Exception {
        assertThat(JAR).as("the packaged tool").isRegularFile();
        assertThat(Path.of("/usr/sbin/slurmctld")).as("Debian's slurm-wlm (apt-get install -y slurm-wlm munge)").isRegularFile();
        assertThat(run("id", "-u").strip()).as("the one-node cluster's daemons run as root").isEqualTo("0");
        deleteTree(WORK);
        deleteTree(CLUSTER);
        Files.createDirectories(WORK);
        System.out.println(run(CHECKOUT.resolve("deploy/slurm/local-cluster.sh").toString(), "start", CLUSTER.toString()));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        run(CHECKOUT.resolve("deploy/slurm/local-cluster.sh").toString(), "stop", CLUSTER.toString());
    }

    @Test
    void aJobArrayOfShardsWithOneKilledAndRequeuedMergesIntoTheOneMachineCampaign() throws Exception {
        Path single = WORK.resolve("single");
        run("java", "-jar", JAR.toString(), "campaign", "--trials", TRIALS, "--seed", "9", "--workers", "2", "--out", single.toString());

        Path out = WORK.resolve("campaign");
        String array = run("sbatch", "--parsable", "--array=0-" + (SHARDS - 1), "--chdir=" + CHECKOUT, "--output=" + WORK + "/shard-%A_%a.out",
                "--export=ALL,TESTBED_JAR=" + JAR + ",TESTBED_OUT=" + out + ",TESTBED_ARGS=--trials " + TRIALS + " --seed 9",
                CHECKOUT.resolve("deploy/slurm/campaign.sbatch").toString()).strip();
        // Kill shard 1 the way a lost node would, part-way through its 500 trials, and have Slurm run it again.
        Path victim = out.resolve("shard-1-of-4").resolve(TrialLog.FILE_NAME);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (lines(victim) < 50) {
            assertThat(System.nanoTime()).as("shard 1 started logging trials").isLessThan(deadline);
            Thread.sleep(100);
        }
        run("scancel", "--signal=KILL", "--full", array + "_1");
        long atKill = lines(victim);
        while (!state(array + "_1").matches("FAILED|CANCELLED|COMPLETED")) {
            Thread.sleep(200);
        }
        assertThat(atKill).as("shard 1 was killed before it finished").isLessThan(500);
        run("scontrol", "requeue", array + "_1");

        String merge = run("sbatch", "--parsable", "--wait", "--dependency=afterany:" + array, "--chdir=" + CHECKOUT,
                "--output=" + WORK + "/merge-%j.out", "--export=ALL,TESTBED_JAR=" + JAR + ",TESTBED_OUT=" + out,
                CHECKOUT.resolve("deploy/slurm/merge.sbatch").toString()).strip();
        String merged = Files.readString(WORK.resolve("merge-" + merge + ".out"));
        System.out.println(merged);

        assertThat(merged).contains("merged 4 shards of 4: " + TRIALS + " trials");
        assertThat(Files.readString(WORK.resolve("shard-" + array + "_1.out"))).as("the requeued task resumed its shard")
                .containsPattern("resuming " + out.resolve("shard-1-of-4") + ": [1-9][0-9]+ trials already done");
        assertThat(SameCampaign.outcomes(out.resolve("shard-1-of-4"))).hasSize(500);
        Path whole = out.resolve("merged");
        assertThat(SameCampaign.comparable(whole)).isEqualTo(SameCampaign.comparable(single));
        Map<String, String> mergedOutcomes = SameCampaign.outcomes(whole);
        Map<String, String> singleOutcomes = SameCampaign.outcomes(single);
        assertThat(mergedOutcomes.keySet()).isEqualTo(singleOutcomes.keySet()).hasSize(Integer.parseInt(TRIALS));
        List<String> differing = new ArrayList<>();
        singleOutcomes.forEach((id, outcome) -> {
            if (!outcome.equals(mergedOutcomes.get(id))) {
                differing.add(id + " " + outcome + " vs " + mergedOutcomes.get(id));
            }
        });
        assertThat(differing).as("trials whose outcome differs").allMatch(d -> d.contains("~NONE~"));
        System.out.println("trials differing between the array and one machine: " + differing);
    }

    private static String state(String task) throws Exception {
        String show = run("scontrol", "show", "job", task);
        int at = show.indexOf("JobState=");
        return show.substring(at + 9, show.indexOf(' ', at));
    }

    private static long lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.count();
        }
    }

    /** Runs a command with the cluster's configuration; its output, or a failure with it. */
    private static String run(String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("SLURM_CONF", CONF);
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        // a campaign that found unexpected outcomes exits 1 and has still run
        boolean tool = command[0].equals("java") || List.of(command).contains("--wait");
        assertThat(exit).as("%s:%n%s", String.join(" ", command), output).isIn(0, tool ? 1 : 0);
        return output;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
