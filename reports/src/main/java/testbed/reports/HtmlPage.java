package testbed.reports;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import testbed.corpus.Outcome;
import testbed.faults.CampaignSettings;
import testbed.faults.Finding;
import testbed.faults.TrialRecord;

/**
 * {@code index.html}: one self-contained page (inline CSS, charts as data URIs, no script) that
 * reads the same offline as online. Every string from a trial goes through {@link Escape#markup};
 * the Content-Security-Policy forbids scripts and any network fetch besides, so a string that
 * slipped past escaping still could neither run nor phone home.
 */
final class HtmlPage {
    private static final String HOW_TO_READ = """
            Each trial runs one corpus entry, with one fault injected (or none), under one protection
            mode; an oracle that does not trust the mode then judges the kernel. The containment table
            counts trials by outcome for each fault kind (rows) and protection mode (columns).
            <b>OK</b> and <b>REJECTED</b> mean the host was never at risk, <b>CONTAINED</b> that the
            fault was caught and the domain aborted with the kernel intact, <b>WRONG_RESULT</b> that
            only the extension's own answer suffered. Cells with <b>ESCAPED</b> (damage outside the
            domain) or <b>CRASHED</b> (the host itself failed) are shaded red, <b>HUNG</b> (the watchdog
            had to fire) orange. The <b>NONE</b> column is the unprotected baseline: damage there is
            expected and proves the oracle sees what the faults do; damage in any other column is what
            that mode failed to stop. A trial is <i>unexpected</i> when its outcome differs from what
            its corpus entry expects under that mode; each distinct unexpected outcome is listed under
            Findings with the command that replays it.""";

    private final StringBuilder out = new StringBuilder(64 * 1024);

    private HtmlPage() {
    }

    static String render(ContainmentReport report) throws IOException {
        HtmlPage page = new HtmlPage();
        page.write(report);
        return page.out.toString();
    }

    private void write(ContainmentReport report) throws IOException {
        Tally tally = report.tally;
        CampaignSettings s = report.settings;
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Containment report: ").append(Escape.markup(s.corpus())).append("</title>\n")
                .append("<style>\n").append(css()).append("</style>\n</head>\n<body>\n<main>\n");

        out.append("<header>\n<h1>Containment report</h1>\n<p class=\"verdict ")
                .append(tally.all.unexpected() == 0 ? "clean" : "dirty").append("\">")
                .append(tally.all.unexpected() == 0
                        ? "Every trial met its expectation."
                        : Figures.count(tally.all.unexpected()) + " of " + Figures.count(report.records.size())
                                + " trials ended unexpectedly (" + Figures.count(report.findings.size())
                                + (report.findings.size() == 1 ? " finding" : " findings") + ").")
                .append("</p>\n</header>\n");

        out.append("<section class=\"tiles\">\n");
        tile("trials", Figures.count(report.records.size()));
        tile("elapsed", Figures.duration(report.elapsed));
        tile("trials / s", Figures.rate(report.trialsPerSecond()));
        tile("unexpected", Figures.count(tally.all.unexpected()));
        tile("findings", Figures.count(report.findings.size()));
        out.append("</section>\n");

        out.append("<section>\n<h2>How to read this</h2>\n<p class=\"prose\">").append(HOW_TO_READ).append("</p>\n<p class=\"legend\">");
        for (Outcome o : Outcome.values()) {
            out.append(chip(o, o.name())).append(' ');
        }
        out.append("</p>\n</section>\n");

        out.append("<section>\n<h2>Campaign</h2>\n<table class=\"params\">\n");
        param("corpus", Escape.markup(s.corpus()));
        param("modes", Escape.markup(String.join(", ", s.modes())));
        param("faults", Escape.markup(String.join(", ", s.faults())));
        param("trial budget", s.trials() == 0 ? "until the time limit" : Figures.count(s.trials()));
        param("time limit", s.timeLimit() == null ? "none" : Figures.duration(s.timeLimit()));
        param("seed", Long.toString(s.seed()));
        param("workers", Integer.toString(s.workers()));
        out.append("</table>\n</section>\n");

        containmentTable(tally);

        out.append("<section>\n<h2>Outcomes</h2>\n");
        if (report.records.isEmpty()) {
            out.append("<p>No trials recorded yet.</p>\n");
        } else {
            out.append("<div class=\"charts\">\n");
            chart(Charts.stackedOutcomes("Outcomes per protection mode", "protection mode", tally.byMode),
                    "Stacked bar chart of trial outcomes per protection mode");
            chart(Charts.stackedOutcomes("Outcomes per fault family (all modes)", "fault family", tally.byFaultFamily),
                    "Stacked bar chart of trial outcomes per fault family, all modes together");
            out.append("</div>\n");
            out.append("<h3>Trials per protection mode</h3>\n");
            countsTable(tally.byMode);
        }
        out.append("</section>\n");

        findings(report.findings);
        out.append("</main>\n</body>\n</html>\n");
    }

    private void containmentTable(Tally tally) {
        out.append("<section>\n<h2>Containment by fault and protection mode</h2>\n")
                .append("<div class=\"scroll\"><table class=\"containment\">\n<thead><tr><th>fault</th><th>family</th>");
        for (String mode : tally.modes) {
            boolean unprotected = mode.equals(Tally.UNPROTECTED);
            out.append(unprotected ? "<th class=\"unprotected\">" : "<th>").append(Escape.markup(mode))
                    .append(unprotected ? "<br><small>unprotected</small>" : "").append("</th>");
        }
        out.append("</tr></thead>\n<tbody>\n");
        for (Map.Entry<String, Map<String, OutcomeCounts>> row : tally.byFault.entrySet()) {
            out.append("<tr><th class=\"fault\">").append(Escape.markup(row.getKey())).append("</th><td class=\"family\">")
                    .append(Escape.markup(tally.familyOf.getOrDefault(row.getKey(), ""))).append("</td>");
            for (OutcomeCounts counts : row.getValue().values()) {
                cell(counts);
            }
            out.append("</tr>\n");
        }
        out.append("</tbody>\n</table></div>\n</section>\n");
    }

    private void cell(OutcomeCounts counts) {
        String shade = counts.get(Outcome.ESCAPED) + counts.get(Outcome.CRASHED) > 0 ? " damage"
                : counts.get(Outcome.HUNG) > 0 ? " hung" : "";
        out.append("<td class=\"cell").append(shade).append("\">");
        if (counts.total() == 0) {
            out.append("<span class=\"none\">–</span>");
        }
        for (Outcome o : Outcome.values()) {
            if (counts.get(o) > 0) {
                out.append(chip(o, Figures.count(counts.get(o)) + " " + o.name()));
            }
        }
        if (counts.unexpected() > 0) {
            out.append("<div class=\"unexpected\">").append(Figures.count(counts.unexpected())).append(" unexpected</div>");
        }
        out.append("</td>");
    }

    private void countsTable(Map<String, OutcomeCounts> byMode) {
        out.append("<div class=\"scroll\"><table class=\"counts\">\n<thead><tr><th>mode</th>");
        for (Outcome o : Outcome.values()) {
            out.append("<th>").append(o.name()).append("</th>");
        }
        out.append("<th>trials</th><th>unexpected</th></tr></thead>\n<tbody>\n");
        byMode.forEach((mode, counts) -> {
            out.append("<tr><th>").append(Escape.markup(mode)).append("</th>");
            for (Outcome o : Outcome.values()) {
                boolean bad = OutcomeCounts.DAMAGE.contains(o) && counts.get(o) > 0;
                out.append(bad ? "<td class=\"bad\">" : "<td>").append(Figures.count(counts.get(o))).append("</td>");
            }
            out.append("<td>").append(Figures.count(counts.total())).append("</td><td")
                    .append(counts.unexpected() > 0 ? " class=\"bad\">" : ">")
                    .append(Figures.count(counts.unexpected())).append("</td></tr>\n");
        });
        out.append("</tbody>\n</table></div>\n");
    }

    private void findings(List<Finding> findings) {
        out.append("<section>\n<h2>Findings</h2>\n");
        if (findings.isEmpty()) {
            out.append("<p>No unexpected outcomes.</p>\n</section>\n");
            return;
        }
        out.append("<p>Each finding is one signature (outcome and site, messages ignored) with the first trial that showed it. "
                + "Its folder holds the input, the seed, the verdict and the replay command.</p>\n");
        out.append("<div class=\"scroll\"><table class=\"findings\">\n<thead><tr><th>#</th><th>outcome</th><th>trial</th>"
                + "<th>trials</th><th>signature and detail</th><th>replay</th></tr></thead>\n<tbody>\n");
        int n = 1;
        for (Finding f : findings) {
            TrialRecord t = f.first();
            out.append("<tr><td class=\"num\">").append(n++).append("</td><td>").append(chip(t.outcome(), t.outcome().name()))
                    .append("<div class=\"expected\">expected ").append(t.expected() == null ? "any" : t.expected().name())
                    .append("</div></td><td><div class=\"entry\">").append(Escape.markup(t.entry())).append("</div><div>")
                    .append(Escape.markup(t.fault())).append(" · ").append(Escape.markup(t.mode())).append(" · seed ")
                    .append(t.seed()).append("</div></td><td class=\"num\">").append(Figures.count(f.count()))
                    .append("</td><td><code>").append(Escape.markup(f.signature())).append("</code>");
            if (!(t.detail() == null || t.detail().isEmpty()) || !t.violations().isEmpty()) {
                out.append("<details><summary>").append(t.trapKind() == null ? "detail" : "trap " + Escape.markup(t.trapKind()))
                        .append("</summary><pre>").append(Escape.markup(t.detail()));
                for (String v : t.violations()) {
                    out.append("\n").append(Escape.markup(v));
                }
                out.append("</pre></details>");
            }
            out.append("</td><td><code class=\"replay\">").append(Escape.markup(Escape.replayCommand(t))).append("</code>")
                    .append("<div><a href=\"").append(Escape.markup(Escape.relativeHref(f.folder()))).append("\">")
                    .append(Escape.markup(f.folder())).append("</a></div></td></tr>\n");
        }
        out.append("</tbody>\n</table></div>\n</section>\n");
    }

    private void tile(String label, String value) {
        out.append("<div class=\"tile\"><div class=\"value\">").append(value).append("</div><div class=\"label\">")
                .append(label).append("</div></div>\n");
    }

    private void param(String name, String escapedValue) {
        out.append("<tr><th>").append(name).append("</th><td>").append(escapedValue).append("</td></tr>\n");
    }

    private void chart(String dataUri, String alt) {
        out.append("<figure><img src=\"").append(dataUri).append("\" alt=\"").append(alt)
                .append("\" width=\"").append(Charts.WIDTH).append("\" height=\"").append(Charts.HEIGHT).append("\"></figure>\n");
    }

    private static String chip(Outcome o, String text) {
        return "<span class=\"chip o-" + o.name() + "\">" + Escape.markup(text) + "</span>";
    }

    private static String css() {
        StringBuilder css = new StringBuilder("""
                :root { color-scheme: light; }
                body { margin: 0; background: #f6f7f9; color: #1f2328;
                       font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
                main { max-width: 1240px; margin: 0 auto; padding: 24px 28px 48px; }
                h1 { margin: 0 0 4px; font-size: 28px; }
                h3 { margin: 18px 0 8px; font-size: 16px; }
                h2 { margin: 32px 0 10px; font-size: 20px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
                .verdict { display: inline-block; margin: 6px 0 0; padding: 4px 12px; border-radius: 6px; font-weight: 600; }
                .verdict.clean { background: #e6f4ea; color: #1b5e20; }
                .verdict.dirty { background: #fdecea; color: #b71c1c; }
                .tiles { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 18px; }
                .tile { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 10px 18px; min-width: 120px; }
                .tile .value { font-size: 22px; font-weight: 600; }
                .tile .label { color: #57606a; font-size: 13px; }
                .prose { max-width: 980px; }
                table { border-collapse: collapse; background: #fff; }
                th, td { border: 1px solid #d0d7de; padding: 6px 10px; text-align: left; vertical-align: top; }
                thead th { background: #eef1f4; }
                .scroll { overflow-x: auto; }
                .params th { width: 130px; background: #eef1f4; font-weight: 600; }
                .containment th.fault { white-space: nowrap; }
                .containment .family { color: #57606a; white-space: nowrap; }
                .containment td.cell { min-width: 120px; }
                .containment td.damage { background: #fdecea; box-shadow: inset 4px 0 0 #d32f2f; }
                .containment td.hung { background: #fff3e0; box-shadow: inset 4px 0 0 #f57c00; }
                th.unprotected { background: #fbe3e4; }
                th small { font-weight: normal; color: #8c1d18; }
                .chip { display: inline-block; margin: 1px 4px 1px 0; padding: 0 7px; border-radius: 10px;
                        font-size: 12.5px; font-weight: 600; white-space: nowrap; }
                .unexpected { margin-top: 3px; font-size: 12.5px; font-weight: 600; color: #b71c1c; }
                .none { color: #8c959f; }
                .counts td { text-align: right; font-variant-numeric: tabular-nums; }
                .counts td.bad { color: #b71c1c; font-weight: 700; }
                .charts { display: flex; flex-wrap: wrap; gap: 16px; margin-bottom: 14px; }
                figure { margin: 0; background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 6px; }
                figure img { display: block; max-width: 100%; height: auto; }
                .findings td.num { text-align: right; }
                .findings .entry { font-weight: 600; overflow-wrap: anywhere; }
                .findings .expected { font-size: 12.5px; color: #57606a; }
                code { font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; background: #f0f2f4; padding: 1px 4px;
                       border-radius: 4px; overflow-wrap: anywhere; }
                code.replay { display: inline-block; }
                pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 12.5px; margin: 4px 0 0; }
                details summary { cursor: pointer; color: #0969da; font-size: 13px; margin-top: 4px; }
                """);
        for (Outcome o : Outcome.values()) {
            boolean darkText = o == Outcome.OK || o == Outcome.WRONG_RESULT;
            css.append(".o-").append(o.name()).append(" { background: ").append(Palette.hex(o))
                    .append("; color: ").append(darkText ? "#1f2328" : "#fff").append("; }\n");
        }
        return css.toString();
    }
}
