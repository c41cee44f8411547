package testbed.reports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import testbed.faults.CampaignSettings;
import testbed.faults.Finding;
import testbed.faults.TrialLog;
import testbed.faults.TrialRecord;

/**
 * The containment report of one campaign (experiment E3): what each protection mode made of
 * each fault kind. Built from the campaign's settings, its trial records (as finished, or as
 * read back with {@link TrialLog#read(Path)}), its deduplicated findings and its wall time; it
 * writes five files and the charts beside the campaign's {@value TrialLog#FILE_NAME} and finding folders:
 *
 * <ul>
 *   <li>{@value #SUMMARY_JSON}: the counts as data (per mode, per fault and mode, per fault
 *       family; all seven outcomes keyed, zeros included) with the settings;</li>
 *   <li>{@value #INDEX_HTML}: the page a person reads, self-contained and readable offline, with
 *       its charts also written as SVG and PNG under {@code charts/} for a paper;</li>
 *   <li>{@value #REPORT_MD}: the same tables in Markdown, for a paper or a pull request;</li>
 *   <li>{@value #JUNIT_XML}: one test suite per mode, one failure per unexpected trial, for CI;</li>
 *   <li>{@value #FINDINGS_SARIF}: the deduplicated findings as a SARIF 2.1.0 log, for code-scanning tools.</li>
 * </ul>
 *
 * <p>Every string that comes from an extension or a trial (entry names, messages, violations,
 * ids) is escaped for the format it lands in: it reads as text and never becomes markup. The
 * output depends only on the inputs (the clock and the host enter only through the
 * {@link Provenance} given), so re-rendering a campaign with the same provenance gives the same files.
 *
 * <pre>{@code
 * ContainmentReport.of(settings, TrialLog.read(dir.resolve(TrialLog.FILE_NAME)), findings, elapsed, provenance)
 *         .writeTo(dir);
 * }</pre>
 */
public final class ContainmentReport {
    /** Counts and settings as JSON. */
    public static final String SUMMARY_JSON = "summary.json";
    /** The self-contained HTML page. */
    public static final String INDEX_HTML = "index.html";
    /** The tables in Markdown. */
    public static final String REPORT_MD = "report.md";
    /** JUnit XML for CI systems. */
    public static final String JUNIT_XML = "junit.xml";
    /** The findings as a SARIF 2.1.0 log, for code-scanning tools. */
    public static final String FINDINGS_SARIF = "findings.sarif";

    final CampaignSettings settings;
    final TrialCounts counts;
    final List<Finding> findings;
    final Duration elapsed;
    final Provenance provenance;
    final Tally tally;

    private ContainmentReport(CampaignSettings settings, TrialCounts counts, List<Finding> findings, Duration elapsed,
            Provenance provenance) {
        this.settings = settings;
        this.counts = counts;
        this.findings = findings;
        this.elapsed = elapsed;
        this.provenance = provenance;
        this.tally = new Tally(settings, counts);
    }

    /**
     * Counts a campaign's results.
     *
     * @param settings the campaign's parameters; its modes and faults give the column and row
     *     order (modes or faults that only the records name follow, sorted)
     * @param records every finished trial, in any order
     * @param findings the deduplicated unexpected outcomes, in the order to list them
     * @param elapsed the campaign's wall time so far
     * @param provenance where the figures came from (tool, commit, JVM, host, command, corpus);
     *     its launcher starts every replay command in the report
     * @return the report, ready to write
     */
    public static ContainmentReport of(CampaignSettings settings, List<TrialRecord> records, List<Finding> findings, Duration elapsed,
            Provenance provenance) {
        return of(settings, TrialCounts.of(records), findings, elapsed, provenance);
    }

    /**
     * The report of a campaign whose records were counted as they were read, for a campaign too
     * long to hold its records in memory (see {@link TrialCounts}). The same records give the
     * same report whichever way they came.
     *
     * @param counts every finished trial, counted
     * @see #of(CampaignSettings, List, List, Duration, Provenance)
     */
    public static ContainmentReport of(CampaignSettings settings, TrialCounts counts, List<Finding> findings, Duration elapsed,
            Provenance provenance) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(counts, "counts");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(provenance, "provenance");
        if (elapsed.isNegative()) {
            throw new IllegalArgumentException("elapsed time is negative: " + elapsed);
        }
        return new ContainmentReport(settings, counts, List.copyOf(findings), elapsed, provenance);
    }

    /**
     * Writes {@value #SUMMARY_JSON}, {@value #INDEX_HTML}, {@value #REPORT_MD}, {@value #JUNIT_XML}
     * and {@value #FINDINGS_SARIF} into {@code dir}, creating it if needed. Each file is written beside
     * its final name and then moved into place, so a reader never sees a half-written report
     * and a campaign may re-render while it runs.
     *
     * @param dir the campaign's output directory
     * @throws IOException if a file cannot be written
     */
    public void writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Charts.Image> charts = Charts.of(tally);
        Path chartDir = dir.resolve(Charts.FOLDER);
        Files.createDirectories(chartDir);
        for (Charts.Image chart : charts) {
            write(chartDir, chart.name() + ".svg", chart.svg());
            write(chartDir, chart.name() + ".png", chart.printPng());
        }
        write(dir, SUMMARY_JSON, SummaryJson.render(this));
        write(dir, INDEX_HTML, HtmlPage.render(this, charts));
        write(dir, REPORT_MD, MarkdownReport.render(this));
        write(dir, JUNIT_XML, JunitXml.render(this));
        write(dir, FINDINGS_SARIF, Sarif.render(this));
    }

    /** Trials per second of wall time; 0 before any time has passed. */
    double trialsPerSecond() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds == 0 ? 0 : counts.trials() / seconds;
    }

    private static void write(Path dir, String name, String content) throws IOException {
        write(dir, name, content.getBytes(StandardCharsets.UTF_8));
    }

    private static void write(Path dir, String name, byte[] content) throws IOException {
        Path target = dir.resolve(name);
        Path partial = dir.resolve(name + ".partial");
        Files.write(partial, content);
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
