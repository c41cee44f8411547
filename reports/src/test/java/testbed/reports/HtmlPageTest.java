package testbed.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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

        assertThat(html).doesNotContain("<script", "<img src=x", "<iframe", "<svg", "<b>store", "href=\"javascript:");
        assertThat(html).contains("evil/&lt;script&gt;alert(1)&lt;/script&gt;");
        assertThat(html).contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;");
        assertThat(html).contains("a &amp; b");
        assertThat(html).contains("href=\"./javascript%3Aalert%284%29\"");
    }

    @Test
    void pageNeedsNoNetworkAndRunsNoScript() throws Exception {
        String html = render(SampleCampaign.synthetic(3));

        assertThat(html).doesNotContainPattern("(?i)(src|href)=\"(https?:)?//");
        assertThat(html).doesNotContainPattern("(?i)<(script|link)\\b");
        assertThat(html).contains("Content-Security-Policy", "default-src 'none'");
    }

    @Test
    void bothChartsAreEmbeddedPngs() throws Exception {
        String html = render(SampleCampaign.synthetic(3));

        Matcher images = Pattern.compile("<img src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
        int count = 0;
        while (images.find()) {
            byte[] png = Base64.getDecoder().decode(images.group(1));
            assertThat(png).startsWith(0x89, 'P', 'N', 'G');
            count++;
        }
        assertThat(count).isEqualTo(2);
    }

    @Test
    void unprotectedColumnIsMarkedAndDamageCellsAreShaded() throws Exception {
        String html = render(SampleCampaign.small());

        assertThat(html).contains("<th class=\"unprotected\">NONE<br><small>unprotected</small></th>");
        // wild-store under NONE escaped; infinite-loop under NONE hung; infinite-loop under SFI_MASK was contained
        String wildStore = rowOf(html, "wild-store");
        assertThat(cells(wildStore).get(0)).startsWith("<td class=\"cell damage\">");
        String loop = rowOf(html, "infinite-loop");
        assertThat(cells(loop).get(0)).startsWith("<td class=\"cell hung\">");
        assertThat(cells(loop).get(1)).startsWith("<td class=\"cell\">");
    }

    @Test
    void findingsListTheirReplayCommandSignatureCountAndFolder() throws Exception {
        SampleCampaign campaign = SampleCampaign.small();
        String html = render(campaign);

        for (Finding f : campaign.findings) {
            assertThat(html).contains("./testbed replay " + Escape.markup(f.first().id()));
            assertThat(html).contains(Escape.markup(f.signature()));
            assertThat(html).contains("<a href=\"./" + f.folder() + "\">");
        }
        assertThat(html).contains("How to read this");
    }

    @Test
    void aCleanCampaignSaysSo() throws Exception {
        SampleCampaign small = SampleCampaign.small();
        List<TrialRecord> met = small.records.stream().filter(r -> !r.unexpected()).toList();
        ContainmentReport.of(small.settings, met, List.of(), Duration.ofSeconds(1)).writeTo(dir);

        assertThat(dir.resolve(ContainmentReport.INDEX_HTML)).content()
                .contains("Every trial met its expectation.", "No unexpected outcomes.");
    }

    private static String rowOf(String html, String fault) {
        Matcher row = Pattern.compile("<tr><th class=\"fault\">" + Pattern.quote(fault) + "</th>.*?</tr>").matcher(html);
        assertThat(row.find()).as("row for " + fault).isTrue();
        return row.group();
    }

    /** The mode cells of a containment row, in column order. */
    private static List<String> cells(String row) {
        Matcher cell = Pattern.compile("<td class=\"cell[^\"]*\">.*?</td>").matcher(row);
        List<String> cells = new ArrayList<>();
        while (cell.find()) {
            cells.add(cell.group());
        }
        return cells;
    }
}
