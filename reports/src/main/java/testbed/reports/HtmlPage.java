package testbed.reports;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import testbed.corpus.Outcome;
import testbed.faults.CampaignSettings;
import testbed.faults.Finding;
import testbed.faults.TrialRecord;

/**
 * {@code index.html}: one self-contained page (inline CSS, charts as data URIs, one inline
 * script that sorts the drill-down tables) that reads the same offline as online. The markup is
 * the template {@code src/main/jte/containment.jte}, compiled into this package at build time;
 * this class turns a report into the values the template prints. The template engine escapes
 * every value for the context it lands in, so a string from a trial reads as text; the
 * Content-Security-Policy allows only the page's own script (by its hash) and no network fetch,
 * so a string that slipped past escaping still could neither run nor phone home.
 */
final class HtmlPage {
    /** The template, as the jte compiler names it. */
    private static final String TEMPLATE = "containment.jte";
    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(null, ContentType.Html,
            HtmlPage.class.getClassLoader(), HtmlPage.class.getPackageName());
    /** Sorts a table by a clicked column; inline, so the page needs no other file. */
    static final String SCRIPT = resource("sort-tables.js");
    /** The script's CSP source expression: only this exact script may run. */
    static final String SCRIPT_HASH = "'sha256-" + Base64.getEncoder().encodeToString(Provenance.sha256().digest(SCRIPT.getBytes(StandardCharsets.UTF_8))) + "'";

    private HtmlPage() {
    }

    // ---- what the template prints ----

    /** The whole page. */
    record Page(String corpus, boolean clean, String verdict, List<Param> tiles, List<Param> modesRun, boolean unprotectedRan,
            List<Param> campaign, List<Param> provenance, boolean balanced, String balance, Grid containment, Grid threats,
            Grid entries, List<Charts.Image> charts, List<FindingRow> findings, String script, String scriptHash) {
        List<Outcome> outcomes() {
            return List.of(Outcome.values());
        }
    }

    /** A name and its value, as text. */
    record Param(String name, String value) {
    }

    /** A column of a grid: a protection mode, or the pooled total. */
    record Column(String name, boolean unprotected) {
    }

    /** A table of outcome cells: one row per fault, threat class or entry, one column per mode, and the totals. */
    record Grid(String what, List<Column> columns, List<Row> rows, Row totals) {
    }

    /** One row: its name, a second column (family, threat class), a cell per mode and the row total. */
    record Row(String name, String group, List<Cell> cells, Cell total) {
    }

    /**
     * One cell: its trials, each outcome that occurred with its share and interval, the bound on
     * damage that never occurred (protected modes only), and a sort key (the damage share).
     */
    record Cell(int trials, String shade, List<Part> parts, String bound, int unexpected, String sortKey) {
        /** {@code cell}, then {@code damage} or {@code hung} when shaded, then {@code total} for a pooled cell. */
        String cssClass(boolean total) {
            return "cell" + (shade.isEmpty() ? "" : " " + shade) + (total ? " total" : "");
        }
    }

    /** One outcome of a cell. */
    record Part(Outcome outcome, String count, String percent, String interval) {
    }

    /** One finding, with its decisive detail in view. */
    record FindingRow(int number, Outcome outcome, String expected, String entry, String where, String trials, String trap,
            String detail, List<String> more, String signature, String replay, String folder, String href) {
    }

    // ---- building it ----

    static String render(ContainmentReport report, List<Charts.Image> charts) {
        StringOutput out = new StringOutput(256 * 1024);
        ENGINE.render(TEMPLATE, page(report, charts), out);
        return out.toString();
    }

    static Page page(ContainmentReport report, List<Charts.Image> charts) {
        Tally tally = report.tally;
        CampaignSettings s = report.settings;
        int unexpected = tally.all.unexpected();
        String verdict = unexpected == 0 ? "Every trial met its expectation."
                : Figures.count(unexpected) + " of " + Figures.count(report.counts.trials()) + " trials ended unexpectedly ("
                        + Figures.count(report.findings.size()) + (report.findings.size() == 1 ? " finding" : " findings") + ").";
        List<Param> tiles = List.of(new Param("trials", Figures.count(report.counts.trials())),
                new Param("elapsed", Figures.duration(report.elapsed)), new Param("trials / s", Figures.rate(report.trialsPerSecond())),
                new Param("unexpected", Figures.count(unexpected)), new Param("findings", Figures.count(report.findings.size())));
        List<Param> modesRun = new ArrayList<>();
        for (String mode : tally.modes) {
            modesRun.add(new Param(mode, ModeNotes.of(mode)));
        }
        List<Param> campaign = List.of(new Param("corpus", s.corpus()), new Param("modes", String.join(", ", s.modes())),
                new Param("faults", String.join(", ", s.faults())),
                new Param("trial budget", s.trials() == 0 ? "until the time limit" : Figures.count(s.trials())),
                new Param("time limit", s.timeLimit() == null ? "none" : Figures.duration(s.timeLimit())),
                new Param("seed", Long.toString(s.seed())), new Param("workers", Integer.toString(s.workers())));
        Balance balance = Balance.of(tally.modes, report.counts);
        return new Page(s.corpus(), unexpected == 0, verdict, tiles, modesRun, tally.modes.contains(Tally.UNPROTECTED), campaign,
                provenance(report.provenance), balance.balanced(), balance.statement(),
                grid("fault", tally, tally.byFault, tally.familyOf, true),
                grid("threat class", tally, tally.byThreat, Map.of(), true),
                grid("entry", tally, tally.byEntry, tally.threatOf, false),
                charts, findings(report.findings, report.provenance), SCRIPT, SCRIPT_HASH);
    }

    /** The provenance as the page and {@code report.md} list it. */
    static List<Param> provenance(Provenance p) {
        return List.of(new Param("tool", "testbed " + p.toolVersion()), new Param("git commit", p.gitCommit()),
                new Param("JDK", p.jdk()), new Param("JVM flags", p.jvmFlags().isEmpty() ? "none" : String.join(" ", p.jvmFlags())),
                new Param("host", p.cores() + (p.cores() == 1 ? " core, " : " cores, ")
                        + (p.memoryBytes() > 0 ? gib(p.memoryBytes()) + " memory, " : "") + gib(p.maxHeapBytes()) + " heap limit"),
                new Param("date", DateTimeFormatter.ISO_INSTANT.format(p.date().atOffset(ZoneOffset.UTC))),
                new Param("command", p.commandLine()), new Param("corpus digest", p.corpusDigest()));
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }

    /**
     * The grid of one axis. With {@code intervals}, cells give each share's interval and the
     * bound on damage that never occurred; without, only shares (the per-entry table is long).
     */
    private static Grid grid(String what, Tally tally, Map<String, Map<String, OutcomeCounts>> rows, Map<String, String> groupOf,
            boolean intervals) {
        List<Column> columns = new ArrayList<>();
        for (String mode : tally.modes) {
            columns.add(new Column(mode, !Tally.isProtected(mode)));
        }
        List<Row> built = new ArrayList<>();
        Map<String, OutcomeCounts> columnTotals = new LinkedHashMap<>();
        tally.modes.forEach(m -> columnTotals.put(m, new OutcomeCounts()));
        rows.forEach((name, row) -> {
            List<Cell> cells = new ArrayList<>();
            row.forEach((mode, counts) -> {
                cells.add(cell(counts, Tally.isProtected(mode), intervals));
                columnTotals.get(mode).addAll(counts);
            });
            built.add(new Row(Escape.printable(name), Escape.printable(groupOf.getOrDefault(name, "")), cells,
                    cell(Tally.pooled(row, tally.modes), false, intervals)));
        });
        List<Cell> totals = new ArrayList<>();
        columnTotals.forEach((mode, counts) -> totals.add(cell(counts, Tally.isProtected(mode), intervals)));
        Row totalRow = new Row("all", "", totals, cell(tally.all, false, intervals));
        return new Grid(what, columns, built, totalRow);
    }

    private static Cell cell(OutcomeCounts counts, boolean protectedMode, boolean intervals) {
        String shade = counts.get(Outcome.ESCAPED) + counts.get(Outcome.CRASHED) > 0 ? "damage"
                : counts.get(Outcome.HUNG) > 0 ? "hung" : "";
        List<Part> parts = new ArrayList<>();
        List<String> neverDamaged = new ArrayList<>();
        int damage = 0;
        for (Outcome o : Outcome.values()) {
            Share share = counts.share(o);
            if (counts.get(o) > 0) {
                parts.add(new Part(o, Figures.count(counts.get(o)), share.percent(), intervals ? share.interval() : ""));
            } else if (OutcomeCounts.DAMAGE.contains(o)) {
                neverDamaged.add(o.name());
            }
            damage += OutcomeCounts.DAMAGE.contains(o) ? counts.get(o) : 0;
        }
        String bound = "";
        if (intervals && protectedMode && counts.total() > 0 && !neverDamaged.isEmpty()) {
            String none = neverDamaged.size() == OutcomeCounts.DAMAGE.size() ? "damage" : String.join(", ", neverDamaged);
            bound = "no " + none + ": " + (neverDamaged.size() == 1 ? "" : "each ") + new Share(0, counts.total()).bound();
        }
        String sortKey = String.format(Locale.ROOT, "%.6f", new Share(damage, counts.total()).value());
        return new Cell(counts.total(), shade, parts, bound, counts.unexpected(), sortKey);
    }

    private static List<FindingRow> findings(List<Finding> findings, Provenance provenance) {
        List<FindingRow> rows = new ArrayList<>();
        int n = 1;
        for (Finding f : findings) {
            TrialRecord t = f.first();
            List<String> more = new ArrayList<>(t.violations());
            String detail = t.detail() == null ? "" : t.detail();
            if (detail.isEmpty() && !more.isEmpty()) {
                detail = more.remove(0);
            } else {
                more.remove(detail);
            }
            rows.add(new FindingRow(n++, t.outcome(), t.expected() == null ? "any" : t.expected().name(), Escape.printable(t.entry()),
                    Escape.printable(t.fault() + " · " + t.mode() + " · seed " + t.seed()), Figures.count(f.count()),
                    t.trapKind() == null ? "" : Escape.printable(t.trapKind()), Escape.printable(detail),
                    more.stream().map(Escape::printable).toList(), Escape.printable(f.signature()),
                    Escape.printable(Escape.replayCommand(t, provenance)), Escape.printable(f.folder()), Escape.relativeHref(f.folder())));
        }
        return rows;
    }

    private static String resource(String name) {
        try (InputStream in = HtmlPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing beside " + HtmlPage.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A CSS class of the outcome's colours. */
    static String chipClass(Outcome o) {
        return "chip o-" + o.name();
    }

    /** The outcome colour rules, from the {@link Palette}. */
    static String outcomeCss() {
        StringBuilder css = new StringBuilder();
        for (Outcome o : Outcome.values()) {
            boolean darkText = o == Outcome.OK || o == Outcome.WRONG_RESULT;
            css.append(".o-").append(o.name()).append(" { background: ").append(Palette.hex(o))
                    .append("; color: ").append(darkText ? "#1f2328" : "#fff").append("; }\n");
        }
        return css.toString();
    }
}
