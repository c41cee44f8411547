package testbed.reports;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import testbed.faults.TrialRecord;

/**
 * {@code junit.xml}: the campaign as test results a CI system understands. One
 * {@code <testsuite>} per protection mode. In it, per (entry, fault) group, one passing
 * {@code <testcase>} standing for the group's trials that met their expectation, and one
 * {@code <testcase>} with a {@code <failure>} per unexpected trial, whose message carries the
 * replay command. Class names are {@code MODE.entry}, test names the fault kind, so a CI
 * history tracks the same case from run to run.
 */
final class JunitXml {
    private final StringBuilder out = new StringBuilder();

    private JunitXml() {
    }

    static String render(ContainmentReport report) {
        JunitXml xml = new JunitXml();
        xml.write(report);
        return xml.out.toString();
    }

    private void write(ContainmentReport report) {
        Tally tally = report.tally;
        Map<String, List<TrialCounts.Cell>> byMode = new LinkedHashMap<>();
        for (String mode : tally.modes) {
            byMode.put(mode, new ArrayList<>());
        }
        for (TrialCounts.Cell c : report.counts.cells()) {
            byMode.get(c.mode).add(c);
        }
        // (entry, fault, mode) → its unexpected trials, each a failure of its own
        Map<List<String>, List<TrialRecord>> failed = new HashMap<>();
        for (TrialRecord r : report.counts.unexpected()) {
            failed.computeIfAbsent(List.of(r.entry(), r.fault(), r.mode()), k -> new ArrayList<>()).add(r);
        }
        Comparator<TrialCounts.Cell> caseOrder = Comparator.comparing((TrialCounts.Cell c) -> c.entry)
                .thenComparingInt(c -> tally.faults.indexOf(c.fault));
        Comparator<TrialRecord> trialOrder = Comparator.comparingLong(TrialRecord::seed).thenComparing(TrialRecord::id);

        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        out.append("<testsuites name=\"containment\" tests=\"").append(report.counts.trials())
                .append("\" failures=\"").append(tally.all.unexpected())
                .append("\" errors=\"0\" time=\"").append(seconds(report.elapsed.toNanos() / 1000)).append("\">\n");
        byMode.forEach((mode, cells) -> {
            cells.sort(caseOrder);
            List<String> cases = new ArrayList<>();
            int failures = 0;
            long micros = 0;
            for (TrialCounts.Cell cell : cells) {
                if (cell.met > 0) {
                    cases.add(testcase(mode, cell.entry, cell.fault, cell.metMicros, null));
                }
                List<TrialRecord> unexpected = failed.getOrDefault(List.of(cell.entry, cell.fault, mode), List.of());
                for (TrialRecord r : unexpected.stream().sorted(trialOrder).toList()) {
                    cases.add(testcase(mode, r.entry(), r.fault() + " seed " + r.seed(), r.micros(), failure(r, report.provenance)));
                    failures++;
                }
                micros += cell.micros;
            }
            out.append("  <testsuite name=\"").append(Escape.markup(mode))
                    .append("\" tests=\"").append(cases.size())
                    .append("\" failures=\"").append(failures)
                    .append("\" errors=\"0\" skipped=\"0\" time=\"").append(seconds(micros)).append("\">\n");
            cases.forEach(out::append);
            out.append("  </testsuite>\n");
        });
        out.append("</testsuites>\n");
    }

    private static String testcase(String mode, String entry, String name, long micros, String failure) {
        String open = "    <testcase classname=\"" + Escape.markup(mode + "." + entry) + "\" name=\"" + Escape.markup(name)
                + "\" time=\"" + seconds(micros) + "\"";
        return failure == null ? open + "/>\n" : open + ">\n" + failure + "    </testcase>\n";
    }

    /** The failure: outcome and replay command in the message; detail and violations in the body. */
    private static String failure(TrialRecord r, Provenance provenance) {
        String expected = r.expected() == null ? "any" : r.expected().name();
        String message = r.outcome() + " (expected " + expected + "): " + Escape.replayCommand(r, provenance);
        StringBuilder body = new StringBuilder();
        body.append("trial ").append(r.id()).append('\n');
        if (r.trapKind() != null) {
            body.append("trap ").append(r.trapKind()).append('\n');
        }
        if (r.detail() != null && !r.detail().isEmpty()) {
            body.append(r.detail()).append('\n');
        }
        for (String v : r.violations()) {
            body.append("violation: ").append(v).append('\n');
        }
        body.append("replay: ").append(Escape.replayCommand(r, provenance));
        return "      <failure type=\"" + r.outcome() + "\" message=\"" + Escape.markup(message) + "\">"
                + Escape.markup(body.toString()) + "</failure>\n";
    }

    private static String seconds(long micros) {
        return String.format(Locale.ROOT, "%.3f", micros / 1e6);
    }
}
