package testbed.reports;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import testbed.reports.ExperimentPage.Check;
import testbed.reports.ExperimentPage.Published;
import testbed.reports.ExperimentPage.Table;
import testbed.reports.OverheadReport.Goal;
import testbed.reports.OverheadTables.CrossingRow;
import testbed.reports.OverheadTables.VariantRow;
import testbed.reports.OverheadTables.WorkloadTable;
import testbed.reports.stats.Interval;

/**
 * The experiment pages of an overhead run: E1 (Wahbe et al.'s Table 1: each protection mode's
 * overhead on the workloads) and E2 (their Table 2: a domain crossing against a local call and a
 * separate process), built from the same tables and goals as {@code overhead.html}.
 */
final class OverheadExperiments {
    private OverheadExperiments() {
    }

    static ExperimentPage e1(OverheadReport report, Provenance provenance) {
        OverheadTables t = report.tables;
        List<Check> checks = new ArrayList<>();
        for (Goal g : t.goals) {
            if (!g.quantity().startsWith("protected domain crossing") && !g.quantity().startsWith("load an extension")) {
                checks.add(check(g));
            }
        }
        List<String> variants = new ArrayList<>();
        for (WorkloadTable w : t.workloads) {
            for (VariantRow r : w.rows()) {
                if (!variants.contains(r.variant())) {
                    variants.add(r.variant());
                }
            }
        }
        List<String> header = new ArrayList<>(List.of("workload"));
        variants.forEach(v -> header.add(v + " over NONE"));
        List<List<String>> rows = new ArrayList<>();
        for (WorkloadTable w : t.workloads) {
            List<String> row = new ArrayList<>(List.of(w.workload()));
            for (String v : variants) {
                row.add(w.rows().stream().filter(r -> r.variant().equals(v)).findFirst()
                        .map(r -> r.base() == null ? "no NONE score" : OverheadTables.ratioInterval(r.score(), r.base()).times()).orElse("–"));
            }
            rows.add(row);
        }
        List<Published> published = List.of(
                new Published("address sandboxing of stores only, over unprotected", "4.3%", Anchors.WAHBE, measured(t, "SFI_MASK_STORES")),
                new Published("address sandboxing of loads and stores", "21.8%", Anchors.WAHBE, measured(t, "SFI_MASK")),
                new Published("checks on every access (Native Client, LFI)", "under 5%; about 1.5% (stores) and 7% (loads too)",
                        Anchors.NACL + "; " + Anchors.LFI, "SFI_CHECK " + measured(t, "SFI_CHECK") + "; BOUNDS " + measured(t, "BOUNDS")));
        return new ExperimentPage("E1", "Overhead of each protection mode on a workload suite (Wahbe et al. 1993, Table 1)",
                "What does each isolation technique cost on real work, against running the same extension unprotected?",
                report.provisional, "forks", List.of(), checks,
                List.of(new Table("Each workload's time under each variant over the same workload unprotected (NONE, unmetered): "
                        + "estimate [95% interval], bootstrapped from this run's forks and iterations; +fuel is metered", header, rows)),
                published,
                "Wahbe et al. measured native MIPS and Alpha code, where an unprotected store is one instruction and masking adds "
                        + "two or three. Here every access, NONE's included, is a call through the Memory interface into simulated "
                        + "physical memory and its write monitor, so the denominator is far larger and the same guard is a smaller "
                        + "share of it; and the JIT's register allocation around the monitor's page loop moves scores by more than a "
                        + "guard costs (bench/README.md explains why ratios below 1 are real). Compare the modes with each other on "
                        + "this testbed; the published figures give the shape, not a target the JVM could reproduce.",
                List.of("The full tables (scores with JMH's errors, metering, Chicory, loading) are in " + OverheadReport.HTML + " beside this page."),
                provenance, report.benchJson());
    }

    static ExperimentPage e2(OverheadReport report, Provenance provenance) {
        OverheadTables t = report.tables;
        List<Check> checks = new ArrayList<>();
        for (Goal g : t.goals) {
            if (g.quantity().startsWith("protected domain crossing")) {
                checks.add(check(g));
            }
        }
        CrossingRow plain = t.crossings.stream().filter(c -> c.method().equals(OverheadTables.PLAIN_CALL) && c.score() != null)
                .findFirst().orElse(null);
        List<List<String>> rows = new ArrayList<>();
        for (CrossingRow c : t.crossings) {
            if (c.score() == null) {
                continue;
            }
            Interval ns = OverheadTables.meanNanos(c.score());
            rows.add(List.of(c.method(), c.what(), ns.text("ns"),
                    plain == null ? "–" : OverheadTables.ratioInterval(c.score(), plain.score()).times()));
        }
        List<Published> published = List.of(
                new Published("protected cross-domain call over a local call", "11x", Anchors.WAHBE_TABLE_2, over(t, "transactionalCrossingActAs", plain)),
                new Published("Unix pipe round trip (a separate process) over a local call", "about 2,000x", Anchors.WAHBE_TABLE_2,
                        over(t, "processCrossing", plain)));
        return new ExperimentPage("E2", "Domain crossing against a local call and a separate process (Wahbe et al. 1993, Table 2)",
                "What does entering a fault domain cost, against a plain call and against crossing into a separate process?",
                report.provisional, "forks", List.of(), checks,
                List.of(new Table("Calls into a filter that does nothing: mean [95% interval] ns, and over a plain Java call",
                        List.of("benchmark", "what runs", "time", "over plainCall"), rows)),
                published,
                "Wahbe et al.'s cross-domain call was a jump through a few instructions of stub on a 1993 RISC machine, against a "
                        + "procedure call of a few cycles; their RPC went through the Unix kernel. The testbed's protected crossing does "
                        + "more (refills the fuel meter, opens and commits a transaction, arms a watchdog, counts locks held) and the JIT "
                        + "makes the plain call nearly free, so the ratio is larger; the separate process is a JVM reached over a pipe, "
                        + "whose round trip costs tens of microseconds on this machine as a Unix pipe did then.",
                List.of("The full crossing table is in " + OverheadReport.HTML + " beside this page."),
                provenance, report.benchJson());
    }

    private static Check check(Goal g) {
        return new Check(g.quantity(), g.target(), g.measured(), g.verdict(), g.verdict().name().toLowerCase(Locale.ROOT).replace('_', ' '));
    }

    /** A mode's geomean over the memory workloads, as its goal measured it. */
    private static String measured(OverheadTables t, String mode) {
        return t.goals.stream().filter(g -> g.quantity().startsWith(mode + ":")).findFirst().map(Goal::measured).orElse("not measured");
    }

    private static String over(OverheadTables t, String method, CrossingRow plain) {
        return t.crossings.stream().filter(c -> c.method().equals(method) && c.score() != null && plain != null).findFirst()
                .map(c -> OverheadTables.ratioInterval(c.score(), plain.score()).times()).orElse("not measured");
    }
}
