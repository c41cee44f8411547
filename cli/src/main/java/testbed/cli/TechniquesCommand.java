package testbed.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import testbed.sandbox.Protection;

/** {@code testbed techniques}: the names {@code --modes} accepts, built-in modes and plug-ins side by side. */
@Command(name = "techniques", mixinStandardHelpOptions = true,
        description = {"Lists the isolation techniques --modes can name: the built-in protection modes and the plug-ins",
                "of every --technique-jar, with what each does."})
final class TechniquesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    TechniqueOptions techniques;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (Protection p : techniques.protections().all()) {
            out.printf("%-14s %s%n", p.name(), p.description());
        }
        return 0;
    }
}
