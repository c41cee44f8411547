package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replay}, {@code corpus check} and {@code corpus add} clean up the temporary directories they work in. */
class ScratchTest {
    @TempDir
    Path dir;

    private static final String REPRODUCER = """
            # threat: a program that does nothing
            # seed: 1
            # verdict: none
            # expect: NONE=OK
            # otherwise: OK
            program DoesNothing
            r0 = 0
            """;

    @Test
    void replayCorpusCheckAndCorpusAddLeaveNoTemporaryDirectoryBehind() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path corpus = Files.createDirectories(dir.resolve("corpus"));
        Files.writeString(corpus.resolve("DoesNothing.program"), REPRODUCER);
        List<List<String>> commands = List.of(
                List.of("replay", "--corpus", corpus.toString(), "generated/DoesNothing~none~SFI_MASK~0"),
                List.of("corpus", "check", "--corpus", corpus.toString(), "--modes", "SFI_MASK", "--workers", "1"),
                List.of("corpus", "add", corpus.resolve("DoesNothing.program").toString(), "--into", dir.resolve("into").toString()));
        for (List<String> command : commands) {
            Process p = ChildTestbed.start(List.of("-Xmx256m", "-Djava.io.tmpdir=" + tmp), dir.resolve("out.txt"), dir.resolve("err.txt"),
                    command.toArray(String[]::new));
            assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
            assertThat(p.exitValue()).as("%s: %s %s", command, Files.readString(dir.resolve("out.txt")), Files.readString(dir.resolve("err.txt")))
                    .isZero();
            try (Stream<Path> left = Files.list(tmp)) {
                assertThat(left.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("testbed-")).toList())
                        .as("left in the temporary directory by %s", command).isEmpty();
            }
        }
    }
}
