package testbed.reports;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import testbed.reports.BenchScores.Score;
import testbed.reports.OverheadTables.VariantRow;
import testbed.reports.OverheadTables.WorkloadTable;
import testbed.reports.stats.Interval;

/**
 * What each plug-in technique of a run costs over the memory workloads, summed up as the built-in
 * modes' goals are (the geometric mean of its ratios to {@code NONE}, with its bootstrap interval),
 * but without a goal: the testbed sets none for a technique it does not know.
 *
 * @param variant the technique's name, with {@code +fuel} for its metered variant
 * @param geomean the geometric mean of its ratios to the same workloads' {@code NONE}, from this run
 * @param workloads how many memory workloads it was measured on
 * @param highest the workload with the highest ratio, and that ratio
 */
record PlugInOverhead(String variant, Interval geomean, int workloads, String highest) {

    /** The rows of every plug-in technique in the run, unmetered then metered; none without plug-ins. */
    static List<PlugInOverhead> of(OverheadTables tables) {
        List<PlugInOverhead> out = new ArrayList<>();
        for (String mode : tables.plugIns()) {
            for (boolean metered : new boolean[] {false, true}) {
                List<Score> numerators = new ArrayList<>();
                List<Score> denominators = new ArrayList<>();
                String highest = "";
                double worst = 0;
                for (WorkloadTable t : tables.workloads) {
                    Optional<VariantRow> row = t.row(mode, metered);
                    if (t.workload().equals(OverheadTables.CONTROL) || row.isEmpty() || row.get().toNone() == null) {
                        continue;
                    }
                    numerators.add(row.get().score());
                    denominators.add(row.get().base());
                    if (row.get().toNone().value() > worst) {
                        worst = row.get().toNone().value();
                        highest = OverheadTables.times(worst) + ", " + t.workload();
                    }
                }
                if (!numerators.isEmpty()) {
                    out.add(new PlugInOverhead(OverheadTables.variantName(mode, metered),
                            OverheadTables.geomeanInterval(numerators, denominators), numerators.size(), highest));
                }
            }
        }
        return List.copyOf(out);
    }

    /** {@code mask: 1.034x [1.010, 1.061] over NONE, geometric mean of 6 memory workloads (highest 1.080x, copy)}. */
    String text() {
        return variant + ": " + geomean.times() + " over NONE, geometric mean of " + workloads + " memory workload"
                + (workloads == 1 ? "" : "s") + " (highest " + highest + ")";
    }
}
