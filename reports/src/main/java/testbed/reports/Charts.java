package testbed.reports;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;
import testbed.corpus.Outcome;

/** The report's charts, drawn with XChart as PNGs and inlined as data URIs so the page needs no other file. */
final class Charts {
    static final int WIDTH = 560;
    static final int HEIGHT = 380;

    private Charts() {
    }

    /**
     * A bar per category, stacked by outcome in the {@link Palette} colours; outcomes no
     * category has are left out of the legend.
     *
     * @param byCategory category (a mode, a fault family) to its counts, in axis order; not empty
     * @return a {@code data:image/png;base64,...} URI
     */
    static String stackedOutcomes(String title, String categoryAxis, Map<String, OutcomeCounts> byCategory) throws IOException {
        CategoryChart chart = new CategoryChartBuilder()
                .width(WIDTH).height(HEIGHT)
                .title(title).xAxisTitle(categoryAxis).yAxisTitle("trials")
                .build();
        chart.getStyler()
                .setStacked(true)
                .setAvailableSpaceFill(0.6)
                .setYAxisDecimalPattern("#,##0")
                .setXAxisLabelRotation(labelsCollide(byCategory.keySet()) ? 45 : 0)
                .setXAxisTickMarkSpacingHint(10) // label every bar: XChart's default skips some when bars are narrow
                .setLegendPosition(Styler.LegendPosition.OutsideE)
                .setLegendLayout(Styler.LegendLayout.Vertical)
                .setLegendBorderColor(Color.WHITE)
                .setChartBackgroundColor(Color.WHITE)
                .setPlotBorderVisible(false)
                .setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        List<String> categories = new ArrayList<>(byCategory.keySet());
        for (Outcome outcome : Outcome.values()) {
            List<Integer> values = new ArrayList<>();
            for (OutcomeCounts counts : byCategory.values()) {
                values.add(counts.get(outcome));
            }
            if (values.stream().anyMatch(v -> v > 0)) {
                chart.addSeries(outcome.name(), categories, values).setFillColor(Palette.colour(outcome));
            }
        }
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    /** Whether the longest category name would run into its neighbours when written level. */
    private static boolean labelsCollide(Collection<String> categories) {
        int longest = categories.stream().mapToInt(String::length).max().orElse(0);
        int plotWidth = WIDTH - 220; // less the y axis and the legend
        return longest * 8 > plotWidth / Math.max(1, categories.size());
    }
}
