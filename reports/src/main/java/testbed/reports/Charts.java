package testbed.reports;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;
import testbed.corpus.Outcome;

/**
 * The report's charts, drawn with XChart: bars of outcome shares (each bar sums to 100%, so
 * bars over different numbers of trials compare), in the {@link Palette} colours. Each chart is
 * embedded in the page as a PNG data URI and also written beside it, as SVG and as a PNG at
 * {@value #PRINT_SCALE}x, for a paper. Fonts are sized so that the figure printed at the width of
 * one column of a two-column paper (about 85 mm) still reads at about 7 pt.
 */
final class Charts {
    static final int WIDTH = 600;
    static final int HEIGHT = 420;
    /** Pixels per chart pixel in the PNG file: 600 px wide becomes 1,800, 300 dpi at 6 inches. */
    static final int PRINT_SCALE = 3;
    /** The folder beside {@code index.html} that holds the chart files. */
    static final String FOLDER = "charts";

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 18);
    private static final Font AXIS_TITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 16);
    private static final Font TICKS = new Font(Font.SANS_SERIF, Font.PLAIN, 15);

    private Charts() {
    }

    /**
     * One rendered chart.
     *
     * @param name the file name stem, {@code <name>.svg} and {@code <name>.png} under {@value #FOLDER}
     * @param alt what the chart shows, for the page's {@code alt} text
     * @param png the chart at screen size
     * @param printPng the chart at {@value #PRINT_SCALE}x
     * @param svg the chart as SVG
     */
    record Image(String name, String alt, byte[] png, byte[] printPng, byte[] svg) {
        String dataUri() {
            return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
        }

        String svgPath() {
            return FOLDER + "/" + name + ".svg";
        }

        String pngPath() {
            return FOLDER + "/" + name + ".png";
        }
    }

    /**
     * The page's charts: outcome shares per protection mode; per fault family under the
     * unprotected mode; and per fault family over the protected modes together. The unprotected
     * baseline is kept apart because its damage is expected and would drown what the protected
     * modes did. A chart without data (no unprotected mode ran, say) is left out.
     */
    static List<Image> of(Tally tally) throws IOException {
        List<Image> images = new ArrayList<>();
        if (tally.all.total() == 0) {
            return images;
        }
        images.add(render("shares-per-mode", "Outcomes per protection mode", "protection mode", withTotals(tally.byMode),
                "Stacked bars of outcome shares per protection mode"));
        Map<String, OutcomeCounts> unprotected = new LinkedHashMap<>();
        Map<String, OutcomeCounts> protectedModes = new LinkedHashMap<>();
        tally.byFaultFamilyAndMode.forEach((family, row) -> {
            unprotected.put(family, Tally.pooled(row, List.of(Tally.UNPROTECTED)));
            protectedModes.put(family, Tally.pooled(row, tally.protectedModes()));
        });
        if (tally.modes.contains(Tally.UNPROTECTED) && tally.byMode.get(Tally.UNPROTECTED).total() > 0) {
            images.add(render("fault-families-unprotected", "Fault families, unprotected (" + Tally.UNPROTECTED + ")",
                    "fault family", withTotals(unprotected), "Stacked bars of outcome shares per fault family without protection"));
        }
        if (tally.protectedModes().stream().anyMatch(m -> tally.byMode.get(m).total() > 0)) {
            images.add(render("fault-families-protected", "Fault families, protected modes together", "fault family",
                    withTotals(protectedModes), "Stacked bars of outcome shares per fault family over "
                            + String.join(", ", tally.protectedModes())));
        }
        return images;
    }

    /** Categories with trials, each labelled with its trial count so a reader sees what a bar stands on. */
    private static Map<String, OutcomeCounts> withTotals(Map<String, OutcomeCounts> byCategory) {
        Map<String, OutcomeCounts> labelled = new LinkedHashMap<>();
        byCategory.forEach((name, counts) -> {
            if (counts.total() > 0) {
                labelled.put(name + " (" + Figures.count(counts.total()) + ")", counts);
            }
        });
        return labelled;
    }

    private static Image render(String name, String title, String categoryAxis, Map<String, OutcomeCounts> byCategory, String alt)
            throws IOException {
        CategoryChart chart = new CategoryChartBuilder()
                .width(WIDTH).height(HEIGHT)
                .title(title).xAxisTitle(categoryAxis + " (trials)").yAxisTitle("share of trials (%)")
                .build();
        chart.getStyler()
                .setStacked(true)
                .setAvailableSpaceFill(0.7)
                .setYAxisMin(0.0).setYAxisMax(100.0)
                .setYAxisDecimalPattern("0")
                .setXAxisLabelRotation(labelsCollide(byCategory.keySet()) ? 45 : 0)
                .setXAxisTickMarkSpacingHint(10) // label every bar: XChart's default skips some when bars are narrow
                .setLegendPosition(Styler.LegendPosition.OutsideE)
                .setLegendLayout(Styler.LegendLayout.Vertical)
                .setLegendBorderColor(Color.WHITE)
                .setLegendFont(TICKS)
                .setChartBackgroundColor(Color.WHITE)
                .setPlotBorderVisible(false)
                .setChartTitleFont(TITLE);
        chart.getStyler().setAxisTitleFont(AXIS_TITLE);
        chart.getStyler().setAxisTickLabelsFont(TICKS);
        List<String> categories = new ArrayList<>(byCategory.keySet());
        for (Outcome outcome : Outcome.values()) {
            List<Double> percents = new ArrayList<>();
            boolean any = false;
            for (OutcomeCounts counts : byCategory.values()) {
                percents.add(100 * counts.share(outcome).value());
                any |= counts.get(outcome) > 0;
            }
            if (any) {
                chart.addSeries(outcome.name(), categories, percents).setFillColor(Palette.colour(outcome));
            }
        }
        return new Image(name, alt + ": " + String.join(", ", categories), png(chart, 1), png(chart, PRINT_SCALE), svg(chart));
    }

    /** The chart drawn at {@code scale} times its size, as PNG. */
    private static byte[] png(CategoryChart chart, int scale) throws IOException {
        BufferedImage image = new BufferedImage(WIDTH * scale, HEIGHT * scale, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.scale(scale, scale);
        chart.paint(g, WIDTH, HEIGHT);
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        return png.toByteArray();
    }

    /** The chart drawn on VectorGraphics2D's canvas, as SVG. */
    private static byte[] svg(CategoryChart chart) throws IOException {
        VectorGraphics2D g = new VectorGraphics2D();
        chart.paint(g, WIDTH, HEIGHT);
        ByteArrayOutputStream svg = new ByteArrayOutputStream();
        new SVGProcessor().getDocument(g.getCommands(), new PageSize(0, 0, WIDTH, HEIGHT)).writeTo(svg);
        return svg.toByteArray();
    }

    /** Whether the longest category name would run into its neighbours when written level. */
    private static boolean labelsCollide(Collection<String> categories) {
        int longest = categories.stream().mapToInt(String::length).max().orElse(0);
        int plotWidth = WIDTH - 200; // less the y axis and the legend
        return longest * 9 > plotWidth / Math.max(1, categories.size());
    }
}
