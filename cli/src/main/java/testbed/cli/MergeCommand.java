package testbed.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import testbed.faults.TrialLog;
import testbed.reports.ContainmentReport;
import testbed.reports.CountsFile;
import testbed.reports.Provenance;

/** {@code testbed merge OUT DIR...}: the report of a campaign run as shards. */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = {"Merges the shards of one campaign (run with campaign --shard I/N) into the whole campaign's report.",
                "Checks that the shards belong to one campaign (plan, seed, corpus, modes, tool), that none is missing or",
                "given twice and that each holds exactly its trials; writes trials.jsonl, findings/ and every report file to OUT."})
final class MergeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OUT", description = "Directory for the merged campaign (new or empty).")
    Path out;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "DIR",
            description = "Shard directories, or directories holding them (the --out of the sharded campaign).")
    List<Path> dirs;

    @Option(names = "--allow-partial", description = "Report what is there when shards or trials are missing, and say what is missing.")
    boolean allowPartial;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        List<ShardMerge.Part> parts = ShardMerge.parts(dirs);
        Path target = out.toAbsolutePath().normalize();
        for (ShardMerge.Part p : parts) {
            if (p.dir().toAbsolutePath().normalize().equals(target)) {
                throw new Testbed.UserError("OUT " + out + " is one of the shards; merge into another directory");
            }
        }
        if (Files.exists(out.resolve(TrialLog.FILE_NAME)) || CampaignFile.isIn(out)) {
            throw new Testbed.UserError(out + " already holds a campaign; merge into a new directory");
        }
        long start = System.nanoTime();
        ShardMerge.Result merged = ShardMerge.merge(parts, out, allowPartial);
        long written = System.nanoTime();
        CampaignFile first = parts.get(0).file();
        new CampaignFile(merged.settings(), merged.elapsed(), merged.corpusDigest(), first.toolVersion(), first.gitCommit(),
                null, null).write(out);
        Provenance provenance = Launcher.provenance(Launcher.arguments(spec), merged.settings().corpus(), merged.corpusDigest());
        ContainmentReport.of(merged.settings(), merged.counts(), merged.findings(), merged.elapsed(), provenance).writeTo(out);
        double wall = Math.max(1e-9, merged.elapsed().toNanos() / 1e9);
        stdout.printf("merged %d shards of %d: %d trials, %.1f s from the first shard's start to the last one's end (%.0f trials/s)%n",
                merged.parts().size(), parts.get(0).shard().count(), merged.counts().trials(), wall, merged.counts().trials() / wall);
        for (ShardMerge.Part p : merged.parts()) {
            stdout.println("  shard " + p.shard() + "  " + p.dir());
        }
        if (!merged.missing().isEmpty()) {
            spec.commandLine().getErr().println("testbed: partial merge; missing: " + String.join("; ", merged.missing()));
        }
        stdout.println("findings: " + merged.findings().size() + (merged.findings().isEmpty() ? "" : " (unexpected outcomes; see the report)"));
        stdout.printf("checked and streamed in %.1f s (%d shards taken from their %s, %d read whole), report written in %.1f s%n",
                (written - start) / 1e9, merged.fromCounts(), CountsFile.FILE_NAME, merged.parts().size() - merged.fromCounts(),
                (System.nanoTime() - written) / 1e9);
        stdout.println("report: " + out.resolve(ContainmentReport.INDEX_HTML));
        return merged.counts().unexpected().isEmpty() ? 0 : Testbed.UNEXPECTED;
    }
}
