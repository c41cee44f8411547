package testbed.reports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import testbed.faults.CampaignSettings;

/**
 * {@code summary.json}: the counts as data. Keys, in order: {@code trials}, {@code elapsedSeconds},
 * {@code trialsPerSecond}, {@code unexpected}, {@code findings}, {@code settings},
 * {@code outcomes} (all trials), {@code byMode} (mode → outcome → count), {@code byFault}
 * (fault → mode → outcome → count), {@code byFaultFamily} (family → outcome → count). Every
 * outcome map has all seven outcomes as keys.
 */
final class SummaryJson {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private SummaryJson() {
    }

    static String render(ContainmentReport report) throws JsonProcessingException {
        Tally tally = report.tally;
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("trials", report.records.size());
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
        return JSON.writeValueAsString(root) + "\n";
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
