package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.List;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;
import testbed.bench.Suite;

/** {@code testbed bench} without running a benchmark: its help, its bad input, its plan. */
class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void helpSaysWhatRunsAndHowLong() {
        Cli cli = Cli.run("bench", "--help");
        assertThat(cli.exit).as(cli.toString()).isZero();
        assertThat(cli.out).contains("--quick", "--out", "minutes", "overhead.html", "bench.json");
    }

    @Test
    void theTopLevelHelpListsBench() {
        assertThat(Cli.run("--help").out).contains("bench");
    }

    @Test
    void aBadFlagIsOneLineAndExitTwo() {
        Cli cli = Cli.run("bench", "--fast");
        assertThat(cli.exit).as(cli.toString()).isEqualTo(Testbed.USAGE);
        assertThat(cli.err).contains("Unknown option: '--fast'").doesNotContain("\tat ");
    }

    @Test
    void anOutputThatIsAFileIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("taken"), "x");
        Cli cli = Cli.run("bench", "--quick", "--out", file.toString());
        assertThat(cli.exit).as(cli.toString()).isEqualTo(Testbed.USAGE);
        assertThat(cli.err.lines().count()).isEqualTo(1);
        assertThat(cli.err).contains("is a file");
    }

    @Test
    void anUnknownVariantOrPassIsOneLineAndExitTwo() {
        Cli mode = Cli.run("bench", "--quick", "--modes", "NONE,mytech", "--out", dir.toString());
        assertThat(mode.exit).as(mode.toString()).isEqualTo(Testbed.USAGE);
        assertThat(mode.err.strip()).doesNotContain("\n").contains("unknown variant 'mytech'", "SFI_MASK_STORES", "needs --technique-jar");
        Cli process = Cli.run("bench", "--quick", "--modes", "PROCESS", "--out", dir.toString());
        assertThat(process.exit).as(process.toString()).isEqualTo(Testbed.USAGE);
        assertThat(process.err).contains("'PROCESS' runs its extensions in a child process");
        Cli pass = Cli.run("bench", "--quick", "--passes", "copy,crossings", "--out", dir.toString());
        assertThat(pass.exit).as(pass.toString()).isEqualTo(Testbed.USAGE);
        assertThat(pass.err.strip()).doesNotContain("\n").contains("unknown pass 'crossings'", "crossing, transactions");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void fewerThanOneForkIsOneLineAndExitTwo() {
        Cli cli = Cli.run("bench", "--forks", "0", "--out", dir.toString());
        assertThat(cli.exit).as(cli.toString()).isEqualTo(Testbed.USAGE);
        assertThat(cli.err.strip()).doesNotContain("\n").contains("--forks must be at least 1");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void plugInTechniquesAddTheirVariantsToEachWorkloadsPass() {
        OutputFormat silent = OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT);
        Suite.Pass copy = Suite.passes(List.of("NONE", "SFI_MASK", "mytech")).stream().filter(p -> p.name().equals("copy"))
                .findFirst().orElseThrow();
        assertThat(copy.params()).containsEntry("mode", List.of("NONE", "SFI_MASK", "mytech"));
        // 3 modes x 2 metering settings, and the Chicory twin.
        assertThat(BenchCommand.configurations(silent, copy, List.of())).isEqualTo(7);
    }

    @Test
    void thePlanRunsEachWorkloadsVariantsTogether() {
        OutputFormat silent = OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT);
        List<Suite.Pass> passes = Suite.passes();
        Suite.Pass copy = passes.stream().filter(p -> p.name().equals("copy")).findFirst().orElseThrow();
        // 6 modes x 2 metering settings of one workload, and its Chicory twin.
        assertThat(BenchCommand.configurations(silent, copy, List.of())).isEqualTo(13);
        int all = passes.stream().mapToInt(p -> BenchCommand.configurations(silent, p, List.of())).sum();
        assertThat(all).isGreaterThan(Suite.WORKLOADS.size() * 10);
    }
}
