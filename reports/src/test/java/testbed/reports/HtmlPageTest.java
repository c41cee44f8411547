package testbed.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.corpus.Outcome;
import testbed.faults.Finding;
import testbed.faults.TrialRecord;

class HtmlPageTest {
    private static final String SCRIPT_ENTRY = "evil/<script>alert(1)</script>";

    @TempDir
    Path dir;

    private String render(SampleCampaign campaign) throws Exception {
        campaign.report().writeTo(dir);
        return Files.readString(dir.resolve(ContainmentReport.INDEX_HTML));
    }

    /** A campaign whose every trial-supplied string is hostile markup. */
    private static SampleCampaign hostile() {
        SampleCampaign small = SampleCampaign.small();
        TrialRecord evil = SampleCampaign.trial(SCRIPT_ENTRY, "wild-<b>store</b>", "mem\"ory", "SFI_MASK", 9, Outcome.ESCAPED,
                Outcome.CONTAINED, "\"><img src=x onerror=alert(2)>", "<iframe src=\"https://example.com\">", "a & b");
        List<TrialRecord> records = new ArrayList<>(small.records);
        records.add(evil);
        List<Finding> findings = List.of(new Finding("ESCAPED@<svg onload=alert(3)>", evil, 1, "javascript:alert(4)"));
        return small.with(records, findings);
    }

    @Test
    void hostileEntryNamesMessagesAndFoldersRenderAsText() throws Exception {
        String html = render(hostile());

        assertThat(html).doesNotContain("<img src=x", "<iframe", "<svg", "<b>store", "href=\"javascript:");
        assertThat(html).containsOnlyOnce("<script");
        assertThat(html).contains("evil/&lt;script&gt;alert(1)&lt;/script&gt;");
        assertThat(html).contains("&gt;&lt;img src=x onerror=alert(2)&gt;");
        assertThat(html).contains("a &amp; b");
        assertThat(html).contains("href=\"./javascript%3Aalert%284%29\"");
    }

    @Test
    void pageNeedsNoNetworkAndRunsOnlyItsOwnScriptByHash() throws Exception {
        String html = render(SampleCampaign.synthetic(3));

        assertThat(html).doesNotContainPattern("(?i)(src|href)=\"(https?:)?//");
        assertThat(html).doesNotContainPattern("(?i)<link\\b");
        assertThat(html).doesNotContainPattern("(?i)<script[^>]*\\bsrc=");
        Matcher script = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL).matcher(html);
        assertThat(script.find()).isTrue();
        String hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(script.group(1).getBytes(StandardCharsets.UTF_8)));
        assertThat(html).contains("default-src 'none'", "script-src &#39;sha256-" + hash + "&#39;");
    }

    @Test
    void everyChartIsEmbeddedAndWrittenBesideThePageAsSvgAndPng() throws Exception {
        String html = render(SampleCampaign.synthetic(3));

        Matcher images = Pattern.compile("<img src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
        int count = 0;
        while (images.find()) {
            byte[] png = Base64.getDecoder().decode(images.group(1));
            assertThat(png).startsWith(0x89, 'P', 'N', 'G');
            count++;
        }
        // per mode, fault families unprotected, fault families protected
        assertThat(count).isEqualTo(3);
        for (String name : List.of("shares-per-mode", "fault-families-unprotected", "fault-families-protected")) {
            assertThat(html).contains("href=\"charts/" + name + ".svg\"", "href=\"charts/" + name + ".png\"");
            assertThat(Files.readAllBytes(dir.resolve("charts/" + name + ".png"))).startsWith(0x89, 'P', 'N', 'G');
            assertThat(Files.readString(dir.resolve("charts/" + name + ".svg"))).contains("<svg");
        }
    }

    @Test
    void withoutTheUnprotectedModeTheFamilyChartsShowOnlyProtectedModes() throws Exception {
        SampleCampaign small = SampleCampaign.small();
        List<TrialRecord> protectedOnly = small.records.stream().filter(r -> !r.mode().equals("NONE")).toList();
        ContainmentReport.of(small.settings, protectedOnly, List.of(), Duration.ofSeconds(1), SampleCampaign.PROVENANCE).writeTo(dir);

        assertThat(dir.resolve("charts/fault-families-protected.svg")).exists();
        assertThat(dir.resolve("charts/fault-families-unprotected.svg")).doesNotExist();
    }

    @Test
    void unprotectedColumnIsMarkedAndDamageCellsAreShaded() throws Exception {
        String html = render(SampleCampaign.small());

        assertThat(html).contains("<th class=\"unprotected\">NONE<br><small>unprotected</small></th>");
        // wild-store under NONE escaped; infinite-loop under NONE hung; infinite-loop under SFI_MASK was contained
        String wildStore = rowOf(html, "wild-store");
        assertThat(cells(wildStore).get(0)).startsWith("<td class=\"cell damage\"");
        String loop = rowOf(html, "infinite-loop");
        assertThat(cells(loop).get(0)).startsWith("<td class=\"cell hung\"");
        assertThat(cells(loop).get(1)).startsWith("<td class=\"cell\"");
    }

    @Test
    void cellsGiveSharesWithIntervalsAndProtectedModesBoundDamageThatNeverHappened() throws Exception {
        String html = render(SampleCampaign.small());

        // wild-store: NONE 1 ESCAPED of 1; SFI_MASK 1 ESCAPED of 1; SFI_CHECK 2 CONTAINED of 2; BOUNDS 1 REJECTED of 1
        List<String> wildStore = cells(rowOf(html, "wild-store"));
        assertThat(wildStore.get(2)).contains("n = 2", "CONTAINED", "100.0%", "34.2–100.0%", "(2)",
                "no damage: each ≤ 77.6%");
        assertThat(wildStore.get(0)).doesNotContain("no damage", "no HUNG");
        assertThat(wildStore.get(1)).contains("no HUNG, CRASHED: each ≤ 95.0%");
        // the row total pools the four modes: 5 trials, 2 of them ESCAPED
        assertThat(wildStore.get(4)).contains("class=\"cell damage total\"", "n = 5", "ESCAPED", "40.0%", "11.8–76.9%");
        // the column totals sit in the footer, one per mode and the whole campaign last
        Matcher footer = Pattern.compile("<tfoot>.*?</tfoot>", Pattern.DOTALL).matcher(html);
        assertThat(footer.find()).isTrue();
        assertThat(cells(footer.group())).hasSize(5).last().asString().contains("n = 12");
    }

    @Test
    void howToReadThisDescribesOnlyTheModesThatRan() throws Exception {
        String html = render(SampleCampaign.small());

        assertThat(html).contains("<dt>NONE</dt>", "<dt>SFI_MASK</dt>", "<dt>SFI_CHECK</dt>", "<dt>BOUNDS</dt>");
        assertThat(html).doesNotContain("<dt>PROCESS</dt>", "<dt>VERIFIED</dt>", "child JVM");
    }

    @Test
    void provenanceAndTheBalanceOfTheSampleAreOnThePage() throws Exception {
        String html = render(SampleCampaign.small());

        Provenance p = SampleCampaign.PROVENANCE;
        assertThat(html).contains(p.gitCommit(), p.jdk(), "-Xmx768m -XX:+UseSerialGC", "2 cores, 24.0 GiB memory, 6.0 GiB heap limit",
                "2026-12-01T12:00:00Z", "<code>" + p.commandLine() + "</code>", p.corpusDigest(), "testbed " + p.toolVersion());
        assertThat(html).contains("<p class=\"balance no\">Not balanced across modes:");
    }

    @Test
    void drillDownTablesHaveARowPerThreatClassAndPerEntryAndSort() throws Exception {
        SampleCampaign campaign = SampleCampaign.synthetic(5);
        String html = render(campaign);

        for (String entry : campaign.records.stream().map(TrialRecord::entry).distinct().toList()) {
            assertThat(html).contains("<tr><th class=\"name\">" + entry.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</th>");
        }
        for (String family : List.of("benign", "memory", "control", "resource", "kernel", "libos")) {
            assertThat(html).contains("<tr><th class=\"name\">" + family + "</th>");
        }
        assertThat(html).contains("<table class=\"grid threats sortable\">", "<table class=\"grid entries sortable\">");
        assertThat(html).containsPattern("<td class=\"cell[^\"]*\" data-sort=\"0\\.\\d{6}\">");
    }

    @Test
    void findingsShowTheirDecisiveDetailInTheRowAndAOneLineReplayCommand() throws Exception {
        SampleCampaign campaign = SampleCampaign.small();
        String html = render(campaign);

        for (Finding f : campaign.findings) {
            assertThat(html).contains("<code class=\"replay\">/opt/testbed/testbed replay " + f.first().id() + "</code>");
            assertThat(html).contains("<div class=\"detail\">" + Escape.markup(f.first().detail()) + "</div>");
            assertThat(html).contains(Escape.markup(f.signature()));
            assertThat(html).contains("<a href=\"./" + f.folder() + "\">");
        }
        // the finding with three lines of evidence shows the first in the row and folds the other two
        assertThat(html).contains("<summary>2 more oracle violations</summary>");
    }

    @Test
    void aCleanCampaignSaysSo() throws Exception {
        SampleCampaign small = SampleCampaign.small();
        List<TrialRecord> met = small.records.stream().filter(r -> !r.unexpected()).toList();
        ContainmentReport.of(small.settings, met, List.of(), Duration.ofSeconds(1), SampleCampaign.PROVENANCE).writeTo(dir);

        assertThat(dir.resolve(ContainmentReport.INDEX_HTML)).content()
                .contains("Every trial met its expectation.", "No unexpected outcomes.", "<p class=\"balance no\">");
    }

    private static String rowOf(String html, String fault) {
        Matcher row = Pattern.compile("<tr><th class=\"name\">" + Pattern.quote(fault) + "</th>.*?</tr>", Pattern.DOTALL).matcher(html);
        assertThat(row.find()).as("row for " + fault).isTrue();
        return row.group();
    }

    /** The outcome cells of a row (the modes, then the row total), in column order. */
    private static List<String> cells(String row) {
        Matcher cell = Pattern.compile("<td class=\"cell[^\"]*\".*?</td>", Pattern.DOTALL).matcher(row);
        List<String> cells = new ArrayList<>();
        while (cell.find()) {
            cells.add(cell.group());
        }
        return cells;
    }
}
