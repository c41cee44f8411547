package testbed.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads {@code index.html} of the synthetic campaign in headless Chromium (Debian's
 * {@code chromium} package) and checks what a reader gets: the page's own script ran under its
 * Content-Security-Policy (it marks every sortable heading), the tables and the three charts are
 * in the rendered document, and a screenshot is not blank. Where {@value #CHROMIUM} is absent the
 * test is skipped with a message saying so; {@code .ci/run} installs it.
 */
class BrowserRenderingTest {
    static final String CHROMIUM = "/usr/bin/chromium";

    @TempDir
    static Path dir;

    @BeforeAll
    static void renderTheSyntheticCampaign() throws Exception {
        if (Files.isExecutable(Path.of(CHROMIUM))) {
            SampleCampaign.synthetic(2026).report().writeTo(dir.resolve("report"));
        }
    }

    private static void requireChromium() {
        boolean present = Files.isExecutable(Path.of(CHROMIUM));
        if (!present) {
            System.out.println("BrowserRenderingTest SKIPPED: " + CHROMIUM + " is absent (apt-get install chromium to run it)");
        }
        Assumptions.assumeTrue(present, CHROMIUM + " is absent: install Debian's chromium package to run the browser test");
    }

    /** Runs Chromium headless on the page with a fresh profile and the given extra flags; returns its stdout. */
    private static String chromium(String... flags) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(dir, "profile");
        List<String> command = new ArrayList<>(List.of(CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile));
        command.addAll(List.of(flags));
        command.add(dir.resolve("report").resolve(ContainmentReport.INDEX_HTML).toUri().toString());
        Path out = dir.resolve("chromium-" + System.nanoTime() + ".out");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        // a generous bound so that a wedged browser fails the test instead of hanging the build
        boolean finished = process.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        assertThat(finished).as("chromium finished").isTrue();
        assertThat(process.exitValue()).as("chromium's exit code").isZero();
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    @Test
    void theRenderedDocumentHasTheTablesChartsAndARunningSortScript() throws Exception {
        requireChromium();
        String dom = chromium("--dump-dom");

        // the script sets these on every heading of a sortable table: it ran, so the CSP let it
        Matcher marked = Pattern.compile("<th[^>]*tabindex=\"0\"[^>]*title=\"sort by this column\"").matcher(dom);
        int headings = 0;
        while (marked.find()) {
            headings++;
        }
        // three sortable grids (fault, threat class, entry), each with its name column, four modes and the total
        assertThat(headings).isGreaterThanOrEqualTo(3 * 6);
        assertThat(dom).contains("Containment by fault and protection mode", "By threat class", "By entry", "Provenance");
        assertThat(dom).containsPattern("(?s)<img src=\"data:image/png;base64,.*<img src=\"data:image/png;base64,.*<img src=\"data:image/png;base64,");
        assertThat(dom).contains("evil/&lt;script&gt;alert('pwned')&lt;/script&gt;");
    }

    @Test
    void aScreenshotOfThePageIsNotBlank() throws Exception {
        requireChromium();
        Path shot = dir.resolve("page.png");
        chromium("--screenshot=" + shot, "--window-size=1280,2400", "--hide-scrollbars");

        BufferedImage image = ImageIO.read(shot.toFile());
        assertThat(image.getWidth()).isEqualTo(1280);
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 7) {
            for (int x = 0; x < image.getWidth(); x += 7) {
                colours.add(image.getRGB(x, y));
            }
        }
        // text, chips in seven outcome colours, shaded cells and charts: far more than a blank or error page
        assertThat(colours.size()).isGreaterThan(100);
    }
}
