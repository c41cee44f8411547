package testbed.reports;

import java.awt.Color;
import testbed.corpus.Outcome;

/**
 * One colour per outcome, shared by the HTML table and the charts: greens and blue where the
 * host is fine, amber for a wrong answer, orange to red to purple for damage.
 */
final class Palette {
    private Palette() {
    }

    static String hex(Outcome outcome) {
        return switch (outcome) {
            case OK -> "#9ccc65";
            case REJECTED -> "#1e88e5";
            case CONTAINED -> "#2e7d32";
            case WRONG_RESULT -> "#fbc02d";
            case ESCAPED -> "#d32f2f";
            case HUNG -> "#f57c00";
            case CRASHED -> "#6a1b9a";
        };
    }

    static Color colour(Outcome outcome) {
        return Color.decode(hex(outcome));
    }
}
