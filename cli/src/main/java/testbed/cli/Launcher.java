package testbed.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import testbed.corpus.Corpus;
import testbed.reports.Provenance;

/**
 * The command that starts this tool from any directory, for the provenance and the replay
 * commands a report prints: the {@code testbed} script when it started this JVM (it says so in
 * {@value #ENV}), else {@code java -jar} with the absolute paths of this JVM and this jar.
 */
final class Launcher {
    /** Set by the {@code testbed} script to its own absolute path. */
    static final String ENV = "TESTBED_LAUNCHER";

    private Launcher() {
    }

    /** The command's words. */
    static List<String> command() {
        String script = System.getenv(ENV);
        if (script != null && Path.of(script).isAbsolute() && Files.isRegularFile(Path.of(script))) {
            return List.of(script);
        }
        Path code = codeLocation();
        if (code != null && Files.isRegularFile(code)) {
            return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", code.toString());
        }
        // Run from class directories (the tests): there is no single command to name.
        return List.of("testbed");
    }

    /** Every argument the tool was started with, the subcommand's name included. */
    static List<String> arguments(CommandSpec spec) {
        return spec.root().commandLine().getParseResult().originalArgs();
    }

    /** Provenance of this run of the tool with the given arguments over a corpus location. */
    static Provenance provenance(List<String> arguments, String corpusLocation, String corpusDigest) {
        return Provenance.ofThisRun(command(), arguments, absolute(corpusLocation), corpusDigest);
    }

    /** Provenance of a run over a scanned corpus. */
    static Provenance provenance(List<String> arguments, String corpusLocation, Corpus corpus) {
        return provenance(arguments, corpusLocation, Provenance.digest(corpus));
    }

    /** A corpus location a replay can use from any directory: {@code bundled}, or an absolute path. */
    static String absolute(String corpusLocation) {
        return corpusLocation.equals(Corpus.BUNDLED) ? corpusLocation : Path.of(corpusLocation).toAbsolutePath().normalize().toString();
    }

    private static Path codeLocation() {
        CodeSource code = Launcher.class.getProtectionDomain().getCodeSource();
        if (code == null || code.getLocation() == null) {
            return null;
        }
        try {
            return Path.of(code.getLocation().toURI()).toAbsolutePath().normalize();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }
}
