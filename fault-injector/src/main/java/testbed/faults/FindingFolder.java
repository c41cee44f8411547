package testbed.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The folder a deduplicated finding is written to, {@value #DIRECTORY}{@code /<kind>-<hash>/}
 * under a campaign's or a fuzz run's output directory: its input, its seed, its verdict and the
 * command that replays it. Campaigns and the fuzzer write the same layout, so promoting a finding
 * to a regression case is a file move whichever found it.
 *
 * <pre>{@code
 * FindingFolder.create(out, FindingFolder.relative("escaped", signature))
 *         .write(FindingFolder.SEED, seed + "\n")
 *         .write(FindingFolder.REPLAY, command + "\n");
 * }</pre>
 */
public final class FindingFolder {
    /** The folder under the output directory where findings go. */
    public static final String DIRECTORY = "findings";
    /** The class a trial loaded, after its bytecode fault. */
    public static final String INPUT = "input.class";
    /** A generated program as first found, before shrinking. */
    public static final String ORIGINAL = "original.txt";
    /** The trial's or program's seed, one line. */
    public static final String SEED = "seed.txt";
    /** The verdict as JSON. */
    public static final String VERDICT = "verdict.json";
    /** The replay commands, one a line, comments starting with {@code #}. */
    public static final String REPLAY = "replay.txt";

    private final Path path;

    private FindingFolder(Path path) {
        this.path = path;
    }

    /**
     * The folder of a finding relative to the output directory: {@code findings/<kind>-<hash>}
     * with the hash of the finding's signature, stable across runs, one folder per finding.
     *
     * @param kind what the finding is (an outcome, a broken property), lower-cased here
     */
    public static String relative(String kind, String signature) {
        return DIRECTORY + "/" + kind.toLowerCase(Locale.ROOT) + "-" + String.format("%08x", signature.hashCode());
    }

    /**
     * Creates (or reuses) the folder {@code relative} under {@code out}.
     *
     * @throws UncheckedIOException naming the folder if it cannot be created
     */
    public static FindingFolder create(Path out, String relative) {
        Path dir = out.resolve(relative);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw failure(dir, e);
        }
        return new FindingFolder(dir);
    }

    /** Where the folder is. */
    public Path path() {
        return path;
    }

    /** Writes one file of the folder; returns this folder for the next. */
    public FindingFolder write(String fileName, String text) {
        return write(fileName, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes one file of the folder; returns this folder for the next. */
    public FindingFolder write(String fileName, byte[] bytes) {
        try {
            Files.write(path.resolve(fileName), bytes);
        } catch (IOException e) {
            throw failure(path, e);
        }
        return this;
    }

    private static UncheckedIOException failure(Path dir, IOException e) {
        return new UncheckedIOException("cannot write finding " + dir + ": " + e.getMessage(), e);
    }
}
