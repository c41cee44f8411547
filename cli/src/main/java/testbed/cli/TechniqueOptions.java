package testbed.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import testbed.sandbox.Protections;

/**
 * {@code --technique-jar JAR}: plug-in isolation techniques beside the built-in modes, for every
 * command that runs trials. The jars are loaded once and handed to worker JVMs.
 */
final class TechniqueOptions {
    @Option(names = "--technique-jar", paramLabel = "JAR",
            description = "A jar of plug-in isolation techniques (testbed.technique.Technique, found with ServiceLoader); "
                    + "its techniques can then be named in --modes. Repeatable.")
    List<Path> jars = new ArrayList<>();

    private Protections loaded;

    /** The built-in modes and the plug-ins; a bad jar is a one-line user error. */
    Protections protections() {
        if (loaded == null) {
            try {
                loaded = Protections.loading(jars);
            } catch (Protections.TechniqueException e) {
                throw new Testbed.UserError(e.getMessage());
            }
        }
        return loaded;
    }

    /** The worker JVMs' options: the standard ones and the plug-in jars. */
    List<String> workerJvm() {
        List<String> out = new ArrayList<>(Modes.WORKER_JVM);
        out.addAll(protections().workerOptions());
        return out;
    }
}
