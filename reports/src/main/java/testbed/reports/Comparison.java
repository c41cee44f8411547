package testbed.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import testbed.corpus.Outcome;
import testbed.faults.TrialLog;
import testbed.faults.TrialRecord;

/**
 * Two runs side by side: two campaign (or fuzz) output directories, A the baseline and B the
 * run under review, typically two isolation techniques or one technique before and after a
 * change. It reads what each run wrote ({@value ContainmentReport#SUMMARY_JSON},
 * {@value TrialLog#FILE_NAME}, {@value ContainmentReport#FINDINGS_SARIF}) and tells:
 *
 * <ul>
 *   <li>the trials whose outcome changed, matched by trial id (the same id is the same trial:
 *       entry, fault, mode and seed), counted per (fault, mode) and per change;</li>
 *   <li>the findings B has that A did not (new) and those A had that B has not (vanished),
 *       matched by signature;</li>
 *   <li>throughput (trials per second) and the outcome counts per mode of each run.</li>
 * </ul>
 *
 * <p>{@link #writeTo(Path)} writes {@value #COMPARE_HTML} and {@value #COMPARE_MD}. A new
 * finding is what a CI gate on a change to a technique wants to fail on:
 * {@link #hasNewFindings()}.
 */
public final class Comparison {
    /** The page to read. */
    public static final String COMPARE_HTML = "compare.html";
    /** The same tables in Markdown. */
    public static final String COMPARE_MD = "compare.md";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One run as read from its output directory. */
    record Run(Path dir, long trials, double trialsPerSecond, double elapsedSeconds, List<String> modes,
            Map<String, Map<String, Long>> byMode, Map<String, FindingRef> findings, boolean hasTrialLog) {
    }

    /** A finding as the comparison names it. */
    record FindingRef(String signature, String outcome, String mode, String trialId, long trials, String message, String replay) {
    }

    /** Trials of one (fault, mode) whose outcome changed from {@code from} to {@code to}. */
    record Change(String fault, String mode, String from, String to, long trials, String example) {
    }

    final Run a;
    final Run b;
    final long common;
    final long onlyA;
    final long onlyB;
    final List<Change> changes;
    final List<FindingRef> added;
    final List<FindingRef> vanished;

    private Comparison(Run a, Run b, long common, long onlyA, long onlyB, List<Change> changes, List<FindingRef> added,
            List<FindingRef> vanished) {
        this.a = a;
        this.b = b;
        this.common = common;
        this.onlyA = onlyA;
        this.onlyB = onlyB;
        this.changes = changes;
        this.added = added;
        this.vanished = vanished;
    }

    /**
     * Compares the runs in two output directories.
     *
     * @throws IllegalArgumentException if a directory is not a campaign's or a fuzz run's output
     *     (the message is one line and names the directory)
     * @throws IOException if a file cannot be read
     */
    public static Comparison of(Path baseline, Path candidate) throws IOException {
        Run a = read(baseline);
        Run b = read(candidate);
        List<TrialRecord> recordsA = a.hasTrialLog ? TrialLog.read(baseline.resolve(TrialLog.FILE_NAME)) : List.of();
        List<TrialRecord> recordsB = b.hasTrialLog ? TrialLog.read(candidate.resolve(TrialLog.FILE_NAME)) : List.of();
        Map<String, Outcome> outcomeA = new HashMap<>();
        recordsA.forEach(r -> outcomeA.put(r.id(), r.outcome()));
        Map<String, Outcome> outcomeB = new HashMap<>();
        recordsB.forEach(r -> outcomeB.put(r.id(), r.outcome()));
        long common = 0;
        Map<List<String>, long[]> counts = new TreeMap<>(Comparison::compareKeys);
        Map<List<String>, String> examples = new HashMap<>();
        for (TrialRecord r : recordsB) {
            Outcome before = outcomeA.get(r.id());
            if (before == null) {
                continue;
            }
            common++;
            if (before != r.outcome()) {
                List<String> key = List.of(r.fault(), r.mode(), before.name(), r.outcome().name());
                counts.computeIfAbsent(key, k -> new long[1])[0]++;
                examples.putIfAbsent(key, r.id());
            }
        }
        long onlyA = outcomeA.keySet().stream().filter(id -> !outcomeB.containsKey(id)).count();
        long onlyB = outcomeB.keySet().stream().filter(id -> !outcomeA.containsKey(id)).count();
        List<Change> changes = new ArrayList<>();
        counts.forEach((k, n) -> changes.add(new Change(k.get(0), k.get(1), k.get(2), k.get(3), n[0], examples.get(k))));
        List<FindingRef> added = new ArrayList<>();
        b.findings.forEach((signature, f) -> {
            if (!a.findings.containsKey(signature)) {
                added.add(f);
            }
        });
        List<FindingRef> vanished = new ArrayList<>();
        a.findings.forEach((signature, f) -> {
            if (!b.findings.containsKey(signature)) {
                vanished.add(f);
            }
        });
        return new Comparison(a, b, common, onlyA, onlyB, List.copyOf(changes), List.copyOf(added), List.copyOf(vanished));
    }

    /** Whether B has a finding A did not: the change under review let something new through. */
    public boolean hasNewFindings() {
        return !added.isEmpty();
    }

    /** Trials matched by id whose outcome differs between the runs. */
    public long changedTrials() {
        return changes.stream().mapToLong(Change::trials).sum();
    }

    /** Signatures of B's findings that A did not have, in B's order. */
    public List<String> newFindings() {
        return added.stream().map(FindingRef::signature).toList();
    }

    /** Signatures of A's findings that B no longer has, in A's order. */
    public List<String> vanishedFindings() {
        return vanished.stream().map(FindingRef::signature).toList();
    }

    /** B's throughput over A's; 0 when A recorded none. */
    public double throughputRatio() {
        return a.trialsPerSecond == 0 ? 0 : b.trialsPerSecond / a.trialsPerSecond;
    }

    /** A few lines for a terminal: what changed, the new and vanished findings, throughput. */
    public List<String> summary() {
        List<String> out = new ArrayList<>();
        out.add(String.format(java.util.Locale.ROOT, "A %s: %d trials, %.0f trials/s; B %s: %d trials, %.0f trials/s (B/A %.2f)",
                a.dir, a.trials, a.trialsPerSecond, b.dir, b.trials, b.trialsPerSecond, throughputRatio()));
        out.add(common + " trials in both, " + changedTrials() + " changed outcome; " + onlyA + " only in A, " + onlyB + " only in B");
        for (Change c : changes) {
            out.add(String.format(java.util.Locale.ROOT, "  %-24s %-10s %s -> %s: %d", c.fault, c.mode, c.from, c.to, c.trials));
        }
        out.add("findings: " + added.size() + " new, " + vanished.size() + " vanished");
        added.forEach(f -> out.add("  new      " + f.signature + " (" + f.trialId + ")"));
        vanished.forEach(f -> out.add("  vanished " + f.signature + " (" + f.trialId + ")"));
        return out;
    }

    /**
     * Writes {@value #COMPARE_HTML} and {@value #COMPARE_MD} into {@code dir}, creating it if
     * needed; each file is moved into place whole.
     */
    public void writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        write(dir, COMPARE_HTML, ComparisonPages.html(this));
        write(dir, COMPARE_MD, ComparisonPages.markdown(this));
    }

    private static void write(Path dir, String name, String content) throws IOException {
        Path partial = dir.resolve(name + ".partial");
        Files.writeString(partial, content, StandardCharsets.UTF_8);
        Files.move(partial, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static int compareKeys(List<String> x, List<String> y) {
        for (int i = 0; i < x.size(); i++) {
            int c = x.get(i).compareTo(y.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static Run read(Path dir) throws IOException {
        Path summary = dir.resolve(ContainmentReport.SUMMARY_JSON);
        if (!Files.isRegularFile(summary)) {
            throw new IllegalArgumentException(dir + " is not a campaign or fuzz output directory (no "
                    + ContainmentReport.SUMMARY_JSON + ")");
        }
        JsonNode root;
        try {
            root = JSON.readTree(summary.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(summary + ": not a summary: " + e.getOriginalMessage());
        }
        if (root == null || !root.has("trials") || !root.has("byMode")) {
            throw new IllegalArgumentException(summary + ": not a campaign summary (no trials or byMode)");
        }
        List<String> modes = new ArrayList<>();
        Map<String, Map<String, Long>> byMode = new LinkedHashMap<>();
        root.path("byMode").fields().forEachRemaining(e -> {
            modes.add(e.getKey());
            Map<String, Long> counts = new LinkedHashMap<>();
            e.getValue().fields().forEachRemaining(o -> counts.put(o.getKey(), o.getValue().asLong()));
            byMode.put(e.getKey(), counts);
        });
        boolean log = Files.isRegularFile(dir.resolve(TrialLog.FILE_NAME));
        return new Run(dir, root.path("trials").asLong(), root.path("trialsPerSecond").asDouble(), root.path("elapsedSeconds").asDouble(),
                modes, byMode, findings(dir, log), log);
    }

    /** The run's findings from its SARIF log, or, for a run written before there was one, from its unexpected trials. */
    private static Map<String, FindingRef> findings(Path dir, boolean log) throws IOException {
        Map<String, FindingRef> out = new LinkedHashMap<>();
        Path sarif = dir.resolve(ContainmentReport.FINDINGS_SARIF);
        if (Files.isRegularFile(sarif)) {
            JsonNode root;
            try {
                root = JSON.readTree(sarif.toFile());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException(sarif + ": not a SARIF log: " + e.getOriginalMessage());
            }
            for (JsonNode run : root.path("runs")) {
                for (JsonNode r : run.path("results")) {
                    String signature = r.path("partialFingerprints").path(Sarif.FINGERPRINT).asText();
                    JsonNode p = r.path("properties");
                    out.putIfAbsent(signature, new FindingRef(signature, r.path("ruleId").asText(), p.path("mode").asText(),
                            p.path("trialId").asText(), p.path("trials").asLong(), r.path("message").path("text").asText(),
                            p.path("replay").asText()));
                }
            }
            return out;
        }
        if (log) {
            for (TrialRecord r : TrialLog.read(dir.resolve(TrialLog.FILE_NAME))) {
                if (r.unexpected()) {
                    FindingRef known = out.get(r.signature());
                    out.put(r.signature(), known == null
                            ? new FindingRef(r.signature(), r.outcome().name(), r.mode(), r.id(), 1, r.detail(), r.replayCommand())
                            : new FindingRef(known.signature, known.outcome, known.mode, known.trialId, known.trials + 1, known.message,
                                    known.replay));
                }
            }
        }
        return out;
    }
}
