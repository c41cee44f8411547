package testbed.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code index.html} of {@link SampleCampaign#small()}, compared with the approved file
 * {@value #GOLDEN} so that the layout does not drift unseen. The charts' PNG data is left out
 * of the comparison ({@value #CHART}): AWT draws text with the host's fonts, so the pixels differ
 * between machines while the markup does not. After an intended change, regenerate and read the diff:
 *
 * <pre>mvn -B -ntp verify -pl reports -am -Dtestbed.approve=true
 * git diff reports/src/test/resources/testbed/reports/index.golden.html</pre>
 */
class IndexHtmlGoldenTest {
    static final String GOLDEN = "src/test/resources/testbed/reports/index.golden.html";
    static final String CHART = "data:image/png;base64,(chart)";

    @TempDir
    Path dir;

    @Test
    void pageMatchesTheApprovedGoldenFile() throws Exception {
        SampleCampaign.small().report().writeTo(dir);
        String actual = Files.readString(dir.resolve(ContainmentReport.INDEX_HTML))
                .replaceAll("data:image/png;base64,[A-Za-z0-9+/=]+", CHART);
        Path golden = Path.of(GOLDEN);
        if (Boolean.getBoolean(MarkdownReportTest.APPROVE)) {
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
        }
        assertThat(golden).as("approved page; regenerate with -D%s=true and review the diff", MarkdownReportTest.APPROVE).exists();
        assertThat(actual).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }
}
