package testbed.reports;

import java.io.IOException;
import java.util.List;
import testbed.reports.BenchScores.Score;
import testbed.reports.OverheadReport.ExtensionSize;
import testbed.reports.OverheadReport.Goal;
import testbed.reports.stats.Verdict;
import testbed.reports.OverheadTables.ChicoryRow;
import testbed.reports.OverheadTables.CrossingRow;
import testbed.reports.OverheadTables.LoadRow;
import testbed.reports.OverheadTables.TransactionRow;
import testbed.reports.OverheadTables.Versus;
import testbed.reports.OverheadTables.VariantRow;
import testbed.reports.OverheadTables.WorkloadTable;

/**
 * {@code overhead.html}: one self-contained page (inline CSS, the chart as a data URI, no
 * script), like the containment report's {@code index.html}, and under the same
 * Content-Security-Policy. Every string goes through {@link Escape#markup}.
 */
final class OverheadHtml {
    private final StringBuilder out = new StringBuilder(64 * 1024);

    private OverheadHtml() {
    }

    /** @param besideContainment whether the directory also holds a containment report to link to */
    static String render(OverheadReport report, boolean besideContainment) throws IOException {
        OverheadHtml page = new OverheadHtml();
        page.write(report, besideContainment);
        return page.out.toString();
    }

    private void write(OverheadReport report, boolean besideContainment) throws IOException {
        OverheadTables t = report.tables;
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Overhead report</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n<main>\n");
        long met = t.goals.stream().filter(g -> g.verdict() == Verdict.MET).count();
        long judged = t.goals.stream().filter(g -> g.verdict() != Verdict.NOT_MEASURED).count();
        out.append("<header>\n<h1>Overhead report</h1>\n<p class=\"verdict ").append(met == judged ? "clean" : "dirty").append("\">")
                .append(met).append(" of ").append(judged).append(" goals met by this run")
                .append(report.provisional ? " (a --quick run: it decides no goal)" : "")
                .append(judged < t.goals.size() ? " (" + (t.goals.size() - judged) + " not measured)" : "").append(".</p>\n");
        if (besideContainment) {
            out.append("<p><a href=\"./").append(ContainmentReport.INDEX_HTML).append("\">Containment report</a> of the same directory.</p>\n");
        }
        out.append("</header>\n<section>\n<h2>How to read this</h2>\n<p class=\"prose\">")
                .append(Escape.markup(OverheadMarkdown.HOW_TO_READ)).append("</p>\n</section>\n");

        out.append("<section>\n<h2>Goals</h2>\n<table>\n<thead><tr><th>quantity</th><th>goal</th><th>this run</th><th>met</th>"
                + "<th>published</th></tr></thead>\n<tbody>\n");
        for (Goal g : t.goals) {
            out.append("<tr><td>").append(Escape.markup(g.quantity())).append("</td><td class=\"nowrap\">").append(Escape.markup(g.target()))
                    .append("</td><td>").append(Escape.markup(g.measured())).append("</td>").append(verdictCell(g.verdict()))
                    .append("<td class=\"anchor\">").append(Escape.markup(g.anchor())).append("</td></tr>\n");
        }
        out.append("</tbody>\n</table>\n</section>\n");

        List<PlugInOverhead> plugIns = PlugInOverhead.of(t);
        if (!plugIns.isEmpty()) {
            out.append("<section>\n<h2>Plug-in techniques</h2>\n<p class=\"prose\">").append(Escape.markup(OverheadMarkdown.PLUG_INS))
                    .append("</p>\n<table class=\"scores\">\n<thead><tr><th>technique</th><th>x NONE, geometric mean (95% interval)</th>"
                            + "<th>memory workloads</th><th>highest</th></tr></thead>\n<tbody>\n");
            for (PlugInOverhead p : plugIns) {
                out.append("<tr><th>").append(Escape.markup(p.variant())).append("</th>").append(num(p.geomean().times()))
                        .append(num(Integer.toString(p.workloads()))).append(num(p.highest())).append("</tr>\n");
            }
            out.append("</tbody>\n</table>\n</section>\n");
        }

        out.append("<section>\n<h2>Run</h2>\n<table class=\"params\">\n");
        report.settings.forEach((k, v) -> out.append("<tr><th>").append(Escape.markup(k)).append("</th><td>").append(Escape.markup(v))
                .append("</td></tr>\n"));
        out.append("</table>\n");
        list("Notes", report.notes, "note");
        list("Warnings", t.warnings, "warning");
        out.append("</section>\n");

        out.append("<section>\n<h2>Workloads: each protection mode against NONE (E1)</h2>\n");
        String chart = OverheadCharts.ratios(t.workloads, t.modes);
        if (chart != null) {
            out.append("<figure><img src=\"").append(chart).append("\" alt=\"Bar chart of each workload's time over NONE per protection variant\" width=\"")
                    .append(OverheadCharts.WIDTH).append("\" height=\"").append(OverheadCharts.HEIGHT).append("\"></figure>\n");
        }
        for (WorkloadTable w : t.workloads) {
            out.append("<h3>").append(Escape.markup(w.workload())).append("</h3>\n");
            String what = OverheadTables.WORKLOADS.getOrDefault(w.workload(), "");
            if (!what.isEmpty()) {
                out.append("<p class=\"what\">").append(Escape.markup(what)).append(".</p>\n");
            }
            if (w.missing() != null) {
                out.append("<p class=\"warning\">").append(Escape.markup(w.missing())).append(".</p>\n");
            }
            out.append("<table class=\"scores\">\n<thead><tr><th>variant</th><th>score</th><th>x NONE</th><th>metering</th><th>goal</th>"
                    + "<th>met</th><th>published</th></tr></thead>\n<tbody>\n");
            for (VariantRow r : w.rows()) {
                out.append("<tr><th>").append(Escape.markup(r.variant())).append("</th>").append(num(r.score().text()))
                        .append(num(OverheadMarkdown.ratioText(r))).append(num(r.metering() == null ? "" : r.metering().text()))
                        .append("<td class=\"nowrap\">").append(Escape.markup(OverheadMarkdown.goalText(r))).append("</td>")
                        .append(verdictCell(t.rowVerdict(r))).append("<td class=\"anchor\">")
                        .append(Escape.markup(r.metered() ? "" : Anchors.anchor(r.mode()))).append("</td></tr>\n");
            }
            out.append("</tbody>\n</table>\n");
        }
        out.append("</section>\n");

        out.append("<section>\n<h2>Domain crossing (E2)</h2>\n<p>The same filter, which does nothing, called in increasingly complete ways.</p>\n")
                .append("<table class=\"scores\">\n<thead><tr><th>call</th><th>what runs</th><th>score</th><th>x plain call</th><th>published</th></tr></thead>\n<tbody>\n");
        for (CrossingRow c : t.crossings) {
            out.append("<tr><th>").append(Escape.markup(c.method())).append("</th><td>").append(Escape.markup(c.what())).append("</td>")
                    .append(num(c.score() == null ? "not measured" : c.score().text())).append(num(OverheadMarkdown.ratioText(c)))
                    .append("<td class=\"anchor\">").append(Escape.markup(c.anchor())).append("</td></tr>\n");
        }
        out.append("</tbody>\n</table>\n</section>\n");

        out.append("<section>\n<h2>Transactions (E4)</h2>\n<p>A graft round is five helper calls that change kernel state: lock, alloc, log,"
                        + " free, unlock. <i>Own cost</i> is the score less the same graft without a transaction.</p>\n")
                .append("<table class=\"scores\">\n<thead><tr><th>benchmark</th><th>rounds</th><th>score</th><th>own cost</th><th>published</th></tr></thead>\n<tbody>\n");
        for (TransactionRow r : t.transactions) {
            out.append("<tr><th>").append(Escape.markup(r.method())).append("</th>").append(num(r.rounds())).append(num(r.score().text()))
                    .append(num(Double.isNaN(r.ownCost()) ? "" : Ratio.decimal(r.ownCost()) + " ns"))
                    .append("<td class=\"anchor\">").append(Escape.markup(r.anchor())).append("</td></tr>\n");
        }
        empty(t.transactions, 5);
        out.append("</tbody>\n</table>\n</section>\n");

        out.append("<section>\n<h2>Loading an extension</h2>\n<p>Verify, rewrite, define in a fresh loader, construct in a first crossing; then"
                        + " unload. The stages alone in the protected configuration (SFI_MASK, metered). Goal: under 1 ms.</p>\n")
                .append("<table class=\"scores\">\n<thead><tr><th>extension</th><th>class file</th><th>rewritten</th><th>load NONE</th>"
                        + "<th>load SFI_MASK</th><th>verify</th><th>rewrite</th><th>define</th></tr></thead>\n<tbody>\n");
        for (LoadRow l : t.loads) {
            ExtensionSize size = l.size();
            out.append("<tr><th>").append(Escape.markup(l.extension())).append("</th>")
                    .append(num(size == null ? "" : Figures.count(size.classFile()) + " B"))
                    .append(num(size == null ? "" : Figures.count(size.rewritten()) + " B"))
                    .append(num(text(l.loadNone()))).append(num(text(l.loadMasked()))).append(num(text(l.verify())))
                    .append(num(text(l.rewrite()))).append(num(text(l.define()))).append("</tr>\n");
        }
        empty(t.loads, 8);
        out.append("</tbody>\n</table>\n</section>\n");

        out.append("<section>\n<h2>WebAssembly baseline (Chicory)</h2>\n<p>The same work as WebAssembly, compiled to JVM bytecode by Chicory."
                        + " The last column gives each protected variant's time over Chicory's: below 1 is faster."
                        + " Chicory's linear memory is a plain buffer, while every mode here, NONE included, goes through"
                        + " the simulated memory's write monitor: that cost is on this side of the comparison only.</p>\n")
                .append("<table class=\"scores\">\n<thead><tr><th>workload</th><th>Chicory</th><th>Chicory x NONE</th>"
                        + "<th>protected variants over Chicory</th></tr></thead>\n<tbody>\n");
        for (ChicoryRow c : t.chicory) {
            StringBuilder versus = new StringBuilder();
            for (Versus v : c.protectedModes()) {
                versus.append(versus.length() == 0 ? "" : ", ").append(v.variant()).append(" ").append(v.toChicory().times());
            }
            out.append("<tr><th>").append(Escape.markup(c.workload())).append("</th>").append(num(c.chicory().text()))
                    .append(num(c.toNone() == null ? "–" : c.toNone().text())).append("<td>").append(Escape.markup(versus.toString()))
                    .append("</td></tr>\n");
        }
        empty(t.chicory, 4);
        out.append("</tbody>\n</table>\n</section>\n");

        out.append("<section>\n<h2>Published figures</h2>\n<ul>\n");
        for (String a : Anchors.ALL) {
            out.append("<li>").append(Escape.markup(a)).append("</li>\n");
        }
        out.append("</ul>\n</section>\n</main>\n</body>\n</html>\n");
    }

    private void empty(List<?> rows, int columns) {
        if (rows.isEmpty()) {
            out.append("<tr><td colspan=\"").append(columns).append("\" class=\"none\">not measured in this run</td></tr>\n");
        }
    }

    private void list(String title, List<String> items, String cssClass) {
        if (items.isEmpty()) {
            return;
        }
        out.append("<h3>").append(title).append("</h3>\n<ul class=\"").append(cssClass).append("\">\n");
        for (String i : items) {
            out.append("<li>").append(Escape.markup(i)).append("</li>\n");
        }
        out.append("</ul>\n");
    }

    private static String text(Score s) {
        return s == null ? "" : s.text();
    }

    private static String num(String text) {
        return "<td class=\"num\">" + Escape.markup(text) + "</td>";
    }

    private static String verdictCell(Verdict v) {
        switch (v) {
            case MET: return "<td class=\"met\">met</td>";
            case MISSED: return "<td class=\"missed\">missed</td>";
            case INCONCLUSIVE: return "<td class=\"inconclusive\">inconclusive</td>";
            default: return "<td class=\"none\">–</td>";
        }
    }

    private static final String CSS = """
            :root { color-scheme: light; }
            body { margin: 0; background: #f6f7f9; color: #1f2328;
                   font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
            main { max-width: 1240px; margin: 0 auto; padding: 24px 28px 48px; }
            h1 { margin: 0 0 4px; font-size: 28px; }
            h2 { margin: 32px 0 10px; font-size: 20px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
            h3 { margin: 18px 0 6px; font-size: 16px; }
            .verdict { display: inline-block; margin: 6px 0 0; padding: 4px 12px; border-radius: 6px; font-weight: 600; }
            .verdict.clean { background: #e6f4ea; color: #1b5e20; }
            .verdict.dirty { background: #fdecea; color: #b71c1c; }
            .prose { max-width: 980px; }
            .what { margin: 0 0 6px; color: #57606a; }
            table { border-collapse: collapse; background: #fff; }
            th, td { border: 1px solid #d0d7de; padding: 5px 10px; text-align: left; vertical-align: top; }
            thead th { background: #eef1f4; }
            tbody th { font-weight: 600; white-space: nowrap; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            td.nowrap { white-space: nowrap; }
            td.anchor { color: #57606a; font-size: 13.5px; }
            td.met { background: #e6f4ea; color: #1b5e20; font-weight: 600; }
            td.missed { background: #fdecea; color: #b71c1c; font-weight: 600; }
            td.inconclusive { background: #fff3e0; color: #8a4b00; font-weight: 600; }
            td.none, .none { color: #8c959f; }
            .params th { width: 160px; background: #eef1f4; }
            .warning { color: #b71c1c; }
            figure { margin: 0 0 14px; background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 6px; display: inline-block; }
            figure img { display: block; max-width: 100%; height: auto; }
            """;
}
