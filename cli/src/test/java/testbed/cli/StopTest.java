package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.faults.TrialLog;

/**
 * SIGTERM (what {@code timeout}, schedulers and {@code kill} send) ends a campaign the way
 * Ctrl-C does: the record of what is done is finished, the partial report written, and the
 * user told how many trials were kept and how to go on.
 */
class StopTest {
    @TempDir
    Path dir;

    @Test
    void sigtermKeepsTheTrialsWritesThePartialReportAndSaysHowToContinue() throws Exception {
        Path out = dir.resolve("campaign");
        Process campaign = ChildTestbed.start(List.of("-Xmx256m"), dir.resolve("out.txt"), dir.resolve("err.txt"),
                "campaign", "--trials", "1000000", "--workers", "1", "--out", out.toString());
        Path log = out.resolve(TrialLog.FILE_NAME);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!(Files.exists(log) && Files.readAllLines(log).size() >= 20) && campaign.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(campaign.isAlive()).as("still running after 20 trials: %s", Files.readString(dir.resolve("err.txt"))).isTrue();

        campaign.destroy(); // SIGTERM
        assertThat(campaign.waitFor(3, TimeUnit.MINUTES)).as("ends after SIGTERM").isTrue();

        String err = Files.readString(dir.resolve("err.txt"));
        assertThat(campaign.exitValue()).as(err).isEqualTo(Testbed.INTERRUPTED);
        Matcher kept = Pattern.compile("kept (\\d+) trials; continue with --resume " + Pattern.quote(out.toString())).matcher(err);
        assertThat(kept.find()).as(err).isTrue();
        long trials = TrialLog.read(log).size();
        assertThat(Long.parseLong(kept.group(1))).isEqualTo(trials);
        assertThat(new ObjectMapper().readTree(out.resolve("summary.json").toFile()).get("trials").asLong()).isEqualTo(trials);
        assertThat(out.resolve("index.html")).isNotEmptyFile();
        assertThat(err).doesNotContain("\tat ");
    }
}
