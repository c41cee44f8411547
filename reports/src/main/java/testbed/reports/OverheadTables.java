package testbed.reports;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import testbed.reports.BenchScores.Score;
import testbed.reports.OverheadReport.ExtensionSize;
import testbed.reports.OverheadReport.Goal;
import testbed.reports.stats.Bootstrap;
import testbed.reports.stats.Interval;
import testbed.reports.stats.Samples;
import testbed.reports.stats.Verdict;

/**
 * The overhead report's tables and goals, computed from one JMH run: every ratio divides two
 * scores of the same run, never of two runs (the machine's background load differs between runs
 * more than the overheads being measured).
 *
 * <p>Benchmark and parameter names are those of the {@code bench} module: {@code IsolationBench.run}
 * with {@code workload}, {@code mode} and {@code metered}; {@code CrossingBench}'s methods;
 * {@code TransactionBench}'s methods with {@code rounds}; {@code LoadBench} with {@code extension}
 * and {@code mode}; {@code ChicoryBench.checksum} and {@code .copy}. A benchmark missing from the
 * run leaves its table empty, with a note; it never fails the report.
 */
final class OverheadTables {
    static final String ISOLATION = "IsolationBench.run";
    /** The crossing benchmark every other crossing is divided by. */
    static final String PLAIN_CALL = "plainCall";
    static final String BASELINE = "NONE";
    /** The built-in modes in the order the tables list them; {@code SFI_MASK_STORES} is masking of stores only. */
    static final List<String> MODES = List.of("NONE", "SFI_MASK_STORES", "SFI_MASK", "SFI_CHECK", "BOUNDS", "VERIFIED");
    /** The workload with no memory access: shown, but left out of the modes' geometric means. */
    static final String CONTROL = "compute";
    /** The workloads that also run on Chicory, as {@code ChicoryBench} methods. */
    static final List<String> CHICORY_WORKLOADS = List.of("checksum", "copy");

    /** What each workload of the bench module does per operation, for the tables' headings. */
    static final Map<String, String> WORKLOADS = Map.of(
            "checksum", "Internet checksum of a 1,500-byte packet (ChecksumFilter: 750 load16)",
            "packetFilter", "BPF-style header match over 64 assorted packets (HeaderFilter: about 8 loads a packet)",
            "copy", "8 KiB copy inside the segment (CopyFilter: 1,024 load64 and 1,024 store64)",
            "hashTable", "open-addressing hash table in the segment, 512 inserts and 1,024 lookups (HashTableFilter)",
            "sort", "heapsort of 512 ints in the segment, restored from a saved copy first (SortFilter)",
            "readFilter", "read filter keeping the 32-byte records of a 2 KiB block that hold a pattern (PatternReadFilter)",
            "compute", "arithmetic only, no memory access: the control (ComputeFilter)");

    /**
     * One variant of one workload: its score, its ratio to NONE and, if metered, to the same mode
     * unmetered; {@code base} and {@code unmetered} are those two scores (null when absent).
     */
    record VariantRow(String mode, boolean metered, Score score, Ratio toNone, Ratio metering, Score base, Score unmetered) {
        String variant() {
            return variantName(mode, metered);
        }
    }

    /** One workload's variants; {@code missing} says why there are no ratios, or is null. */
    record WorkloadTable(String workload, List<VariantRow> rows, String missing) {
        Optional<VariantRow> row(String mode, boolean metered) {
            return rows.stream().filter(r -> r.mode().equals(mode) && r.metered() == metered).findFirst();
        }
    }

    /** One way of calling the trivial filter; {@code score} null when the run did not measure it. */
    record CrossingRow(String method, String what, Score score, Ratio toPlain, String anchor) {
    }

    /** One transaction benchmark; {@code ownCost} is its score less the graft alone (ns), or NaN. */
    record TransactionRow(String method, String rounds, Score score, double ownCost, String anchor) {
    }

    /** Loading one extension: its sizes and each measured stage, any of them null when not measured. */
    record LoadRow(String extension, ExtensionSize size, Score loadNone, Score loadMasked, Score verify, Score rewrite, Score define) {
    }

    /** One workload on Chicory: its ratio to the same workload in NONE, and each protected variant's ratio to it. */
    record ChicoryRow(String workload, Score chicory, Ratio toNone, List<Versus> protectedModes) {
    }

    /** A protected variant's time over Chicory's: below 1 is faster. */
    record Versus(String variant, Score score, Ratio toChicory) {
    }

    /** Every mode of the run's workloads: the built-in ones in {@link #MODES}' order, then plug-in techniques in run order. */
    final List<String> modes = new ArrayList<>(MODES);
    final List<WorkloadTable> workloads = new ArrayList<>();
    final List<CrossingRow> crossings = new ArrayList<>();
    final List<TransactionRow> transactions = new ArrayList<>();
    final List<LoadRow> loads = new ArrayList<>();
    final List<ChicoryRow> chicory = new ArrayList<>();
    final List<Goal> goals = new ArrayList<>();
    /** What the run lacked, one sentence each. */
    final List<String> warnings = new ArrayList<>();

    /** A short run ({@code --quick}): no goal is met or missed on it. */
    final boolean provisional;

    OverheadTables(BenchScores scores, Map<String, ExtensionSize> sizes, boolean provisional) {
        this.provisional = provisional;
        workloads(scores);
        crossings(scores);
        transactions(scores);
        loads(scores, sizes);
        chicory(scores);
        goals(scores);
        guardGoal(sizes);
    }

    static String variantName(String mode, boolean metered) {
        return metered ? mode + "+fuel" : mode;
    }

    private void workloads(BenchScores scores) {
        Set<String> names = new LinkedHashSet<>();
        scores.of(ISOLATION).forEach(s -> names.add(s.param("workload")));
        scores.of(ISOLATION).stream().map(s -> s.param("mode")).filter(m -> m != null && !modes.contains(m)).forEach(modes::add);
        for (String workload : names) {
            List<Score> mine = scores.of(ISOLATION).stream().filter(s -> workload.equals(s.param("workload"))).toList();
            Score base = find(mine, BASELINE, false);
            String missing = base == null
                    ? "no " + BASELINE + " (unmetered) score for workload '" + workload + "' in this run, so its ratios cannot be"
                            + " computed: a ratio needs NONE and the mode measured in the same run"
                    : null;
            if (missing != null) {
                warnings.add(missing);
            }
            List<VariantRow> rows = new ArrayList<>();
            for (String mode : modes) {
                for (boolean metered : new boolean[] {false, true}) {
                    Score s = find(mine, mode, metered);
                    if (s == null) {
                        continue;
                    }
                    Score unmetered = metered ? find(mine, mode, false) : null;
                    rows.add(new VariantRow(mode, metered, s, base == null ? null : ratio(s, base),
                            unmetered == null ? null : ratio(s, unmetered), base, unmetered));
                }
            }
            workloads.add(new WorkloadTable(workload, List.copyOf(rows), missing));
        }
        if (names.isEmpty()) {
            warnings.add("the run has no " + ISOLATION + " scores: no workload table");
        }
    }

    private static Score find(List<Score> scores, String mode, boolean metered) {
        for (Score s : scores) {
            if (mode.equals(s.param("mode")) && Boolean.parseBoolean(s.param("metered")) == metered) {
                return s;
            }
        }
        return null;
    }

    static Ratio ratio(Score a, Score b) {
        return Ratio.of(a.nanos(), a.errorNanos(), b.nanos(), b.errorNanos());
    }

    private void crossings(BenchScores scores) {
        String[][] rows = {
            {PLAIN_CALL, "plain Java call of the filter (the local call)", ""},
            {"directCrossing", "unprotected crossing, Crossing.DIRECT", ""},
            {"directCrossingActAs", "the same with the kernel's actAs pair around it", ""},
            {"transactionalCrossing", "protected crossing: meter refill, transaction, watchdog, lock check, commit", ""},
            {"transactionalCrossingActAs", "the same with the actAs pair: the kernel's whole protected crossing", Anchors.CROSSING},
            {"receiveDirect", "kernel receive of a 64-byte packet, filter in NONE", ""},
            {"receiveTransactional", "kernel receive of a 64-byte packet, filter in SFI_MASK", ""},
            {"processCrossing", "PROCESS: the filter in a separate JVM, over a pipe", Anchors.PIPE},
        };
        Optional<Score> plain = scores.find("CrossingBench." + PLAIN_CALL);
        boolean any = false;
        for (String[] row : rows) {
            Optional<Score> s = scores.find("CrossingBench." + row[0]);
            any |= s.isPresent();
            crossings.add(new CrossingRow(row[0], row[1], s.orElse(null),
                    s.isPresent() && plain.isPresent() ? ratio(s.get(), plain.get()) : null, row[2]));
        }
        if (any && plain.isEmpty()) {
            warnings.add("no CrossingBench.plainCall score in this run, so the crossings have no ratio to a plain call");
        }
    }

    private void transactions(BenchScores scores) {
        for (String method : List.of("beginCommit", "beginAbort")) {
            scores.find("TransactionBench." + method).ifPresent(s ->
                    transactions.add(new TransactionRow(method, "", s, Double.NaN, Anchors.TRANSACTIONS)));
        }
        Set<String> rounds = new LinkedHashSet<>();
        scores.of("TransactionBench.graftOnly").forEach(s -> rounds.add(s.param("rounds")));
        scores.of("TransactionBench.graftCommit").forEach(s -> rounds.add(s.param("rounds")));
        scores.of("TransactionBench.graftAbort").forEach(s -> rounds.add(s.param("rounds")));
        for (String r : rounds) {
            Optional<Score> alone = scores.find("TransactionBench.graftOnly", s -> r.equals(s.param("rounds")));
            for (String method : List.of("graftOnly", "graftCommit", "graftAbort")) {
                Optional<Score> s = scores.find("TransactionBench." + method, x -> r.equals(x.param("rounds")));
                if (s.isEmpty()) {
                    continue;
                }
                double own = !method.equals("graftOnly") && alone.isPresent() ? s.get().nanos() - alone.get().nanos() : Double.NaN;
                transactions.add(new TransactionRow(method, r, s.get(), own, method.equals("graftOnly") ? "" : Anchors.TRANSACTIONS));
            }
        }
    }

    private void loads(BenchScores scores, Map<String, ExtensionSize> sizes) {
        Set<String> extensions = new LinkedHashSet<>();
        for (String method : List.of("load", "verifyOnly", "rewriteOnly", "defineOnly")) {
            scores.of("LoadBench." + method).forEach(s -> extensions.add(s.param("extension")));
        }
        extensions.remove(null);
        for (String e : extensions) {
            loads.add(new LoadRow(e, sizes.get(e),
                    scores.find("LoadBench.load", s -> e.equals(s.param("extension")) && "NONE".equals(s.param("mode"))).orElse(null),
                    scores.find("LoadBench.load", s -> e.equals(s.param("extension")) && "SFI_MASK".equals(s.param("mode"))).orElse(null),
                    scores.find("LoadBench.verifyOnly", s -> e.equals(s.param("extension"))).orElse(null),
                    scores.find("LoadBench.rewriteOnly", s -> e.equals(s.param("extension"))).orElse(null),
                    scores.find("LoadBench.defineOnly", s -> e.equals(s.param("extension"))).orElse(null)));
        }
    }

    private void chicory(BenchScores scores) {
        for (String workload : CHICORY_WORKLOADS) {
            Optional<Score> wasm = scores.find("ChicoryBench." + workload);
            if (wasm.isEmpty()) {
                continue;
            }
            WorkloadTable table = workload(workload);
            Ratio toNone = null;
            List<Versus> guarded = new ArrayList<>();
            if (table != null) {
                toNone = table.row(BASELINE, false).map(r -> ratio(wasm.get(), r.score())).orElse(null);
                for (String mode : MODES.subList(1, MODES.size())) {
                    table.row(mode, true).ifPresent(r -> guarded.add(new Versus(r.variant(), r.score(), ratio(r.score(), wasm.get()))));
                }
            }
            chicory.add(new ChicoryRow(workload, wasm.get(), toNone, List.copyOf(guarded)));
        }
    }

    /** The plug-in techniques among the run's modes: every mode that is not built in. */
    List<String> plugIns() {
        return modes.subList(MODES.size(), modes.size());
    }

    WorkloadTable workload(String name) {
        return workloads.stream().filter(w -> w.workload().equals(name)).findFirst().orElse(null);
    }

    private void goals(BenchScores scores) {
        modeGoal("SFI_MASK_STORES", "address masking of stores only, over NONE", Anchors.STORES_ONLY);
        modeGoal("SFI_MASK", "address masking of loads and stores, over NONE", Anchors.LOADS_AND_STORES);
        modeGoal("SFI_CHECK", "segment matching, over NONE", Anchors.CHECKING);
        modeGoal("BOUNDS", "bounds checks, over NONE", Anchors.CHECKING);
        modeGoal("VERIFIED", "static proof with checks where it falls short, over NONE", Anchors.PROOF);
        meteringGoal();
        Optional<Score> crossing = scores.find("CrossingBench.transactionalCrossingActAs");
        String quantity = "protected domain crossing";
        testbed.reports.stats.Goal under = new testbed.reports.stats.Goal(quantity, testbed.reports.stats.Goal.Direction.AT_MOST,
                Anchors.CROSSING_GOAL_NS);
        goals.add(crossing.isEmpty()
                ? new Goal(quantity, "under 100 ns", "not measured", Verdict.NOT_MEASURED, Anchors.CROSSING)
                : judged(under, "under 100 ns", meanNanos(crossing.get()), groups(crossing.get()), "ns", "", Anchors.CROSSING));
        chicoryGoal();
        loadGoal();
    }

    /** The interval of a score's mean in nanoseconds, from its samples; a point at the score without them. */
    static Interval meanNanos(Score s) {
        if (s.samples() == null) {
            return Interval.exact(s.nanos());
        }
        Interval i = Bootstrap.mean(s.samples());
        double k = s.nanosPerUnit();
        return new Interval(i.low() * k, i.estimate() * k, i.high() * k, i.level());
    }

    /** Forks behind a score: 0 when it has no samples, so that nothing is decided on it. */
    static int groups(Score s) {
        return s.samples() == null ? 0 : s.samples().groups();
    }

    /** The interval of {@code a / b} from both scores' samples. */
    static Interval ratioInterval(Score a, Score b) {
        return a.samples() == null || b.samples() == null ? Interval.exact(a.nanos() / b.nanos()) : Bootstrap.ratio(a.samples(), b.samples());
    }

    /** A goal's row: the interval, and the verdict the stats rule gives it on this run. */
    private Goal judged(testbed.reports.stats.Goal goal, String target, Interval interval, int forks, String unit, String extra, String anchor) {
        testbed.reports.stats.Goal.Judgement j = goal.judge(interval, forks, provisional);
        String measured = ("x".equals(unit) ? "geomean " + interval.times() : interval.text(unit)) + extra + "; " + j.text("forks");
        return new Goal(goal.quantity(), target, measured, j.verdict(), anchor);
    }

    /** A row's own verdict: its ratio to NONE against the mode's goal, or its metering cost against the metering goal. */
    Verdict rowVerdict(VariantRow r) {
        Score over = r.metered() ? r.unmetered() : r.base();
        double goal = r.metered() ? Anchors.METERING_GOAL : Anchors.goal(r.mode());
        if (over == null || Double.isNaN(goal) || !MODES.contains(r.mode())) {
            return Verdict.NOT_MEASURED;
        }
        return new testbed.reports.stats.Goal(r.variant(), testbed.reports.stats.Goal.Direction.AT_MOST, goal)
                .judge(ratioInterval(r.score(), over), Math.min(groups(r.score()), groups(over)), provisional).verdict();
    }

    /** A mode's goal, judged on the interval of the geometric mean of its unmetered ratios over the memory workloads. */
    private void modeGoal(String mode, String quantity, String anchor) {
        double goal = Anchors.goal(mode);
        String target = "≤ " + times(goal);
        List<Score> numerators = new ArrayList<>();
        List<Score> denominators = new ArrayList<>();
        String worst = null;
        double worstRatio = 0;
        for (WorkloadTable t : workloads) {
            Optional<VariantRow> row = t.row(mode, false);
            if (t.workload().equals(CONTROL) || row.isEmpty() || row.get().toNone() == null) {
                continue;
            }
            numerators.add(row.get().score());
            denominators.add(row.get().base());
            double r = row.get().toNone().value();
            if (r > worstRatio) {
                worstRatio = r;
                worst = t.workload();
            }
        }
        if (numerators.isEmpty()) {
            goals.add(new Goal(mode + ": " + quantity, target, "not measured", Verdict.NOT_MEASURED, anchor));
            return;
        }
        goals.add(judged(new testbed.reports.stats.Goal(mode + ": " + quantity, testbed.reports.stats.Goal.Direction.AT_MOST, goal), target,
                geomeanInterval(numerators, denominators), forks(numerators, denominators), "x",
                " over " + numerators.size() + " workloads (highest " + times(worstRatio) + ", " + worst + ")", anchor));
    }

    /** The geometric mean of the ratios with its bootstrap interval; a point when any score lacks samples. */
    static Interval geomeanInterval(List<Score> numerators, List<Score> denominators) {
        List<Samples> a = new ArrayList<>();
        List<Samples> b = new ArrayList<>();
        List<Double> points = new ArrayList<>();
        for (int i = 0; i < numerators.size(); i++) {
            a.add(numerators.get(i).samples());
            b.add(denominators.get(i).samples());
            points.add(numerators.get(i).nanos() / denominators.get(i).nanos());
        }
        return a.contains(null) || b.contains(null) ? Interval.exact(geomean(points)) : Bootstrap.geomeanOfRatios(a, b);
    }

    /** The fewest forks behind any of the scores. */
    static int forks(List<Score> numerators, List<Score> denominators) {
        int n = Integer.MAX_VALUE;
        for (Score s : numerators) {
            n = Math.min(n, groups(s));
        }
        for (Score s : denominators) {
            n = Math.min(n, groups(s));
        }
        return n;
    }

    /** Experiment E5: the share of the benchmark extensions' access guards VERIFIED's proof removes. */
    private void guardGoal(Map<String, ExtensionSize> sizes) {
        String quantity = "VERIFIED: share of Memory access guards removed over the benchmark extensions";
        String target = "≥ " + Math.round(100 * Anchors.GUARDS_REMOVED_GOAL) + "%";
        long accesses = sizes.values().stream().mapToLong(ExtensionSize::accesses).sum();
        if (accesses == 0) {
            goals.add(new Goal(quantity, target, "not measured", Verdict.NOT_MEASURED, Anchors.PROOF));
            return;
        }
        long removed = sizes.values().stream().mapToLong(ExtensionSize::guardsRemoved).sum();
        StringBuilder each = new StringBuilder();
        sizes.entrySet().stream().filter(e -> e.getValue().accesses() > 0).sorted(Map.Entry.comparingByKey()).forEach(e ->
                each.append(each.length() == 0 ? "" : ", ").append(e.getKey()).append(" ").append(e.getValue().guardsRemoved())
                        .append("/").append(e.getValue().accesses()));
        double share = (double) removed / accesses;
        goals.add(new Goal(quantity, target, removed + " of " + accesses + " (" + Math.round(100 * share) + "%): " + each,
                share >= Anchors.GUARDS_REMOVED_GOAL ? Verdict.MET : Verdict.MISSED, Anchors.PROOF));
    }

    private void meteringGoal() {
        List<Score> numerators = new ArrayList<>();
        List<Score> denominators = new ArrayList<>();
        String worst = null;
        double worstRatio = 0;
        for (WorkloadTable t : workloads) {
            for (VariantRow row : t.rows()) {
                if (row.metering() != null && MODES.contains(row.mode())) { // a plug-in's goal is its author's to set
                    numerators.add(row.score());
                    denominators.add(row.unmetered());
                    if (row.metering().value() > worstRatio) {
                        worstRatio = row.metering().value();
                        worst = t.workload() + " " + row.mode();
                    }
                }
            }
        }
        String quantity = "fuel metering, over the same mode unmetered";
        String target = "≤ " + times(Anchors.METERING_GOAL);
        if (numerators.isEmpty()) {
            goals.add(new Goal(quantity, target, "not measured", Verdict.NOT_MEASURED, ""));
            return;
        }
        goals.add(judged(new testbed.reports.stats.Goal(quantity, testbed.reports.stats.Goal.Direction.AT_MOST, Anchors.METERING_GOAL), target,
                geomeanInterval(numerators, denominators), forks(numerators, denominators), "x",
                " over " + numerators.size() + " workload-mode pairs (highest " + times(worstRatio) + ", " + worst + ")", ""));
    }

    /** Several comparisons under one goal: met when every one is, missed when any is, else inconclusive. */
    private static Verdict all(List<Verdict> verdicts) {
        if (verdicts.contains(Verdict.MISSED)) {
            return Verdict.MISSED;
        }
        return verdicts.stream().allMatch(v -> v == Verdict.MET) ? Verdict.MET : Verdict.INCONCLUSIVE;
    }

    /** Every protected mode, metered as the sandbox runs it, faster than Chicory on each workload both run. */
    private void chicoryGoal() {
        String quantity = "faster than Chicory (WebAssembly compiled to JVM bytecode)";
        String target = "every protected mode, metered, below Chicory's time";
        List<String> notFaster = new ArrayList<>();
        List<Verdict> verdicts = new ArrayList<>();
        double worst = 0;
        for (ChicoryRow row : chicory) {
            for (Versus v : row.protectedModes()) {
                worst = Math.max(worst, v.toChicory().value());
                testbed.reports.stats.Goal.Judgement j = new testbed.reports.stats.Goal(v.variant(),
                        testbed.reports.stats.Goal.Direction.AT_MOST, 1).judge(ratioInterval(v.score(), row.chicory()),
                        Math.min(groups(v.score()), groups(row.chicory())), provisional);
                verdicts.add(j.verdict());
                if (j.verdict() != Verdict.MET) {
                    notFaster.add(row.workload() + " " + v.variant() + " " + j.interval().times() + " (" + j.verdict().name().toLowerCase(Locale.ROOT) + ")");
                }
            }
        }
        if (verdicts.isEmpty()) {
            goals.add(new Goal(quantity, target, "not measured", Verdict.NOT_MEASURED, ""));
            return;
        }
        goals.add(new Goal(quantity, target, verdicts.size() + " comparisons, slowest at " + times(worst) + " Chicory's time"
                + (notFaster.isEmpty() ? "" : "; not shown faster: " + String.join(", ", notFaster)), all(verdicts), ""));
    }

    private void loadGoal() {
        String quantity = "load an extension (verify, rewrite, define, construct), SFI_MASK";
        testbed.reports.stats.Goal under = new testbed.reports.stats.Goal(quantity, testbed.reports.stats.Goal.Direction.AT_MOST,
                Anchors.LOAD_GOAL_NS);
        double worst = 0;
        String worstName = null;
        List<Verdict> verdicts = new ArrayList<>();
        for (LoadRow row : loads) {
            if (row.loadMasked() == null) {
                continue;
            }
            verdicts.add(under.judge(meanNanos(row.loadMasked()), groups(row.loadMasked()), provisional).verdict());
            if (row.loadMasked().nanos() > worst) {
                worst = row.loadMasked().nanos();
                worstName = row.extension();
            }
        }
        if (worstName == null) {
            goals.add(new Goal(quantity, "under 1 ms", "not measured", Verdict.NOT_MEASURED, ""));
            return;
        }
        goals.add(new Goal(quantity, "under 1 ms", "slowest " + Ratio.decimal(worst / 1e3) + " µs (" + worstName + ")"
                + (provisional ? "; a --quick run decides no goal" : ""), all(verdicts), ""));
    }

    static double geomean(List<Double> values) {
        double log = 0;
        for (double v : values) {
            log += Math.log(v);
        }
        return Math.exp(log / values.size());
    }

    static String times(double ratio) {
        return String.format(Locale.ROOT, "%.3fx", ratio);
    }
}
