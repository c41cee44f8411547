package testbed.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line in a JVM of its own, for what only a whole process shows: its signals, its temporary directory. */
final class ChildTestbed {
    private ChildTestbed() {
    }

    /** Starts {@code testbed ARGS} with {@code jvmOptions}; its output goes to {@code stdout} and {@code stderr}. */
    static Process start(List<String> jvmOptions, Path stdout, Path stderr, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Testbed.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    }
}
