package testbed.reports;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import testbed.corpus.Outcome;
import testbed.faults.CampaignSettings;
import testbed.faults.Finding;
import testbed.faults.TrialRecord;

/** {@code report.md}: the report's tables in GitHub-flavoured Markdown, for a paper or a pull request. */
final class MarkdownReport {
    private final StringBuilder out = new StringBuilder();

    private MarkdownReport() {
    }

    static String render(ContainmentReport report) {
        MarkdownReport md = new MarkdownReport();
        md.write(report);
        return md.out.toString();
    }

    private void write(ContainmentReport report) {
        Tally tally = report.tally;
        line("# Containment report");
        line("");
        line(Figures.count(report.counts.trials()) + " trials in " + Figures.duration(report.elapsed)
                + " (" + Figures.rate(report.trialsPerSecond()) + " trials/s): "
                + Figures.count(tally.all.unexpected()) + " unexpected, "
                + Figures.count(report.findings.size()) + (report.findings.size() == 1 ? " finding." : " findings."));
        line("");

        line("## Campaign");
        line("");
        CampaignSettings s = report.settings;
        row("parameter", "value");
        rule("ll");
        row("corpus", Escape.markdown(s.corpus()));
        row("modes", Escape.markdown(String.join(", ", s.modes())));
        row("faults", Escape.markdown(String.join(", ", s.faults())));
        row("trial budget", s.trials() == 0 ? "until the time limit" : Figures.count(s.trials()));
        row("time limit", s.timeLimit() == null ? "none" : Figures.duration(s.timeLimit()));
        row("seed", Long.toString(s.seed()));
        row("workers", Integer.toString(s.workers()));
        line("");
        line(Balance.of(tally.modes, report.counts).statement());
        line("");

        line("## Provenance");
        line("");
        row("fact", "value");
        rule("ll");
        HtmlPage.provenance(report.provenance).forEach(p -> row(p.name(), Escape.markdown(p.value())));
        line("");

        line("## Containment by fault and protection mode");
        line("");
        line("Each cell counts the trials of one fault kind under one mode by outcome. **Bold** marks "
                + "ESCAPED, CRASHED and HUNG (damage the mode did not prevent); \"unexpected\" counts the "
                + "trials whose outcome differs from the expectation.");
        line("");
        List<String> header = new ArrayList<>(List.of("fault", "family"));
        for (String mode : tally.modes) {
            header.add(modeHeading(mode));
        }
        row(header.toArray(String[]::new));
        rule("l".repeat(header.size()));
        for (Map.Entry<String, Map<String, OutcomeCounts>> fault : tally.byFault.entrySet()) {
            List<String> cells = new ArrayList<>();
            cells.add(Escape.markdown(fault.getKey()));
            cells.add(Escape.markdown(tally.familyOf.getOrDefault(fault.getKey(), "")));
            for (OutcomeCounts counts : fault.getValue().values()) {
                cells.add(cell(counts));
            }
            row(cells.toArray(String[]::new));
        }
        line("");

        line("## Outcomes per protection mode");
        line("");
        countsTable("mode", tally.byMode, true);
        line("");

        line("## Outcomes per fault family");
        line("");
        countsTable("fault family", tally.byFaultFamily, false);
        line("");

        line("## Findings");
        line("");
        if (report.findings.isEmpty()) {
            line("No unexpected outcomes.");
        } else {
            row("#", "outcome", "expected", "entry", "fault", "mode", "trials", "signature", "replay", "folder");
            rule("rlllllrlll");
            int n = 1;
            for (Finding f : report.findings) {
                TrialRecord t = f.first();
                row(Integer.toString(n++), t.outcome().name(), t.expected() == null ? "any" : t.expected().name(),
                        Escape.markdown(t.entry()), Escape.markdown(t.fault()), Escape.markdown(t.mode()),
                        Figures.count(f.count()), Escape.markdown(f.signature()), Escape.markdownCode(Escape.replayCommand(t, report.provenance)),
                        "[" + Escape.markdown(f.folder()) + "](" + Escape.relativeHref(f.folder()) + ")");
            }
        }
    }

    /** Outcome columns, then totals; numbers right-aligned. */
    private void countsTable(String what, Map<String, OutcomeCounts> rows, boolean isMode) {
        List<String> header = new ArrayList<>(List.of(what));
        for (Outcome o : Outcome.values()) {
            header.add(o.name());
        }
        header.add("trials");
        header.add("unexpected");
        row(header.toArray(String[]::new));
        rule("l" + "r".repeat(header.size() - 1));
        rows.forEach((name, counts) -> {
            List<String> cells = new ArrayList<>();
            cells.add(isMode ? modeHeading(name) : Escape.markdown(name));
            for (Outcome o : Outcome.values()) {
                String n = Figures.count(counts.get(o));
                cells.add(OutcomeCounts.DAMAGE.contains(o) && counts.get(o) > 0 ? "**" + n + "**" : n);
            }
            cells.add(Figures.count(counts.total()));
            cells.add(Figures.count(counts.unexpected()));
            row(cells.toArray(String[]::new));
        });
    }

    private static String modeHeading(String mode) {
        return Escape.markdown(mode) + (mode.equals(Tally.UNPROTECTED) ? " (unprotected)" : "");
    }

    /** {@code 12 CONTAINED, **3 ESCAPED** (3 unexpected)}; an en dash for no trials. */
    private static String cell(OutcomeCounts counts) {
        if (counts.total() == 0) {
            return "–";
        }
        List<String> parts = new ArrayList<>();
        for (Outcome o : Outcome.values()) {
            if (counts.get(o) > 0) {
                String part = Figures.count(counts.get(o)) + " " + o.name();
                parts.add(OutcomeCounts.DAMAGE.contains(o) ? "**" + part + "**" : part);
            }
        }
        String text = String.join(", ", parts);
        return counts.unexpected() == 0 ? text : text + " (" + Figures.count(counts.unexpected()) + " unexpected)";
    }

    private void row(String... cells) {
        out.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }

    /** The delimiter row: one {@code l} (left) or {@code r} (right) per column. */
    private void rule(String alignment) {
        StringBuilder r = new StringBuilder("|");
        for (char a : alignment.toCharArray()) {
            r.append(a == 'r' ? "---:|" : "---|");
        }
        out.append(r).append('\n');
    }

    private void line(String text) {
        out.append(text).append('\n');
    }
}
