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

    @Test
    void aFuzzReproducerIsCheckedAndSavedAmongTheReproducers() throws IOException {
        Path source = dir.resolve("EdgeStore.program");
        Files.writeString(source, """
                # threat: a 2-byte store at the last byte of the segment
                # seed: 7
                # verdict: ESCAPED in NONE; under SFI_MASK the store faults on the guard zone (example)
                # expect: NONE=ESCAPED
                # otherwise: CONTAINED
                program EdgeStore
                r2 = segment.base
                r3 = segment.size
                r2 = r2 add r3
                r3 = 1
                r2 = r2 sub r3
                store16 [r2] = r3
                r0 = 0
                """);
        Cli cli = Cli.run("corpus", "add", source.toString(), "--into", dir.resolve("res").toString());
        assertThat(cli.exit).as(cli.toString()).isZero();
        assertThat(cli.out).contains("generated/EdgeStore", "0 mismatches");
        assertThat(dir.resolve("res/testbed/corpus/reproducers/EdgeStore.program")).hasSameTextualContentAs(source);
    }
}
