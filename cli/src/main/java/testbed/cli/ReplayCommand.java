package testbed.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
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
import testbed.faults.fuzz.Fuzzer;
import testbed.faults.fuzz.GeneratedTrial;
import testbed.faults.fuzz.ModeRun;
import testbed.faults.fuzz.ProgramVerdict;
import testbed.faults.fuzz.PropertyFailure;
import testbed.sandbox.Protection;

/** {@code testbed replay ID}: reruns one trial exactly, in a worker JVM, and prints what happened. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Reruns one trial from its id and prints what happened.",
                "The id is as printed in a report (entry~fault~MODE~seed); the outcome, the oracle's violations and the",
                "trap are printed. A generated program's id (generated/G<hex>~generated~MODE~seed, from a fuzz run) is",
                "regenerated from its seed and checked as the fuzzer checks it. Exit code 1 if the outcome is still unexpected."})
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
        if (GeneratedTrial.names(trial)) {
            return replayGenerated(trial);
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
        print(r.id(), r.outcome() + (r.expected() == null ? "" : " (expected " + r.expected() + ")") + (r.unexpected() ? "  UNEXPECTED" : ""),
                r.trapKind(), r.detail(), r.violations(), List.of(), r.micros());
        return r.unexpected() ? Testbed.UNEXPECTED : 0;
    }

    /** What a replayed trial did, one field a line; {@code broken} are the fuzz properties it broke. */
    private void print(String id, String outcome, String trapKind, String detail, List<String> violations, List<PropertyFailure> broken,
            long micros) {
        PrintWriter out = spec.commandLine().getOut();
        out.println("trial     " + id);
        out.println("outcome   " + outcome);
        if (trapKind != null) {
            out.println("trap      " + trapKind);
        }
        if (!detail.isEmpty()) {
            out.println("detail    " + detail);
        }
        for (String v : violations) {
            out.println("violation " + v);
        }
        for (PropertyFailure f : broken) {
            out.println("broken    " + f);
        }
        out.println("time      " + micros + " us");
    }

    /**
     * A generated program's trial: the program is regenerated from the seed its id names and
     * checked in-process as the fuzzer checks it (unprotected only within the reference
     * interpreter's limits, so it cannot hang), in the fuzzer's default modes and the trial's.
     */
    private int replayGenerated(TrialId id) {
        GeneratedTrial trial;
        try {
            trial = GeneratedTrial.of(id);
        } catch (IllegalArgumentException e) {
            throw new Testbed.UserError(e.getMessage());
        }
        Protection mode = Modes.modes(List.of(trial.mode()), techniques.protections()).get(0);
        List<Protection> checked = new ArrayList<>(Fuzzer.defaultModes());
        if (!mode.unprotected() && !checked.contains(mode)) {
            checked.add(mode);
        }
        ProgramVerdict v = trial.check(checked);
        ModeRun r = v.run(mode.name());
        if (r == null) {
            throw new Testbed.UserError("trial " + id + " was not run: the reference interpreter stopped the program at a limit, "
                    + "so the fuzzer does not run it " + mode.name());
        }
        List<PropertyFailure> broken = v.failures().stream().filter(f -> f.concerns(mode.name())).toList();
        print(id.toString(), r.outcome() + (broken.isEmpty() ? "" : "  UNEXPECTED"), r.trapKind(), r.detail(), r.violations(), broken,
                r.micros());
        return broken.isEmpty() ? 0 : Testbed.UNEXPECTED;
    }
}
