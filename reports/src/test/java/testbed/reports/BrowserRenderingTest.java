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
 * in the rendered document, clicking a heading sorts the rows, and a screenshot is not blank. Where {@value #CHROMIUM} is absent the
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

    /** Runs Chromium headless on the report's page with a fresh profile and the given extra flags; returns its stdout. */
    private static String chromium(String... flags) throws IOException, InterruptedException {
        return chromium(dir.resolve("report").resolve(ContainmentReport.INDEX_HTML), flags);
    }

    private static String chromium(Path page, String... flags) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(dir, "profile");
        List<String> command = new ArrayList<>(List.of(CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile));
        command.addAll(List.of(flags));
        command.add(page.toUri().toString());
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

    /**
     * Clicks headings of the per-entry table the way a reader would and records the resulting
     * orders on the body. Run from a copy of the page without its CSP, after the page's own script.
     */
    private static final String CLICKS = String.join("\n",
            "var t = document.querySelector('table.entries');",
            "var h = t.tHead.rows[0].cells;",
            "var order = function (column, read) {",
            "  return Array.prototype.map.call(t.tBodies[0].rows, function (r) { return read(r.cells[column]); }).join('|'); };",
            "var share = function (c) { return c.getAttribute('data-sort'); };",
            "var label = function (c) { return c.textContent.trim(); };",
            "h[2].click(); document.body.setAttribute('data-first', order(2, share));",
            "h[2].click(); document.body.setAttribute('data-second', order(2, share));",
            "h[0].click(); document.body.setAttribute('data-names', order(0, label));");

    @Test
    void clickingAHeadingSortsTheRowsByThatColumn() throws Exception {
        requireChromium();
        Path page = dir.resolve("report").resolve(ContainmentReport.INDEX_HTML);
        String html = Files.readString(page).replaceFirst("<meta http-equiv=\"Content-Security-Policy\"[^>]*>", "")
                .replace("</body>", "<script>" + CLICKS + "</script>\n</body>");
        Path clicked = page.resolveSibling("clicked.html");
        Files.writeString(clicked, html);
        String dom = chromium(clicked, "--dump-dom");

        List<Double> first = numbers(attribute(dom, "data-first"));
        List<Double> second = numbers(attribute(dom, "data-second"));
        assertThat(first).hasSizeGreaterThan(5).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(first.get(0)).as("some entry did damage unprotected").isPositive();
        assertThat(second).isSorted();
        List<String> names = List.of(attribute(dom, "data-names").split("\\|"));
        assertThat(names).hasSameSizeAs(first).isSortedAccordingTo(String.CASE_INSENSITIVE_ORDER);
    }

    private static String attribute(String dom, String name) {
        Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(dom);
        assertThat(m.find()).as(name + " set by the clicks").isTrue();
        return m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    private static List<Double> numbers(String joined) {
        return java.util.Arrays.stream(joined.split("\\|")).map(Double::valueOf).toList();
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
