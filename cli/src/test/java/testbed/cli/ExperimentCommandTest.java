package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code testbed experiment}: the list, bad input, and one quick in-process experiment end to end. */
class ExperimentCommandTest {
    @TempDir
    Path dir;

    @Test
    void theListNamesAllEightWithTheirRunTimes() {
        Cli cli = Cli.run("experiment", "--list");
        assertThat(cli.exit).as(cli.toString()).isZero();
        for (int i = 1; i <= 8; i++) {
            assertThat(cli.out).contains("E" + i + " ");
        }
        assertThat(cli.out).contains("--quick about", "Wahbe", "SPIN", "Exokernel", "VINO", "ExtOS");
    }

    @Test
    void anUnknownExperimentIsOneLineAndExitTwo() {
        Cli cli = Cli.run("experiment", "E9", "--out", dir.toString());
        assertThat(cli.exit).as(cli.toString()).isEqualTo(Testbed.USAGE);
        assertThat(cli.err).contains("no experiment 'E9'").doesNotContain("\tat ");
        assertThat(Cli.run("experiment").err).contains("name an experiment");
    }

    @Test
    void anExperimentWritesItsPageAndRecordWithTheCommandThatReproducesIt() throws Exception {
        Cli cli = Cli.run("experiment", "e5", "--quick", "--out", dir.toString());
        assertThat(cli.exit).as(cli.toString()).isZero();
        assertThat(cli.out).contains("page: ").contains("e5.html");
        JsonNode record = JsonMapper.builder().build().readTree(dir.resolve("e5.json").toFile());
        assertThat(record.path("command").asText()).endsWith("experiment e5 --quick --out " + dir);
        assertThat(record.path("quick").asBoolean()).isTrue();
        assertThat(Files.readString(dir.resolve("e5.html"))).contains("E5: ", "VERIFIED", "Necula and Lee 1996");
    }
}
