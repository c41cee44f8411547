package testbed.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import testbed.corpus.Corpus;
import testbed.faults.CampaignPlan;
import testbed.faults.CampaignSettings;
import testbed.faults.Shard;
import testbed.faults.TrialId;
import testbed.faults.TrialLog;
import testbed.faults.TrialRecord;
import testbed.reports.CountsFile;
import testbed.reports.Provenance;
import testbed.reports.TrialCounts;

/**
 * Shard directories of a campaign too big to run here, for measuring {@code merge}: every trial
 * of each shard's part of the real plan, its record copied from a real trial of the same fault
 * and mode (and entry, where the template log has one) with the planned id. Run from the cli
 * module's test classes:
 *
 * <pre>
 * java -cp target/test-classes:target/testbed.jar testbed.cli.SyntheticShards TEMPLATE.jsonl OUT SHARDS TRIALS_PER_SHARD [--counts]
 * </pre>
 */
final class SyntheticShards {
    private SyntheticShards() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[1]);
        write(TrialLog.read(Path.of(args[0])), out, Integer.parseInt(args[2]), Long.parseLong(args[3]));
        if (args.length > 4 && args[4].equals("--counts")) {
            writeCounts(out);
        }
    }

    /** Gives every shard under {@code out} the counts file a campaign writes when it ends, counted from its log. */
    static void writeCounts(Path out) throws IOException {
        try (Stream<Path> dirs = Files.list(out)) {
            for (Path dir : dirs.filter(d -> Files.exists(d.resolve(TrialLog.FILE_NAME))).toList()) {
                TrialCounts counts = new TrialCounts();
                TrialLog.each(dir.resolve(TrialLog.FILE_NAME), counts::add);
                CountsFile.write(dir, counts);
            }
        }
    }

    /** Writes {@code shards} shard directories of {@code perShard} trials each under {@code out}, their records copied from {@code templates}. */
    static void write(List<TrialRecord> templates, Path out, int shards, long perShard) throws IOException {
        Corpus corpus = Corpus.bundled();
        CampaignSettings whole = new CampaignSettings("bundled", Modes.names(Modes.builtIns()), Modes.faults(List.of()), perShard * shards, null, 1, 1);
        CampaignPlan plan = CampaignPlan.of(whole, corpus);
        Map<String, TrialRecord> byCell = new HashMap<>();
        Map<String, TrialRecord> byFaultAndMode = new HashMap<>();
        for (TrialRecord r : templates) {
            byCell.putIfAbsent(r.entry() + "~" + r.fault() + "~" + r.mode(), r);
            byFaultAndMode.putIfAbsent(r.fault() + "~" + r.mode(), r);
        }
        Provenance build = Launcher.provenance(List.of(), "bundled", corpus);
        int modes = whole.modes().size();
        for (int i = 0; i < shards; i++) {
            Shard shard = new Shard(i, shards);
            CampaignSettings settings = new CampaignSettings("bundled", whole.modes(), whole.faults(), whole.trials(), null, 1, 1, shard);
            Path dir = out.resolve(shard.folder());
            Files.createDirectories(dir);
            new CampaignFile(settings, Duration.ofSeconds(60), build.corpusDigest(), build.toolVersion(), build.gitCommit(),
                    Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2026-12-01T00:01:00Z")).write(dir);
            try (TrialLog log = TrialLog.appendTo(dir.resolve(TrialLog.FILE_NAME))) {
                for (long n = shard.next(0, modes); n < whole.trials(); n = shard.next(n + 1, modes)) {
                    TrialId id = plan.trial(n);
                    TrialRecord t = byCell.getOrDefault(id.entry() + "~" + id.fault() + "~" + id.mode(), byFaultAndMode.get(id.fault() + "~" + id.mode()));
                    log.append(new TrialRecord(id.toString(), id.entry(), id.entry().substring(0, id.entry().indexOf('/')), id.fault(),
                            t.faultFamily(), id.mode(), id.seed(), t.outcome(), t.expected(), t.unexpected(), t.trapKind(), t.detail(),
                            t.violations(), t.signature(), t.micros(), t.phases()));
                }
            }
        }
    }
}
