package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.corpus.Outcome;
import testbed.faults.Campaign;
import testbed.faults.CampaignSettings;
import testbed.faults.Finding;
import testbed.faults.TrialLog;
import testbed.faults.TrialRecord;
import testbed.reports.ContainmentReport;
import testbed.reports.CountsFile;
import testbed.reports.TrialCounts;

/**
 * {@code merge} of many synthetic shards, read side by side, writes exactly what reading their
 * logs one after another with the ordinary reader gives: the same merged log byte for byte (a
 * shard with blank lines and carriage returns included), the same counts, findings and report.
 */
class MergeOfManyShardsTest {
    private static final int SHARDS = 7;
    private static final int PER_SHARD = 400;
    @TempDir
    Path dir;

    @Test
    void theMergedReportIsThatOfTheShardsLogsReadOneAfterAnother() throws IOException {
        Path shards = dir.resolve("shards");
        SyntheticShards.write(templates(), shards, SHARDS, PER_SHARD);
        // one shard's log as an editor on another system might leave it: a copy must go line by line
        Path odd = shards.resolve("shard-3-of-7").resolve(TrialLog.FILE_NAME);
        List<String> lines = Files.readAllLines(odd, StandardCharsets.UTF_8);
        Files.writeString(odd, String.join("\r\n", lines.subList(0, 10)) + "\r\n\n" + String.join("\n", lines.subList(10, lines.size())) + "\n");

        Path merged = dir.resolve("merged");
        Cli merge = Cli.run("merge", merged.toString(), shards.toString());

        assertThat(merge.exit).as(merge.toString()).isEqualTo(Testbed.UNEXPECTED);
        assertThat(merge.out).contains("merged 7 shards of 7: " + SHARDS * PER_SHARD + " trials");
        Path reference = dir.resolve("reference");
        List<Finding> findings = readOneAfterAnother(shards, reference, List.of("merge", merged.toString(), shards.toString()));
        assertThat(findings).hasSizeGreaterThan(1);
        assertThat(Files.readAllBytes(merged.resolve(TrialLog.FILE_NAME))).isEqualTo(Files.readAllBytes(reference.resolve(TrialLog.FILE_NAME)));
        assertThat(summary(merged)).isEqualTo(summary(reference));
        for (String file : List.of(ContainmentReport.JUNIT_XML, ContainmentReport.FINDINGS_SARIF)) {
            assertThat(merged.resolve(file)).as(file).hasSameTextualContentAs(reference.resolve(file));
        }
        assertThat(merge.out).contains("findings: " + findings.size());
    }

    @Test
    void countsFilesGiveTheReportReadingTheLogsGivesAndAStaleOneIsNotTrusted() throws IOException {
        Path shards = dir.resolve("shards");
        SyntheticShards.write(templates(), shards, SHARDS, PER_SHARD);
        // Both merges into the same directory (the first moved aside after): the reports name their command line.
        Path fromCounts = dir.resolve("merged");
        Cli read = Cli.run("merge", fromCounts.toString(), shards.toString());
        assertThat(read.out).as(read.toString()).contains("0 shards taken from their " + CountsFile.FILE_NAME + ", 7 read whole");
        Path fromLogs = Files.move(fromCounts, dir.resolve("from-logs"));

        SyntheticShards.writeCounts(shards);
        Cli counted = Cli.run("merge", fromCounts.toString(), shards.toString());
        assertThat(counted.exit).as(counted.toString()).isEqualTo(read.exit);
        assertThat(counted.out).contains("7 shards taken from their " + CountsFile.FILE_NAME + ", 0 read whole");
        assertThat(Files.readAllBytes(fromCounts.resolve(TrialLog.FILE_NAME))).isEqualTo(Files.readAllBytes(fromLogs.resolve(TrialLog.FILE_NAME)));
        assertThat(summary(fromCounts)).isEqualTo(summary(fromLogs));
        for (String file : List.of(ContainmentReport.JUNIT_XML, ContainmentReport.FINDINGS_SARIF)) {
            assertThat(fromCounts.resolve(file)).as(file).hasSameTextualContentAs(fromLogs.resolve(file));
        }

        // A record appended after the counts were written (the same trial again): the log is read whole and the duplicate found.
        Path log = shards.resolve("shard-2-of-7").resolve(TrialLog.FILE_NAME);
        String firstLine = Files.readAllLines(log, StandardCharsets.UTF_8).get(0);
        Files.writeString(log, firstLine + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        Cli stale = Cli.run("merge", dir.resolve("stale").toString(), shards.toString());
        assertThat(stale.exit).as(stale.toString()).isEqualTo(Testbed.USAGE);
        assertThat(stale.err).contains("shard-2-of-7").contains("1 trials twice or not in its part of the plan");
    }

    /** summary.json less the provenance: the date and the command differ. */
    private static JsonNode summary(Path campaign) throws IOException {
        ObjectNode summary = (ObjectNode) new ObjectMapper().readTree(campaign.resolve(ContainmentReport.SUMMARY_JSON).toFile());
        summary.remove("provenance");
        return summary;
    }

    /** What merging did before shards were read side by side: each log in shard order through {@link TrialLog#eachLine}. */
    private static List<Finding> readOneAfterAnother(Path shards, Path out, List<String> command) throws IOException {
        List<ShardMerge.Part> parts = ShardMerge.parts(List.of(shards));
        TrialCounts counts = new TrialCounts();
        Map<String, Finding> findings = new LinkedHashMap<>();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        for (ShardMerge.Part p : parts) {
            TrialLog.eachLine(p.dir().resolve(TrialLog.FILE_NAME), (r, line) -> {
                log.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
                counts.add(r);
                if (r.unexpected()) {
                    Finding f = findings.get(r.signature());
                    findings.put(r.signature(), f == null ? new Finding(r.signature(), r, 1, Campaign.folder(r))
                            : new Finding(f.signature(), f.first(), f.count() + 1, f.folder()));
                }
            });
        }
        Files.createDirectories(out);
        Files.write(out.resolve(TrialLog.FILE_NAME), log.toByteArray());
        CampaignSettings settings = parts.get(0).file().settings().whole();
        String digest = parts.get(0).file().corpusDigest();
        ContainmentReport.of(settings, counts, List.copyOf(findings.values()), ShardMerge.wallTime(parts),
                Launcher.provenance(command, settings.corpus(), digest)).writeTo(out);
        return List.copyOf(findings.values());
    }

    /** A record per fault kind and mode, a few of them unexpected, with phases and texts that need escaping. */
    private static List<TrialRecord> templates() {
        List<TrialRecord> templates = new ArrayList<>();
        List<String> faults = Modes.faults(List.of());
        List<String> modes = Modes.names(Modes.builtIns());
        Outcome[] outcomes = Outcome.values();
        for (int f = 0; f < faults.size(); f++) {
            for (int m = 0; m < modes.size(); m++) {
                Outcome outcome = outcomes[(f + m) % outcomes.length];
                boolean unexpected = (f * modes.size() + m) % 11 == 0;
                Map<String, Long> phases = new LinkedHashMap<>();
                for (int p = 0; p < TrialRecord.PHASES.size(); p++) {
                    phases.put(TrialRecord.PHASES.get(p), (long) (f * 31 + m * 7 + p));
                }
                String id = "memory/Template~" + faults.get(f) + "~" + modes.get(m) + "~1";
                templates.add(new TrialRecord(id, "memory/Template", "memory", faults.get(f), "memory", modes.get(m), 1, outcome,
                        unexpected ? Outcome.CONTAINED : null, unexpected, null, "détail \"" + f + "\" \\ <" + m + ">",
                        unexpected ? List.of("page " + f + " written") : List.of(), outcome + "|" + modes.get(m) + "|site" + f % 3,
                        100 + f * m, phases));
            }
        }
        return templates;
    }
}
