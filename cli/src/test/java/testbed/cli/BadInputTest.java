package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad flags and unreadable input: one line on standard error, exit code 2, no stack trace. */
class BadInputTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "campaign --modes FOO                  | unknown protection mode 'FOO'",
            "campaign --faults nope                | nope",
            "campaign --time soon                  | bad duration 'soon'",
            "campaign --workers 0                  | --workers must be between 1 and 64",
            "campaign --bogus                      | Unknown option: '--bogus'",
            "campaign --corpus /no/such/place      | no such corpus: /no/such/place",
            "replay nonsense                       | not a trial id: 'nonsense'",
            "replay memory/Nope~none~NONE~1        | unknown corpus entry",
            "corpus add /no/such/File.java         | not a readable .java or .program file",
            "fuzz --modes NONE                     | NONE always runs",
            "fuzz --modes FOO                      | unknown protection mode 'FOO'",
            "fuzz --max-ops 1                      | --max-ops must be between",
            "fuzz --replay twelve                  | Invalid value",
            "fuzz --time never                     | bad duration 'never'",
            "campaign --technique-jar /no/such.jar | no such technique jar: /no/such.jar",
            "campaign --modes NONE,mytech          | a plug-in technique needs --technique-jar",
            "fuzz --modes mytech                   | unknown protection mode 'mytech'",
            "corpus check --technique-jar /no/t.jar | no such technique jar: /no/t.jar",
            "compare /no/a /no/b                   | no such run directory: /no/a"})
    void badInputIsOneLineAndExitTwo(String args, String message) {
        Cli cli = Cli.run(args.trim().split("\\s+"));
        assertThat(cli.exit).as(cli.toString()).isEqualTo(Testbed.USAGE);
        assertThat(cli.err).as(cli.toString()).contains(message).doesNotContain("\tat ");
    }

    @Test
    void aTechniqueJarThatIsNoJarIsRefused() throws IOException {
        Path notJar = Files.writeString(dir.resolve("tech.jar"), "plain text");
        Cli cli = Cli.run("campaign", "--technique-jar", notJar.toString());
        assertThat(cli.exit).as(cli.toString()).isEqualTo(Testbed.USAGE);
        assertThat(cli.err).contains("is not a jar").doesNotContain("\tat ");
    }

    @Test
    void aComparisonOfDirectoriesThatAreNoRunsIsRefused() {
        Cli cli = Cli.run("compare", dir.toString(), dir.toString());
        assertThat(cli.exit).as(cli.toString()).isEqualTo(Testbed.USAGE);
        assertThat(cli.err).contains("is not a campaign or fuzz output directory");
    }

    @Test
    void aNewCampaignIntoAnOldOneIsRefused() throws IOException {
        Files.writeString(dir.resolve("trials.jsonl"), "");
        Cli cli = Cli.run("campaign", "--out", dir.toString());
        assertThat(cli.exit).as(cli.toString()).isEqualTo(Testbed.USAGE);
        assertThat(cli.err).contains("already holds a campaign");
    }

    @Test
    void aResumeOfSomethingThatIsNoCampaignIsRefused() {
        Cli cli = Cli.run("campaign", "--resume", dir.toString());
        assertThat(cli.exit).isEqualTo(Testbed.USAGE);
        assertThat(cli.err).contains("no campaign.json");
    }

    @Test
    void aMalformedClassFileInACorpusDirectoryIsReported() throws IOException {
        Path entries = dir.resolve("testbed/corpus/entries/memory");
        Files.createDirectories(entries);
        Files.write(entries.resolve("Broken.class"), new byte[] {(byte) 0xCA, (byte) 0xFE, 1, 2});
        Cli cli = Cli.run("campaign", "--corpus", dir.toString());
        assertThat(cli.exit).as(cli.toString()).isEqualTo(Testbed.USAGE);
        assertThat(cli.err.lines().count()).as(cli.toString()).isEqualTo(1);
    }

    @Test
    void anExtensionThatDoesNotCompileIsOneLine() throws IOException {
        Path source = dir.resolve("Oops.java");
        Files.writeString(source, "package testbed.corpus.entries.benign; public class Oops { int x = ; }");
        Cli cli = Cli.run("corpus", "add", source.toString(), "--into", dir.resolve("src").toString());
        assertThat(cli.exit).as(cli.toString()).isEqualTo(Testbed.USAGE);
        assertThat(cli.err).contains("cannot compile");
    }
}
