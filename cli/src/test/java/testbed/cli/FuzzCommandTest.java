package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
