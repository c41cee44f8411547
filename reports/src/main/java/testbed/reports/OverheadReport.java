package testbed.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import testbed.reports.OverheadTables.ChicoryRow;
import testbed.reports.OverheadTables.CrossingRow;
import testbed.reports.OverheadTables.TransactionRow;
import testbed.reports.OverheadTables.Versus;
import testbed.reports.OverheadTables.VariantRow;
import testbed.reports.OverheadTables.WorkloadTable;
import testbed.reports.stats.Verdict;

/**
 * The overhead report of one JMH run of the benchmark suite (experiments E1, E2 and E4: what each
 * protection mode costs on each workload, what a domain crossing and a transaction cost, what
 * loading an extension costs, and the WebAssembly baseline). Built from JMH's own JSON results;
 * writes three files:
 *
 * <ul>
 *   <li>{@value #BENCH_JSON}: the record: the settings, JMH's results unchanged under
 *       {@code benchmarks}, the extensions' sizes, and the {@code ratios} and {@code goals}
 *       computed from them;</li>
 *   <li>{@value #HTML}: the page a person reads (tables, a chart of the ratios, the published
 *       figures beside ours, each goal met or missed), self-contained;</li>
 *   <li>{@value #MARKDOWN}: the same tables in Markdown.</li>
 * </ul>
 *
 * <p>Every ratio divides two scores of the same run. A workload whose {@code NONE} baseline is
 * missing from the run gets its scores without ratios and a warning saying so.
 *
 * <pre>{@code
 * OverheadReport.of(jmhJson, sizes, settings, notes).writeTo(dir);
 * OverheadReport.read(dir.resolve(OverheadReport.BENCH_JSON)).writeTo(dir); // re-render
 * }</pre>
 */
public final class OverheadReport {
    /** The record: settings, JMH's results, ratios, goals. */
    public static final String BENCH_JSON = "bench.json";
    /** The tables in Markdown. */
    public static final String MARKDOWN = "overhead.md";
    /** The self-contained HTML page. */
    public static final String HTML = "overhead.html";

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** Size of an extension's class file, and of the same class rewritten for {@code SFI_MASK} with metering, in bytes. */
    public record ExtensionSize(int classFile, int rewritten, int accesses, int guardsRemoved) {
    }

    /**
     * One goal of the overhead experiment, judged on this run.
     *
     * @param quantity what is measured
     * @param target the goal, e.g. {@code ≤ 1.050x}
     * @param measured what this run measured, in words and numbers: the estimate, its 95% interval
     *     and, when inconclusive, the forks that would decide it
     * @param verdict met or missed (the whole interval on one side of the goal), inconclusive, or not measured
     * @param anchor the published figure for the same quantity, or an empty string
     */
    public record Goal(String quantity, String target, String measured, Verdict verdict, String anchor) {
    }

    final JsonNode jmh;
    final Map<String, ExtensionSize> sizes;
    final Map<String, String> settings;
    final List<String> notes;
    final OverheadTables tables;
    final boolean provisional;

    private OverheadReport(JsonNode jmh, Map<String, ExtensionSize> sizes, Map<String, String> settings, List<String> notes,
            boolean provisional) {
        this.jmh = jmh;
        this.sizes = sizes;
        this.settings = settings;
        this.notes = notes;
        this.provisional = provisional;
        this.tables = new OverheadTables(BenchScores.fromJmh(jmh), sizes, provisional);
    }

    /**
     * Computes the report of one run.
     *
     * @param jmhResults JMH's JSON result array ({@code -rf json})
     * @param sizes extension sizes by simple class name (for the load table); may be empty
     * @param settings how the run was made (forks, iterations, JVM...), in display order
     * @param notes sentences about the run to print with it (a benchmark skipped, and why)
     * @throws IllegalArgumentException if {@code jmhResults} is not JMH's result format
     */
    public static OverheadReport of(JsonNode jmhResults, Map<String, ExtensionSize> sizes, Map<String, String> settings, List<String> notes) {
        return of(jmhResults, sizes, settings, notes, false);
    }

    /**
     * Computes the report of one run.
     *
     * @param provisional a short run ({@code --quick}): it decides no goal, whatever its intervals
     * @throws IllegalArgumentException if {@code jmhResults} is not JMH's result format
     */
    public static OverheadReport of(JsonNode jmhResults, Map<String, ExtensionSize> sizes, Map<String, String> settings, List<String> notes,
            boolean provisional) {
        Objects.requireNonNull(jmhResults, "jmhResults");
        return new OverheadReport(jmhResults, Map.copyOf(sizes), new LinkedHashMap<>(settings), List.copyOf(notes), provisional);
    }

    /**
     * Reads a {@value #BENCH_JSON} back, to re-render its report.
     *
     * @throws IOException if the file cannot be read or is not a bench record
     */
    public static OverheadReport read(Path benchJson) throws IOException {
        JsonNode root = JSON.readTree(benchJson.toFile());
        if (root == null || !root.path("benchmarks").isArray()) {
            throw new IOException(benchJson + " is not a " + BENCH_JSON + " record: it has no 'benchmarks' array");
        }
        Map<String, ExtensionSize> sizes = new LinkedHashMap<>();
        root.path("extensions").properties().forEach(e ->
                sizes.put(e.getKey(), new ExtensionSize(e.getValue().path("classFile").asInt(), e.getValue().path("rewritten").asInt(),
                        e.getValue().path("accesses").asInt(), e.getValue().path("guardsRemoved").asInt())));
        Map<String, String> settings = new LinkedHashMap<>();
        root.path("settings").properties().forEach(e -> settings.put(e.getKey(), e.getValue().asText()));
        List<String> notes = new java.util.ArrayList<>();
        root.path("notes").forEach(n -> notes.add(n.asText()));
        try {
            return of(root.get("benchmarks"), sizes, settings, notes, root.path("provisional").asBoolean(false));
        } catch (IllegalArgumentException e) {
            throw new IOException(benchJson + ": " + e.getMessage(), e);
        }
    }

    /**
     * The page of experiment E1 (each mode's overhead on the workloads) or E2 (domain crossings)
     * from this run.
     *
     * @throws IllegalArgumentException for another id
     */
    public ExperimentPage experimentPage(String id, Provenance provenance) {
        return switch (id) {
            case "E1" -> OverheadExperiments.e1(this, provenance);
            case "E2" -> OverheadExperiments.e2(this, provenance);
            default -> throw new IllegalArgumentException("an overhead run makes the pages of E1 and E2, not " + id);
        };
    }

    /** The goals, each judged on this run. */
    public List<Goal> goals() {
        return List.copyOf(tables.goals);
    }

    /**
     * One line per plug-in technique of the run (and its metered variant): the geometric mean of
     * its ratios to {@code NONE} over the memory workloads, with its 95% interval; empty without plug-ins.
     */
    public List<String> plugIns() {
        return PlugInOverhead.of(tables).stream().map(PlugInOverhead::text).toList();
    }

    /** What the run lacked for a complete report (a missing baseline...), one sentence each. */
    public List<String> warnings() {
        return List.copyOf(tables.warnings);
    }

    /**
     * Workload to variant ({@code SFI_MASK}, {@code SFI_MASK+fuel}, ...) to its score's ratio to the
     * same workload's unmetered {@code NONE} score; workloads without a baseline are left out.
     */
    public Map<String, Map<String, Double>> ratiosToNone() {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        for (WorkloadTable t : tables.workloads) {
            if (t.missing() != null) {
                continue;
            }
            Map<String, Double> row = new LinkedHashMap<>();
            for (VariantRow r : t.rows()) {
                row.put(r.variant(), r.toNone().value());
            }
            out.put(t.workload(), row);
        }
        return out;
    }

    /**
     * Writes {@value #BENCH_JSON}, {@value #MARKDOWN} and {@value #HTML} into {@code dir}, each
     * beside its final name first and then moved into place.
     */
    public void writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        write(dir, BENCH_JSON, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(benchJson()) + "\n");
        write(dir, MARKDOWN, OverheadMarkdown.render(this));
        write(dir, HTML, OverheadHtml.render(this, Files.isRegularFile(dir.resolve(ContainmentReport.INDEX_HTML))));
    }

    /** The {@value #BENCH_JSON} record. */
    public ObjectNode benchJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("provisional", provisional);
        ObjectNode s = root.putObject("settings");
        settings.forEach(s::put);
        ArrayNode n = root.putArray("notes");
        notes.forEach(n::add);
        ObjectNode ext = root.putObject("extensions");
        sizes.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                ext.putObject(e.getKey()).put("classFile", e.getValue().classFile()).put("rewritten", e.getValue().rewritten())
                        .put("accesses", e.getValue().accesses()).put("guardsRemoved", e.getValue().guardsRemoved()));
        root.set("benchmarks", jmh);
        root.set("ratios", ratiosJson());
        ArrayNode goals = root.putArray("goals");
        for (Goal g : tables.goals) {
            ObjectNode o = goals.addObject();
            o.put("quantity", g.quantity()).put("target", g.target()).put("measured", g.measured())
                    .put("verdict", g.verdict().name()).put("anchor", g.anchor());
        }
        ArrayNode warnings = root.putArray("warnings");
        tables.warnings.forEach(warnings::add);
        return root;
    }

    private ObjectNode ratiosJson() {
        ObjectNode ratios = JSON.createObjectNode();
        ratios.put("baseline", "IsolationBench: each workload's (NONE, unmetered) score; metering: the same mode unmetered;"
                + " CrossingBench: plainCall; chicory: toNone over NONE, each protected variant over Chicory; all from this run");
        ObjectNode workloads = ratios.putObject("workloads");
        for (WorkloadTable t : tables.workloads) {
            ObjectNode w = workloads.putObject(t.workload());
            if (t.missing() != null) {
                w.put("missing", t.missing());
                continue;
            }
            for (VariantRow r : t.rows()) {
                ObjectNode v = w.putObject(r.variant());
                put(v, "ratio", "error", r.toNone());
                if (r.metering() != null) {
                    put(v, "metering", "meteringError", r.metering());
                }
            }
        }
        ObjectNode techniques = ratios.putObject("techniques");
        for (PlugInOverhead p : PlugInOverhead.of(tables)) {
            techniques.putObject(p.variant()).put("geomean", Figures.round(p.geomean().estimate(), 4))
                    .put("low", Figures.round(p.geomean().low(), 4)).put("high", Figures.round(p.geomean().high(), 4))
                    .put("workloads", p.workloads());
        }
        ObjectNode crossings = ratios.putObject("crossings");
        for (CrossingRow c : tables.crossings) {
            if (c.toPlain() != null) {
                ObjectNode o = crossings.putObject(c.method());
                put(o, "ratio", "error", c.toPlain());
                o.put("minusPlainCallNs", Figures.round(c.score().nanos() - plainNanos(), 3));
            }
        }
        ObjectNode transactions = ratios.putObject("transactions");
        for (TransactionRow t : tables.transactions) {
            if (!Double.isNaN(t.ownCost())) {
                transactions.put(t.method() + (t.rounds().isEmpty() ? "" : " rounds=" + t.rounds()) + " minusGraftOnlyNs",
                        Figures.round(t.ownCost(), 3));
            }
        }
        ObjectNode chicory = ratios.putObject("chicory");
        for (ChicoryRow c : tables.chicory) {
            ObjectNode o = chicory.putObject(c.workload());
            if (c.toNone() != null) {
                put(o.putObject("toNone"), "ratio", "error", c.toNone());
            }
            for (Versus v : c.protectedModes()) {
                put(o.putObject(v.variant() + " over chicory"), "ratio", "error", v.toChicory());
            }
        }
        return ratios;
    }

    private double plainNanos() {
        return tables.crossings.stream().filter(c -> c.method().equals(OverheadTables.PLAIN_CALL) && c.score() != null)
                .mapToDouble(c -> c.score().nanos()).findFirst().orElse(Double.NaN);
    }

    private static void put(ObjectNode o, String ratioKey, String errorKey, Ratio r) {
        o.put(ratioKey, Figures.round(r.value(), 4));
        if (r.hasError()) {
            o.put(errorKey, Figures.round(r.error(), 4));
        } else {
            o.putNull(errorKey);
        }
    }

    private static void write(Path dir, String name, String content) throws IOException {
        Path target = dir.resolve(name);
        Path partial = dir.resolve(name + ".partial");
        Files.writeString(partial, content, StandardCharsets.UTF_8);
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
