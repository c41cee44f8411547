package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.faults.TrialLog;

/**
 * Ctrl-C as a terminal delivers it: SIGINT to the whole foreground process group, so the worker
 * JVMs and the extension processes of PROCESS mode get it at the same instant as the campaign.
 * The campaign keeps what is done, writes the partial report, says how many trials it kept, and a
 * resume then runs every remaining trial once, each with the outcome an uninterrupted campaign gives it.
 *
 * <p>The children start with SIGINT at its default: a shell running a job in the background (as
 * a build may be) starts it with SIGINT ignored, and a JVM leaves a signal ignored at its start ignored.
 */
class InterruptTest {
    private static final int TRIALS = 1200;
    private static final String SEED = "3";
    @TempDir
    static Path dir;
    static Map<String, String> uninterrupted;

    @BeforeAll
    static void runTheCampaignWithoutInterruption() throws IOException {
        Path whole = dir.resolve("whole");
        Cli run = Cli.run("campaign", "--trials", Integer.toString(TRIALS), "--seed", SEED, "--out", whole.toString());
        assertThat(run.exit).as(run.toString()).isZero();
        uninterrupted = SameCampaign.outcomes(whole);
    }

    @Test
    void ctrlCOnATerminalKeepsTheTrialsWritesThePartialReportAndTheResumeRunsEachTrialOnce() throws Exception {
        Path out = dir.resolve("terminal");
        // script(1) runs the campaign on a pseudo-terminal as the foreground process group; the
        // Ctrl-C character written to the terminal is turned into SIGINT to that group by the line discipline.
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT"));
        command.addAll(campaign(out));
        Process terminal = new ProcessBuilder("script", "--quiet", "--flush", "--return", "--command", shell(command), "/dev/null")
                .redirectErrorStream(true).redirectOutput(dir.resolve("terminal.txt").toFile()).start();
        waitForTrials(terminal, out, dir.resolve("terminal.txt"));
        try (OutputStream keyboard = terminal.getOutputStream()) {
            keyboard.write(3); // Ctrl-C
            keyboard.flush();
            assertThat(terminal.waitFor(3, TimeUnit.MINUTES)).as("ends after Ctrl-C").isTrue();
        }
        String shown = Files.readString(dir.resolve("terminal.txt")).replace("\r", "");
        assertThat(shown).as("a terminal: the progress bar is drawn").contains("trials ").contains("%");
        assertInterruptedAndResumed(terminal.exitValue(), shown, out);
    }

    @Test
    void sigintToTheProcessGroupKeepsTheTrialsWritesThePartialReportAndTheResumeRunsEachTrialOnce() throws Exception {
        Path out = dir.resolve("group");
        // setsid(1) makes the campaign the leader of a process group of its own, which its workers join.
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT", "setsid"));
        command.addAll(campaign(out));
        Path printed = dir.resolve("group.txt");
        Process campaign = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(printed.toFile()).start();
        waitForTrials(campaign, out, printed);
        Process kill = new ProcessBuilder("kill", "-INT", "--", "-" + campaign.pid()).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -INT -%d", campaign.pid()).isZero();
        assertThat(campaign.waitFor(3, TimeUnit.MINUTES)).as("ends after SIGINT").isTrue();
        assertInterruptedAndResumed(campaign.exitValue(), Files.readString(printed), out);
    }

    private static List<String> campaign(Path out) {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), Testbed.class.getName(), "campaign", "--trials", Integer.toString(TRIALS),
                "--seed", SEED, "--workers", "2", "--out", out.toString());
    }

    private static void waitForTrials(Process campaign, Path out, Path printed) throws Exception {
        Path log = out.resolve(TrialLog.FILE_NAME);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!(Files.exists(log) && Files.readAllLines(log).size() >= 20) && campaign.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(campaign.isAlive()).as("still running after 20 trials: %s", Files.readString(printed)).isTrue();
    }

    private static void assertInterruptedAndResumed(int exit, String printed, Path out) throws IOException {
        assertThat(exit).as(printed).isEqualTo(Testbed.INTERRUPTED);
        Matcher kept = Pattern.compile("kept (\\d+) trials; continue with --resume " + Pattern.quote(out.toString())).matcher(printed);
        assertThat(kept.find()).as(printed).isTrue();
        long trials = TrialLog.read(out.resolve(TrialLog.FILE_NAME)).size();
        assertThat(Long.parseLong(kept.group(1))).isEqualTo(trials).isLessThan(TRIALS);
        assertThat(new ObjectMapper().readTree(out.resolve("summary.json").toFile()).get("trials").asLong()).isEqualTo(trials);
        assertThat(out.resolve("index.html")).isNotEmptyFile();
        assertThat(printed).doesNotContain("\tat ").doesNotContain("internal error").doesNotContain("infrastructure");
        sameProtectedOutcomes(SameCampaign.outcomes(out)); // no trial cut short by the signal is recorded

        Cli resumed = Cli.run("campaign", "--resume", out.toString());
        assertThat(resumed.exit).as(resumed.toString()).isZero();
        assertThat(resumed.out).contains("resuming " + out + ": " + trials + " trials already done");
        Map<String, String> outcomes = SameCampaign.outcomes(out);
        assertThat(outcomes.keySet()).isEqualTo(uninterrupted.keySet());
        sameProtectedOutcomes(outcomes);
    }

    /** Protected trials are deterministic; unprotected ones may end differently from run to run. */
    private static void sameProtectedOutcomes(Map<String, String> outcomes) {
        assertThat(outcomes.keySet()).isSubsetOf(uninterrupted.keySet());
        outcomes.forEach((id, outcome) -> {
            if (!id.contains("~NONE~")) {
                assertThat(outcome).as(id).isEqualTo(uninterrupted.get(id));
            }
        });
    }

    /** The words as one POSIX shell command line. */
    private static String shell(List<String> words) {
        StringBuilder line = new StringBuilder();
        for (String w : words) {
            line.append(line.isEmpty() ? "" : " ").append('\'').append(w.replace("'", "'\\''")).append('\'');
        }
        return line.toString();
    }
}
