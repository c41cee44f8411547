package testbed.reports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import testbed.corpus.Outcome;
import testbed.faults.CampaignSettings;
import testbed.faults.RateBound;
import testbed.faults.TrialRecord;

/**
 * {@code summary.json}: the counts as data. Keys, in order: {@code trials}, {@code elapsedSeconds},
 * {@code trialsPerSecond}, {@code unexpected}, {@code findings}, {@code settings},
 * {@code outcomes} (all trials), {@code byMode} (mode → outcome → count), {@code byFault}
 * (fault → mode → outcome → count), {@code byFaultFamily} (family → outcome → count),
 * {@code escapeBounds} (mode → escapes, trials, the 95% upper bound on the escape rate and the
 * sentence that states it), {@code phaseMicros} (mode → mean microseconds of a trial and of
 * each of its phases, over the trials that timed them), {@code balance} (whether every
 * (entry, fault) pair ran equally often in every mode) and {@code provenance} (tool, commit,
 * JVM, host, date, command line, corpus digest). Every outcome map has all seven outcomes as keys.
 */
final class SummaryJson {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private SummaryJson() {
    }

    static String render(ContainmentReport report) throws JsonProcessingException {
        Tally tally = report.tally;
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("trials", report.counts.trials());
        root.put("elapsedSeconds", Figures.round(report.elapsed.toNanos() / 1e9, 3));
        root.put("trialsPerSecond", Figures.round(report.trialsPerSecond(), 2));
        root.put("unexpected", tally.all.unexpected());
        root.put("findings", report.findings.size());
        root.put("settings", settings(report.settings));
        root.put("outcomes", tally.all.asMap());
        Map<String, Object> byMode = new LinkedHashMap<>();
        tally.byMode.forEach((mode, counts) -> byMode.put(mode, counts.asMap()));
        root.put("byMode", byMode);
        Map<String, Object> byFault = new LinkedHashMap<>();
        tally.byFault.forEach((fault, row) -> {
            Map<String, Object> modes = new LinkedHashMap<>();
            row.forEach((mode, counts) -> modes.put(mode, counts.asMap()));
            byFault.put(fault, modes);
        });
        root.put("byFault", byFault);
        Map<String, Object> byFamily = new LinkedHashMap<>();
        tally.byFaultFamily.forEach((family, counts) -> byFamily.put(family, counts.asMap()));
        root.put("byFaultFamily", byFamily);
        root.put("escapeBounds", escapeBounds(report));
        root.put("phaseMicros", phaseMicros(report));
        Balance balance = Balance.of(tally.modes, report.counts);
        Map<String, Object> balanced = new LinkedHashMap<>();
        balanced.put("balanced", balance.balanced());
        balanced.put("pairs", balance.pairs());
        balanced.put("unbalancedPairs", balance.unbalancedPairs());
        balanced.put("trialsPerPairAndMode", minMax(balance));
        balanced.put("trialsPerMode", balance.trialsPerMode());
        root.put("balance", balanced);
        root.put("provenance", provenance(report.provenance));
        return JSON.writeValueAsString(root) + "\n";
    }

    /** Per mode: escapes, trials, and the 95% upper bound on the escape rate they support. */
    private static Map<String, Object> escapeBounds(ContainmentReport report) {
        Map<String, Object> out = new LinkedHashMap<>();
        report.tally.byMode.forEach((mode, counts) -> {
            long escapes = counts.asMap().getOrDefault(Outcome.ESCAPED.name(), 0);
            long trials = counts.total();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("escapes", escapes);
            m.put("trials", trials);
            m.put("upper95", RateBound.upper95(escapes, trials));
            m.put("statement", RateBound.sentence(escapes, trials, "escapes", mode));
            out.put(mode, m);
        });
        return out;
    }

    /** Per mode: mean microseconds of a trial and of each of its phases, over the trials that report phases. */
    private static Map<String, Object> phaseMicros(ContainmentReport report) {
        Map<String, long[]> sums = new LinkedHashMap<>();
        report.tally.modes.forEach(m -> sums.put(m, new long[TrialRecord.PHASES.size() + 2]));
        for (TrialCounts.Cell c : report.counts.cells()) {
            if (c.phased == 0) {
                continue;
            }
            long[] s = sums.computeIfAbsent(c.mode, m -> new long[TrialRecord.PHASES.size() + 2]);
            for (int i = 0; i < TrialRecord.PHASES.size(); i++) {
                s[i] += c.phaseMicros[i];
            }
            s[s.length - 2] += c.phasedMicros;
            s[s.length - 1] += c.phased;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        sums.forEach((mode, s) -> {
            long n = s[s.length - 1];
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("trials", n);
            m.put("trial", n == 0 ? 0 : Figures.round((double) s[s.length - 2] / n, 1));
            for (int i = 0; i < TrialRecord.PHASES.size(); i++) {
                m.put(TrialRecord.PHASES.get(i), n == 0 ? 0 : Figures.round((double) s[i] / n, 1));
            }
            out.put(mode, m);
        });
        return out;
    }

    private static Map<String, Object> minMax(Balance balance) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("min", balance.perPairMin());
        map.put("max", balance.perPairMax());
        return map;
    }

    private static Map<String, Object> provenance(Provenance p) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("toolVersion", p.toolVersion());
        map.put("gitCommit", p.gitCommit());
        map.put("jdk", p.jdk());
        map.put("jvmFlags", p.jvmFlags());
        map.put("cores", p.cores());
        map.put("memoryBytes", p.memoryBytes());
        map.put("maxHeapBytes", p.maxHeapBytes());
        map.put("date", p.date().toString());
        map.put("commandLine", p.commandLine());
        map.put("launcher", p.launcher());
        map.put("corpus", p.corpus());
        map.put("corpusDigest", p.corpusDigest());
        return map;
    }

    /** The settings; {@code timeLimit} in ISO-8601 ({@code PT10M}, what {@code Duration.parse} reads) or null. */
    private static Map<String, Object> settings(CampaignSettings s) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("corpus", s.corpus());
        map.put("modes", s.modes());
        map.put("faults", s.faults());
        map.put("trials", s.trials());
        map.put("timeLimit", s.timeLimit() == null ? null : s.timeLimit().toString());
        map.put("seed", s.seed());
        map.put("workers", s.workers());
        return map;
    }
}
