package testbed.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.corpus.Outcome;
import testbed.faults.TrialRecord;

/**
 * The Markdown report, including its golden file.
 *
 * <p>The golden file {@value #GOLDEN} is {@code report.md} rendered from
 * {@link SampleCampaign#small()}, approved by a person. When a change to the report is
 * intended, regenerate it and review the diff before committing:
 *
 * <pre>mvn -B -ntp -o -pl reports install -Dtestbed.approve=true</pre>
 */
class MarkdownReportTest {
    /** Relative to the module directory, where Surefire runs the tests. */
    static final String GOLDEN = "src/test/resources/testbed/reports/report.golden.md";
    /** Set to {@code true} to write the rendered report over the golden file instead of comparing. */
    static final String APPROVE = "testbed.approve";

    @TempDir
    Path dir;

    private String render(SampleCampaign campaign) throws Exception {
        campaign.report().writeTo(dir);
        return Files.readString(dir.resolve(ContainmentReport.REPORT_MD));
    }

    @Test
    void reportMatchesTheApprovedGoldenFile() throws Exception {
        String actual = render(SampleCampaign.small());
        Path golden = Path.of(GOLDEN);
        if (Boolean.getBoolean(APPROVE)) {
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
        }
        assertThat(golden).as("approved report; regenerate with -D%s=true and review the diff", APPROVE).exists();
        assertThat(actual).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }

    @Test
    void containmentTableHasOneRowPerFault() throws Exception {
        SampleCampaign campaign = SampleCampaign.synthetic(9);
        List<String> table = section(render(campaign), "## Containment by fault and protection mode");

        List<String> rows = table.subList(2, table.size());
        assertThat(rows).hasSize(campaign.settings.faults().size());
        for (int i = 0; i < rows.size(); i++) {
            assertThat(rows.get(i)).startsWith("| " + campaign.settings.faults().get(i) + " | ");
        }
        // header and delimiter: fault, family, then one column per mode
        int columns = campaign.settings.modes().size() + 2;
        assertThat(table.get(1)).isEqualTo("|" + "---|".repeat(columns));
        assertThat(table).allSatisfy(line -> assertThat(cellCount(line)).isEqualTo(columns));
    }

    @Test
    void pipesInTrialTextCannotSplitACell() throws Exception {
        SampleCampaign small = SampleCampaign.small();
        TrialRecord piped = SampleCampaign.trial("evil/a|b", "wild|store", "mem|ory", "SFI_MASK", 8, Outcome.ESCAPED, Outcome.CONTAINED, "x");
        List<TrialRecord> records = new ArrayList<>(small.records);
        records.add(piped);
        String md = render(small.with(records, SampleCampaign.findingsOf(records)));

        List<String> containment = section(md, "## Containment by fault and protection mode");
        assertThat(containment).anySatisfy(line -> assertThat(line).startsWith("| wild\\|store | mem\\|ory | "));
        assertThat(containment).allSatisfy(line -> assertThat(cellCount(line)).isEqualTo(containment.get(1).split("\\|", -1).length - 2));
        List<String> findings = section(md, "## Findings");
        assertThat(findings).allSatisfy(line -> assertThat(cellCount(line)).isEqualTo(10));
        assertThat(findings).anySatisfy(line -> assertThat(line).contains("`/opt/testbed/testbed replay 'evil/a\\|b~wild\\|store~SFI_MASK~8'`"));
    }

    /** The table lines under a heading. */
    private static List<String> section(String md, String heading) {
        List<String> lines = md.lines().toList();
        int start = lines.indexOf(heading);
        assertThat(start).as(heading).isNotNegative();
        List<String> table = new ArrayList<>();
        for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("#"); i++) {
            if (lines.get(i).startsWith("|")) {
                table.add(lines.get(i));
            }
        }
        return table;
    }

    /** Cells of a GFM table row: pipes not preceded by a backslash, less the outer two. */
    private static int cellCount(String row) {
        return row.split("(?<!\\\\)\\|", -1).length - 2;
    }
}
