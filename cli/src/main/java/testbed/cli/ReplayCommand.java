package testbed.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import testbed.corpus.Corpus;
import testbed.faults.Campaign;
import testbed.faults.TrialId;
import testbed.faults.TrialRecord;

/** {@code testbed replay ID}: reruns one trial exactly, in a worker JVM, and prints what happened. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Reruns one trial from its id and prints what happened.",
                "The id is as printed in a report (entry~fault~MODE~seed); the outcome, the oracle's violations and the",
                "trap are printed. Exit code 1 if the outcome is still unexpected."})
final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The trial id.")
    String id;

    @Option(names = "--corpus", defaultValue = Corpus.BUNDLED, paramLabel = "LOCATION", description = "Where the entry lives (default: bundled).")
    String corpus;

    @Mixin
    TechniqueOptions techniques;

    @Override
    public Integer call() throws IOException {
        TrialId trial;
        try {
            trial = TrialId.parse(id);
        } catch (IllegalArgumentException e) {
            throw new Testbed.UserError(e.getMessage());
        }
        Corpus entries = Modes.corpus(corpus);
        CorpusCommand.requireEntry(entries, trial.entry());
        Modes.faults(List.of(trial.fault()));
        Modes.modes(List.of(trial.mode()), techniques.protections());
        Path scratch = Modes.scratch("testbed-replay");
        Campaign.Result result;
        try {
            result = Campaign.of(List.of(trial), entries, scratch, techniques.workerJvm(), 1).run(p -> { });
        } finally {
            Modes.deleteTree(scratch);
        }
        if (result.records().isEmpty()) {
            throw new Testbed.UserError("the trial was not run: " + (result.infrastructure().isEmpty() ? "interrupted"
                    : "its worker was lost to the host on every attempt (" + result.infrastructure().get(result.infrastructure().size() - 1).reason() + ")"));
        }
        TrialRecord r = result.records().get(0);
        PrintWriter out = spec.commandLine().getOut();
        out.println("trial     " + r.id());
        out.println("outcome   " + r.outcome() + (r.expected() == null ? "" : " (expected " + r.expected() + ")")
                + (r.unexpected() ? "  UNEXPECTED" : ""));
        if (r.trapKind() != null) {
            out.println("trap      " + r.trapKind());
        }
        if (!r.detail().isEmpty()) {
            out.println("detail    " + r.detail());
        }
        for (String v : r.violations()) {
            out.println("violation " + v);
        }
        out.println("time      " + r.micros() + " us");
        return r.unexpected() ? Testbed.UNEXPECTED : 0;
    }
}
