package testbed.reports;

import java.util.List;
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

/** {@code overhead.md}: the overhead report's tables in GitHub-flavoured Markdown. */
final class OverheadMarkdown {
    static final String HOW_TO_READ = "Each score is JMH's average time per operation with its 99.9% error. A ratio divides"
            + " two scores of this run: a protected variant over the same workload unprotected (NONE), a metered variant over"
            + " the same mode unmetered (metering), a crossing over a plain Java call. Its ± combines the two errors; a ratio"
            + " whose range includes 1.0 is no overhead this machine can tell apart. Every memory access goes through the"
            + " simulated memory and its write monitor in every mode, NONE included, so the denominators are larger than on"
            + " bare hardware: compare the modes with each other, and the published figures for their shape. A goal is judged"
            + " on a 95% interval bootstrapped from the run's own samples (forks, and the iterations in each): met only when the"
            + " whole interval is on the goal's side, missed only when it is wholly on the wrong side, otherwise inconclusive,"
            + " with the number of forks that would decide it. A --quick run (one fork) decides no goal.";

    /** What the plug-in techniques' summary is, for the Markdown and HTML pages. */
    static final String PLUG_INS = "Techniques loaded with --technique-jar, measured in this run beside the built-in modes (their rows"
            + " are in each workload's table): the geometric mean of their ratios to NONE over the memory workloads, as the"
            + " built-in modes' goals are computed. The testbed sets no goal for them.";

    private final StringBuilder out = new StringBuilder(16 * 1024);

    private OverheadMarkdown() {
    }

    static String render(OverheadReport report) {
        OverheadMarkdown md = new OverheadMarkdown();
        md.write(report);
        return md.out.toString();
    }

    private void write(OverheadReport report) {
        OverheadTables t = report.tables;
        out.append("# Overhead report\n\n").append(HOW_TO_READ).append("\n\n");

        out.append("## Goals\n\n| quantity | goal | this run | met | published |\n|---|---|---|---|---|\n");
        for (Goal g : t.goals) {
            row(g.quantity(), g.target(), g.measured(), verdict(g.verdict()), g.anchor());
        }

        List<PlugInOverhead> plugIns = PlugInOverhead.of(t);
        if (!plugIns.isEmpty()) {
            out.append("\n## Plug-in techniques\n\n").append(PLUG_INS).append("\n\n")
                    .append("| technique | x NONE, geometric mean (95% interval) | memory workloads | highest |\n|---|---|---|---|\n");
            for (PlugInOverhead p : plugIns) {
                row(p.variant(), p.geomean().times(), Integer.toString(p.workloads()), p.highest());
            }
        }

        out.append("\n## Run\n\n| setting | value |\n|---|---|\n");
        report.settings.forEach((k, v) -> row(k, v));
        list("Notes", report.notes);
        list("Warnings", t.warnings);

        out.append("\n## Workloads: each protection mode against NONE (E1)\n");
        for (WorkloadTable w : t.workloads) {
            out.append("\n### ").append(Escape.markdown(w.workload())).append("\n\n");
            String what = OverheadTables.WORKLOADS.getOrDefault(w.workload(), "");
            if (!what.isEmpty()) {
                out.append(Escape.markdown(what)).append(".\n\n");
            }
            if (w.missing() != null) {
                out.append("_").append(Escape.markdown(w.missing())).append("._\n\n");
            }
            out.append("| variant | score | x NONE | metering | goal | met | published |\n|---|---|---|---|---|---|---|\n");
            for (VariantRow r : w.rows()) {
                row(r.variant(), r.score().text(), ratioText(r),
                        r.metering() == null ? "" : r.metering().text(), goalText(r), verdict(report.tables.rowVerdict(r)),
                        r.metered() ? "" : Anchors.anchor(r.mode()));
            }
        }

        out.append("\n## Domain crossing (E2)\n\nThe same filter, which does nothing, called in increasingly complete ways.\n\n")
                .append("| call | what runs | score | x plain call | published |\n|---|---|---|---|---|\n");
        for (CrossingRow c : t.crossings) {
            row(c.method(), c.what(), c.score() == null ? "not measured" : c.score().text(), ratioText(c), c.anchor());
        }

        out.append("\n## Transactions (E4)\n\nA graft round is five helper calls that change kernel state: lock, alloc, log, free,"
                        + " unlock. \"Own cost\" is the score less the same graft without a transaction.\n\n")
                .append("| benchmark | rounds | score | own cost | published |\n|---|---|---|---|---|\n");
        for (TransactionRow r : t.transactions) {
            row(r.method(), r.rounds(), r.score().text(), Double.isNaN(r.ownCost()) ? "" : Ratio.decimal(r.ownCost()) + " ns", r.anchor());
        }
        if (t.transactions.isEmpty()) {
            out.append("| not measured | | | | |\n");
        }

        out.append("\n## Loading an extension\n\nVerify, rewrite, define in a fresh loader, construct in a first crossing; then unload."
                        + " Stages alone in the protected configuration (SFI_MASK, metered). Goal: under 1 ms.\n\n")
                .append("| extension | class file | rewritten | load NONE | load SFI_MASK | verify | rewrite | define |\n")
                .append("|---|---|---|---|---|---|---|---|\n");
        for (LoadRow l : t.loads) {
            ExtensionSize size = l.size();
            row(l.extension(), size == null ? "" : Figures.count(size.classFile()) + " B",
                    size == null ? "" : Figures.count(size.rewritten()) + " B", text(l.loadNone()), text(l.loadMasked()),
                    text(l.verify()), text(l.rewrite()), text(l.define()));
        }
        if (t.loads.isEmpty()) {
            out.append("| not measured | | | | | | | |\n");
        }

        out.append("\n## WebAssembly baseline (Chicory)\n\nThe same work as WebAssembly, compiled to JVM bytecode by Chicory."
                        + " The protected variants' columns give their time over Chicory's: below 1 is faster."
                        + " Chicory's linear memory is a plain buffer, while every mode here, NONE included, goes through"
                        + " the simulated memory's write monitor: that cost is on this side of the comparison only.\n\n")
                .append("| workload | Chicory | Chicory x NONE | protected variants over Chicory |\n|---|---|---|---|\n");
        for (ChicoryRow c : t.chicory) {
            StringBuilder versus = new StringBuilder();
            for (Versus v : c.protectedModes()) {
                versus.append(versus.length() == 0 ? "" : ", ").append(v.variant()).append(" ").append(v.toChicory().times());
            }
            row(c.workload(), c.chicory().text(), c.toNone() == null ? "–" : c.toNone().text(), versus.toString());
        }
        if (t.chicory.isEmpty()) {
            out.append("| not measured | | | |\n");
        }

        out.append("\n## Published figures\n\n");
        for (String a : Anchors.ALL) {
            out.append("- ").append(Escape.markdown(a)).append("\n");
        }
    }

    /** The row's ratio to NONE: "baseline" on the NONE row itself, a dash without a baseline. */
    static String ratioText(VariantRow r) {
        if (r.mode().equals(OverheadTables.BASELINE) && !r.metered()) {
            return "baseline";
        }
        return r.toNone() == null ? "–" : r.toNone().text();
    }

    /** The crossing's ratio to the plain call: "baseline" on the plain call itself. */
    static String ratioText(CrossingRow c) {
        if (c.method().equals(OverheadTables.PLAIN_CALL)) {
            return "baseline";
        }
        return c.toPlain() == null ? "–" : c.toPlain().text();
    }

    static String goalText(VariantRow r) {
        if (!OverheadTables.MODES.contains(r.mode())) {
            return ""; // a plug-in technique: no goal of the testbed's
        }
        if (r.metered()) {
            return "metering ≤ " + OverheadTables.times(Anchors.METERING_GOAL);
        }
        double goal = Anchors.goal(r.mode());
        return Double.isNaN(goal) ? "" : "≤ " + OverheadTables.times(goal);
    }

    static String verdict(Verdict v) {
        switch (v) {
            case MET: return "✓ met";
            case MISSED: return "✗ missed";
            case INCONCLUSIVE: return "? inconclusive";
            default: return "";
        }
    }

    private static String text(BenchScores.Score s) {
        return s == null ? "" : s.text();
    }

    private void list(String title, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        out.append("\n").append(title).append(":\n\n");
        for (String i : items) {
            out.append("- ").append(Escape.markdown(i)).append("\n");
        }
    }

    private void row(String... cells) {
        out.append("|");
        for (String c : cells) {
            out.append(' ').append(Escape.markdown(c)).append(" |");
        }
        out.append("\n");
    }
}
