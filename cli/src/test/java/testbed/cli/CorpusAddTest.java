package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Adding an entry: compiled against the API, run in every mode, saved only if it meets its expectations. */
class CorpusAddTest {
    @TempDir
    Path dir;

    private static final String ENTRY = """
            package testbed.corpus.entries.benign;

            import testbed.corpus.Entry;
            import testbed.corpus.Expect;
            import testbed.corpus.Family;
            import testbed.corpus.Outcome;
            import testbed.kernel.api.Context;
            import testbed.kernel.api.PacketFilter;

            /** Delivers only packets of even length. */
            @Entry(family = Family.BENIGN, threat = "none: a control", reference = "McCanne and Jacobson 1993, BPF",
                    expect = {}, otherwise = Outcome.%s)
            public final class EvenLengths implements PacketFilter {
                @Override
                public int filter(Context ctx, long packet, int length) {
                    return (length & 1) == 0 ? length : 0;
                }
            }
            """;

    @Test
    void aWellBehavedEntryIsCheckedAndSaved() throws IOException {
        Path source = dir.resolve("EvenLengths.java");
        Files.writeString(source, ENTRY.formatted("OK"));
        Cli cli = Cli.run("corpus", "add", source.toString(), "--into", dir.resolve("src").toString());
        assertThat(cli.exit).as(cli.toString()).isZero();
        assertThat(cli.out).contains("benign/EvenLengths", "0 mismatches");
        assertThat(dir.resolve("src/testbed/corpus/entries/benign/EvenLengths.java")).hasSameTextualContentAs(source);
    }

    @Test
    void anEntryWhoseExpectationIsWrongIsNotSaved() throws IOException {
        Path source = dir.resolve("EvenLengths.java");
        Files.writeString(source, ENTRY.formatted("ESCAPED"));
        Cli cli = Cli.run("corpus", "add", source.toString(), "--into", dir.resolve("src").toString());
        assertThat(cli.exit).as(cli.toString()).isEqualTo(Testbed.UNEXPECTED);
        assertThat(cli.out).contains("OK != ESCAPED");
        assertThat(dir.resolve("src")).doesNotExist();
    }
}
