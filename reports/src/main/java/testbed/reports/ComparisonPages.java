package testbed.reports;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code compare.html} (the template {@code src/main/jte/compare.jte}, compiled at build time,
 * which escapes every value) and {@code compare.md} of a {@link Comparison}.
 */
final class ComparisonPages {
    private static final String TEMPLATE = "compare.jte";
    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(null, ContentType.Html,
            ComparisonPages.class.getClassLoader(), ComparisonPages.class.getPackageName());

    private ComparisonPages() {
    }

    /** What the template prints. */
    record Page(String a, String b, boolean gate, String verdict, List<HtmlPage.Param> throughput, String matched,
            List<Comparison.Change> changes, List<Comparison.FindingRef> added, List<Comparison.FindingRef> vanished,
            List<String> outcomes, List<ModeRow> modes) {
    }

    /** One mode's outcome counts in A and in B. */
    record ModeRow(String mode, List<String> a, List<String> b) {
    }

    static String html(Comparison c) {
        StringOutput out = new StringOutput(64 * 1024);
        ENGINE.render(TEMPLATE, page(c), out);
        return out.toString();
    }

    static Page page(Comparison c) {
        List<HtmlPage.Param> throughput = List.of(
                new HtmlPage.Param("A", String.format(Locale.ROOT, "%s trials in %.1f s: %s trials/s", Figures.count(c.a.trials()),
                        c.a.elapsedSeconds(), Figures.rate(c.a.trialsPerSecond()))),
                new HtmlPage.Param("B", String.format(Locale.ROOT, "%s trials in %.1f s: %s trials/s", Figures.count(c.b.trials()),
                        c.b.elapsedSeconds(), Figures.rate(c.b.trialsPerSecond()))),
                new HtmlPage.Param("B / A", String.format(Locale.ROOT, "%.2f", c.throughputRatio())));
        return new Page(printable(c.a.dir().toString()), printable(c.b.dir().toString()), c.hasNewFindings(), verdict(c), throughput,
                matched(c), c.changes, printable(c.added), printable(c.vanished), outcomes(c), modes(c));
    }

    static String markdown(Comparison c) {
        StringBuilder out = new StringBuilder();
        line(out, "# Comparison");
        line(out, "");
        line(out, "A (baseline): `" + c.a.dir() + "`  ");
        line(out, "B: `" + c.b.dir() + "`");
        line(out, "");
        line(out, verdict(c));
        line(out, "");
        line(out, "## Throughput");
        line(out, "");
        row(out, "run", "trials", "seconds", "trials/s");
        rule(out, "lrrr");
        row(out, "A", Figures.count(c.a.trials()), String.format(Locale.ROOT, "%.1f", c.a.elapsedSeconds()), Figures.rate(c.a.trialsPerSecond()));
        row(out, "B", Figures.count(c.b.trials()), String.format(Locale.ROOT, "%.1f", c.b.elapsedSeconds()), Figures.rate(c.b.trialsPerSecond()));
        line(out, "");
        line(out, String.format(Locale.ROOT, "B / A: %.2f", c.throughputRatio()));
        line(out, "");
        line(out, "## Outcomes per mode");
        line(out, "");
        List<String> outcomes = outcomes(c);
        List<String> head = new ArrayList<>(List.of("mode", "run"));
        head.addAll(outcomes);
        row(out, head.toArray(String[]::new));
        rule(out, "ll" + "r".repeat(outcomes.size()));
        for (ModeRow m : modes(c)) {
            List<String> a = new ArrayList<>(List.of(Escape.markdown(m.mode()), "A"));
            a.addAll(m.a());
            row(out, a.toArray(String[]::new));
            List<String> b = new ArrayList<>(List.of(Escape.markdown(m.mode()), "B"));
            b.addAll(m.b());
            row(out, b.toArray(String[]::new));
        }
        line(out, "");
        line(out, "## Changed outcomes");
        line(out, "");
        line(out, matched(c));
        line(out, "");
        if (!c.changes.isEmpty()) {
            row(out, "fault", "mode", "A", "B", "trials", "example");
            rule(out, "llllrl");
            for (Comparison.Change ch : c.changes) {
                row(out, Escape.markdown(ch.fault()), Escape.markdown(ch.mode()), ch.from(), ch.to(), Figures.count(ch.trials()),
                        Escape.markdownCode(ch.example()));
            }
            line(out, "");
        }
        findings(out, "New findings (in B, not in A)", c.added);
        findings(out, "Vanished findings (in A, not in B)", c.vanished);
        return out.toString();
    }

    private static void findings(StringBuilder out, String title, List<Comparison.FindingRef> list) {
        line(out, "## " + title);
        line(out, "");
        if (list.isEmpty()) {
            line(out, "None.");
            line(out, "");
            return;
        }
        row(out, "outcome", "mode", "signature", "trials", "replay");
        rule(out, "lllrl");
        for (Comparison.FindingRef f : list) {
            row(out, Escape.markdown(f.outcome()), Escape.markdown(f.mode()), Escape.markdown(f.signature()), Figures.count(f.trials()),
                    Escape.markdownCode(f.replay()));
        }
        line(out, "");
    }

    private static String verdict(Comparison c) {
        if (c.hasNewFindings()) {
            return "B has " + c.added.size() + (c.added.size() == 1 ? " finding" : " findings") + " that A did not.";
        }
        return "B has no finding that A did not" + (c.vanished.isEmpty() ? "." : "; " + c.vanished.size() + " of A's vanished.");
    }

    private static String matched(Comparison c) {
        return Figures.count(c.common) + " trials ran in both (matched by trial id), " + Figures.count(c.changedTrials())
                + " of them with another outcome; " + Figures.count(c.onlyA) + " only in A, " + Figures.count(c.onlyB) + " only in B.";
    }

    private static List<String> outcomes(Comparison c) {
        Set<String> out = new LinkedHashSet<>();
        c.a.byMode().values().forEach(m -> out.addAll(m.keySet()));
        c.b.byMode().values().forEach(m -> out.addAll(m.keySet()));
        return List.copyOf(out);
    }

    private static List<ModeRow> modes(Comparison c) {
        Set<String> modes = new LinkedHashSet<>(c.a.modes());
        modes.addAll(c.b.modes());
        List<String> outcomes = outcomes(c);
        List<ModeRow> rows = new ArrayList<>();
        for (String mode : modes) {
            rows.add(new ModeRow(printable(mode), counts(c.a.byMode().get(mode), outcomes), counts(c.b.byMode().get(mode), outcomes)));
        }
        return rows;
    }

    private static List<String> counts(Map<String, Long> counts, List<String> outcomes) {
        List<String> out = new ArrayList<>();
        for (String o : outcomes) {
            out.add(counts == null ? "–" : Figures.count(counts.getOrDefault(o, 0L)));
        }
        return out;
    }

    private static List<Comparison.FindingRef> printable(List<Comparison.FindingRef> list) {
        return list.stream().map(f -> new Comparison.FindingRef(printable(f.signature()), printable(f.outcome()), printable(f.mode()),
                printable(f.trialId()), f.trials(), printable(f.message()), printable(f.replay()))).toList();
    }

    private static String printable(String s) {
        return Escape.printable(s);
    }

    private static void row(StringBuilder out, String... cells) {
        out.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }

    private static void rule(StringBuilder out, String alignment) {
        StringBuilder r = new StringBuilder("|");
        for (char a : alignment.toCharArray()) {
            r.append(a == 'r' ? "---:|" : "---|");
        }
        out.append(r).append('\n');
    }

    private static void line(StringBuilder out, String text) {
        out.append(text).append('\n');
    }
}
