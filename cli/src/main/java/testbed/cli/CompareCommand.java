package testbed.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import testbed.reports.Comparison;

/** {@code testbed compare A B}: what changed between two campaign or fuzz runs, and a gate for CI. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compares two campaign (or fuzz) output directories: A the baseline, B the run under review.",
                "Prints and writes (compare.html, compare.md) the trials whose outcome changed, matched by trial id and",
                "counted per fault and mode; the findings B has that A did not, and those that vanished; throughput.",
                "Exit code 1 when B has a finding A did not."})
final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A", description = "The baseline run's output directory.")
    Path a;

    @Parameters(index = "1", paramLabel = "B", description = "The output directory of the run under review.")
    Path b;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write compare.html and compare.md (default: B).")
    Path out;

    @Override
    public Integer call() throws IOException {
        for (Path dir : new Path[] {a, b}) {
            if (!Files.isDirectory(dir)) {
                throw new Testbed.UserError("no such run directory: " + dir);
            }
        }
        Comparison comparison;
        try {
            comparison = Comparison.of(a, b);
        } catch (IllegalArgumentException e) {
            throw new Testbed.UserError(e.getMessage());
        }
        Path dir = out != null ? out : b;
        comparison.writeTo(dir);
        PrintWriter stdout = spec.commandLine().getOut();
        comparison.summary().forEach(stdout::println);
        stdout.println("comparison: " + dir.resolve(Comparison.COMPARE_HTML));
        return comparison.hasNewFindings() ? Testbed.UNEXPECTED : 0;
    }
}
