package testbed.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Renders the synthetic campaign into {@value #OUT} (kept after the build) so a person can open
 * {@code index.html} in a browser, or take a headless screenshot of it, and look.
 */
class SampleReportTest {
    static final String OUT = "target/sample-report";

    @Test
    void syntheticCampaignRendersEveryFile() throws Exception {
        Path dir = Path.of(OUT);
        SampleCampaign.synthetic(2026).report().writeTo(dir);

        for (String file : new String[] {ContainmentReport.SUMMARY_JSON, ContainmentReport.INDEX_HTML,
                ContainmentReport.REPORT_MD, ContainmentReport.JUNIT_XML}) {
            assertThat(dir.resolve(file)).isNotEmptyFile();
            assertThat(dir.resolve(file + ".partial")).doesNotExist();
        }
    }
}
