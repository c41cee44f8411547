package testbed.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code testbed}: run fuzz campaigns against the simulated kernel, replay their findings, and
 * check or extend the corpus of malicious extensions.
 *
 * <p>Exit codes: 0 success; 1 unexpected outcomes found; 2 bad usage, unreadable input or an output the environment refuses;
 * 3 internal error; 130 interrupted (results so far are kept; resume with {@code --resume}).
 */
@Command(name = "testbed", mixinStandardHelpOptions = true, version = "testbed 0.1.0",
        description = "Fault-isolation testbed: containment campaigns against a simulated kernel.",
        subcommands = {CampaignCommand.class, MergeCommand.class, FuzzCommand.class, ReplayCommand.class, CompareCommand.class, TechniquesCommand.class, CorpusCommand.class, BenchCommand.class, ExperimentCommand.class, BpfCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:unexpected outcomes found (see the report's findings)",
                "2:bad usage, unreadable input, or an output the environment refuses (full disk, trials lost to the host)", "3:internal error",
                "130:interrupted (finished trials are kept; continue with --resume DIR)"})
public final class Testbed {
    static final int UNEXPECTED = 1;
    static final int USAGE = 2;
    static final int INTERNAL = 3;
    static final int INTERRUPTED = 130;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line in this JVM and returns its exit code; every failure becomes one line on {@code err}. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Testbed());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("testbed: " + e.getMessage());
            err.println("try 'testbed " + String.join(" ", e.getCommandLine().getCommandSpec().qualifiedName().replace("testbed", "").trim()) + " --help'".replace("  ", " "));
            return USAGE;
        });
        cli.setExecutionExceptionHandler((e, c, p) -> {
            if (e instanceof UserError) {
                err.println("testbed: " + e.getMessage());
                return USAGE;
            }
            err.println("testbed: internal error: " + e);
            return INTERNAL;
        });
        return cli.execute(args);
    }

    /** A problem with what the user gave us (a file, an id, a name): reported as one line, exit code 2. */
    static final class UserError extends RuntimeException {
        UserError(String message) {
            super(message);
        }
    }
}
