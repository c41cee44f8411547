package testbed.reports;

import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;
import testbed.reports.OverheadTables.VariantRow;
import testbed.reports.OverheadTables.WorkloadTable;

/** The overhead report's chart: ratios to NONE per workload, one bar per protected variant, as an inline PNG. */
final class OverheadCharts {
    static final int WIDTH = 980;
    static final int HEIGHT = 420;
    private static final Color[] COLOURS = {
        Color.decode("#90caf9"), Color.decode("#1e88e5"), Color.decode("#a5d6a7"), Color.decode("#2e7d32"),
        Color.decode("#ffcc80"), Color.decode("#ef6c00"), Color.decode("#ce93d8"), Color.decode("#6a1b9a"),
        Color.decode("#80cbc4"), Color.decode("#00695c"), Color.decode("#f48fb1"), Color.decode("#ad1457"),
    };

    private OverheadCharts() {
    }

    /**
     * Bars of each workload's ratio to NONE, one series per protected variant of {@code modes}
     * (NONE first, then built-in modes and plug-in techniques; unmetered then metered, paired in a
     * light and a dark shade); workloads without a baseline are left out.
     *
     * @return a {@code data:image/png;base64,...} URI, or null if no workload has ratios
     */
    static String ratios(List<WorkloadTable> workloads, List<String> modes) throws IOException {
        List<WorkloadTable> with = workloads.stream().filter(w -> w.missing() == null).toList();
        if (with.isEmpty()) {
            return null;
        }
        CategoryChart chart = new CategoryChartBuilder()
                .width(WIDTH).height(HEIGHT)
                .title("Time over NONE, same workload, same run").xAxisTitle("workload").yAxisTitle("x NONE")
                .build();
        chart.getStyler()
                .setAvailableSpaceFill(0.85)
                .setOverlapped(false)
                .setYAxisDecimalPattern("0.00")
                .setYAxisMin(0.0)
                .setXAxisTickMarkSpacingHint(10)
                .setLegendPosition(Styler.LegendPosition.OutsideE)
                .setLegendLayout(Styler.LegendLayout.Vertical)
                .setLegendBorderColor(Color.WHITE)
                .setChartBackgroundColor(Color.WHITE)
                .setPlotBorderVisible(false)
                .setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        List<String> categories = new ArrayList<>();
        with.forEach(w -> categories.add(w.workload()));
        int colour = 0;
        int series = 0;
        for (String mode : modes.subList(1, modes.size())) {
            for (boolean metered : new boolean[] {false, true}) {
                List<Double> values = new ArrayList<>();
                boolean any = false;
                for (WorkloadTable w : with) {
                    VariantRow r = w.row(mode, metered).orElse(null);
                    values.add(r == null ? 0.0 : r.toNone().value());
                    any |= r != null;
                }
                Color c = COLOURS[colour++ % COLOURS.length];
                if (any) {
                    chart.addSeries(OverheadTables.variantName(mode, metered), categories, values).setFillColor(c);
                    series++;
                }
            }
        }
        if (series == 0) {
            return null;
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        BitmapEncoder.saveBitmap(chart, png, BitmapEncoder.BitmapFormat.PNG);
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
    }
}
