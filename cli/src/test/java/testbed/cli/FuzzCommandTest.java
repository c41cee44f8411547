package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.faults.TrialLog;
import testbed.faults.TrialRecord;
import testbed.faults.fuzz.Fuzzer;

/** {@code testbed fuzz}: a small seeded run writes a campaign's report files, and a program replays from its seed. */
class FuzzCommandTest {

    @Test
    void aSeededRunWritesTheReportAndItsPhases(@TempDir Path out) throws IOException {
        Cli cli = Cli.run("fuzz", "--programs", "40", "--seed", "3", "--out", out.toString());

        assertThat(cli.exit).as(cli.toString()).isZero();
        assertThat(cli.out).contains("40 programs in").contains("findings: 0");
        for (String file : new String[] {"index.html", "report.md", "summary.json", "junit.xml", FuzzCommand.FUZZ_JSON}) {
            assertThat(out.resolve(file)).as(file).isRegularFile();
        }
        JsonNode fuzz = new ObjectMapper().readTree(out.resolve(FuzzCommand.FUZZ_JSON).toFile());
        assertThat(fuzz.get("programs").asLong()).isEqualTo(40);
        assertThat(fuzz.get("timeByPhase").has("run NONE")).isTrue();
        assertThat(fuzz.get("generated").size()).isPositive();
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertThat(summary.get("byMode").has("SFI_CHECK")).isTrue();
    }

    /** Each run in a fuzz run's trial log has an id that {@code testbed replay} reruns to the outcome logged. */
    @Test
    void aFuzzTrialReplaysFromItsIdToTheLoggedOutcome(@TempDir Path out) throws IOException {
        Cli fuzz = Cli.run("fuzz", "--programs", "6", "--seed", "4", "--max-ops", "24", "--out", out.toString());
        assertThat(fuzz.exit).as(fuzz.toString()).isZero();
        List<TrialRecord> records = TrialLog.read(out.resolve(TrialLog.FILE_NAME));
        assertThat(records).hasSizeGreaterThanOrEqualTo(6 * 4);
        for (TrialRecord r : records.subList(0, 10)) {
            Cli replay = Cli.run(r.replayCommand().substring("./testbed ".length()).split(" "));
            assertThat(replay.exit).as(replay.toString()).isZero();
            assertThat(replay.out).as(replay.toString()).contains("trial     " + r.id()).contains("outcome   " + r.outcome() + "\n");
        }
    }

    @Test
    void aGeneratedTrialIdThatNamesAnotherProgramIsOneLineOfError() {
        Cli replay = Cli.run("replay", "generated/G2B~generated~BOUNDS~42");
        assertThat(replay.exit).isEqualTo(2);
        assertThat(replay.err).contains("does not name the program of seed 42").doesNotContain("\tat ");
    }

    @Test
    void aProgramReplaysFromItsSeed() {
        long seed = Fuzzer.programSeed(3, 0);
        Cli first = Cli.run("fuzz", "--replay", Long.toString(seed));
        Cli again = Cli.run("fuzz", "--replay", Long.toString(seed));

        assertThat(first.exit).as(first.toString()).isZero();
        assertThat(first.out).contains("program G").contains("SFI_CHECK").contains("every property holds");
        assertThat(again.out.replaceAll("\\d+ us", "")).isEqualTo(first.out.replaceAll("\\d+ us", ""));
    }
}
