package testbed.bench.experiments;

import testbed.reports.ExperimentPage.Check;
import testbed.reports.Share;
import testbed.reports.stats.Goal;
import testbed.reports.stats.Interval;

/** Goals judged into the rows of an experiment page's goal table. */
final class Checks {
    private Checks() {
    }

    /**
     * A goal on a ratio ({@code unit} {@code x}), a time ({@code ns}) or a share ({@code %}),
     * judged on an interval measured from {@code groups} groups of samples.
     *
     * @param groupWord what a group is ({@code rounds}, {@code trials})
     */
    static Check of(Goal goal, String unit, Interval interval, int groups, boolean quick, String groupWord) {
        Goal.Judgement j = goal.judge(interval, groups, quick);
        return new Check(goal.quantity(), "%".equals(unit) ? goal.direction().symbol() + " " + percent(goal.bound()) : goal.target(unit),
                measured(interval, unit), j.verdict(), j.text(groupWord));
    }

    /** An interval in the unit's words: {@code 1.034x [1.010, 1.061]}, {@code 41.2 [39.8, 43.0] ns}, {@code 0.0% [0.0, 0.3%]}. */
    static String measured(Interval i, String unit) {
        return switch (unit) {
            case "x" -> i.times();
            case "%" -> percent(i.estimate()) + " [" + percent(i.low()) + ", " + percent(i.high()) + "]";
            default -> i.text(unit);
        };
    }

    /** A share's 95% Wilson interval as an interval. */
    static Interval of(Share s) {
        double v = s.value();
        return new Interval(Math.max(0, Math.min(s.lower(), v)), v, Math.min(1, Math.max(s.upper(), v)), 0.95);
    }

    static String percent(double share) {
        return String.format(java.util.Locale.ROOT, "%.2f%%", 100 * share);
    }
}
