package testbed.reports.stats;


/**
 * A bound a positive quantity should stay on one side of, e.g. "at most 1.05x NONE" or "under
 * 100 ns", and how a run's interval stands against it.
 *
 * <p>The quantity is a ratio, a time or a share (which may be 0). The rule: {@link Verdict#MET} only when the whole interval is on the goal's side,
 * {@link Verdict#MISSED} only when the whole interval is on the wrong side, otherwise
 * {@link Verdict#INCONCLUSIVE} with the number of groups (forks or rounds) that would decide it.
 * A run with fewer than two groups, or a run marked provisional ({@code --quick}), never meets or
 * misses: one fork cannot show how much forks differ, so its interval is too narrow to trust.
 *
 * @param quantity what is measured
 * @param direction whether the quantity should stay at most or at least {@code bound}
 * @param bound the goal's value, positive
 */
public record Goal(String quantity, Direction direction, double bound) {

    /** Which side of the bound is the goal's. */
    public enum Direction {
        AT_MOST("≤"), AT_LEAST("≥");

        private final String symbol;

        Direction(String symbol) {
            this.symbol = symbol;
        }

        /** {@code ≤} or {@code ≥}. */
        public String symbol() {
            return symbol;
        }
    }

    /** More groups than this are not worth proposing: say "more than" instead. */
    static final int MAX_GROUPS = 1000;

    public Goal {
        if (!(bound > 0)) {
            throw new IllegalArgumentException("a goal's bound must be positive, got " + bound);
        }
    }

    /**
     * How a run stands against the goal.
     *
     * @param verdict met, missed or inconclusive
     * @param interval the run's interval for the quantity
     * @param groupsToDecide for an inconclusive verdict, the groups (forks or rounds) a run would
     *     need for an interval of the same spread per group to clear the goal; 0 when decided;
     *     -1 when no number would (the estimate sits on the bound)
     * @param reason why it is inconclusive, or an empty string
     */
    public record Judgement(Verdict verdict, Interval interval, int groupsToDecide, String reason) {
        /** {@code met}, {@code MISSED}, {@code inconclusive (about 6 forks would decide)}. */
        public String text(String groupWord) {
            return switch (verdict) {
                case MET -> "met";
                case MISSED -> "MISSED";
                case NOT_MEASURED -> "not measured";
                case INCONCLUSIVE -> "inconclusive" + (reason.isEmpty() ? "" : ": " + reason) + "; " + decide(groupWord);
            };
        }

        private String decide(String groupWord) {
            if (groupsToDecide < 0) {
                return "no number of " + groupWord + " would decide it (the estimate sits on the goal)";
            }
            if (groupsToDecide > MAX_GROUPS) {
                return "more than " + MAX_GROUPS + " " + groupWord + " would be needed";
            }
            return "about " + groupsToDecide + " " + groupWord + " would decide it";
        }
    }

    /** {@code ≤ 1.050x}, in the given unit ({@code x}, {@code ns}, ...). */
    public String target(String unit) {
        return direction.symbol() + " " + Interval.decimal(bound) + ("x".equals(unit) ? "x" : " " + unit);
    }

    /**
     * Judges an interval measured from {@code groups} groups.
     *
     * @param provisional a short run ({@code --quick}): never met or missed
     */
    public Judgement judge(Interval interval, int groups, boolean provisional) {
        if (interval.low() < 0) {
            throw new IllegalArgumentException("goals judge quantities that cannot be negative; interval starts at " + interval.low());
        }
        // Ratios and times are judged on logarithms, where their intervals are about symmetric;
        // a share that can be 0 on its own scale. Either way, halving a half-width takes four
        // times the groups.
        boolean log = interval.low() > 0;
        double g = log ? Math.log(bound) : bound;
        double lo = log ? Math.log(interval.low()) : interval.low();
        double e = log ? Math.log(interval.estimate()) : interval.estimate();
        double hi = log ? Math.log(interval.high()) : interval.high();
        boolean good = direction == Direction.AT_MOST ? hi <= g : lo >= g;
        boolean bad = direction == Direction.AT_MOST ? lo > g : hi < g;
        int needed;
        if (e == g) {
            needed = -1;
        } else {
            // Grow the groups until the half-width facing the bound fits between estimate and bound.
            double facing = e < g ? hi - e : e - lo;
            double room = Math.abs(g - e);
            double factor = Math.pow(facing / room, 2);
            needed = (int) Math.min(Integer.MAX_VALUE, Math.ceil(Math.max(2, groups) * Math.max(1, factor)));
            needed = Math.max(needed, Math.max(2, groups));
        }
        if (provisional) {
            return new Judgement(Verdict.INCONCLUSIVE, interval, needed, "a --quick run decides no goal");
        }
        if (groups < 2) {
            return new Judgement(Verdict.INCONCLUSIVE, interval, needed,
                    "a single fork or round cannot show how much they differ");
        }
        if (good) {
            return new Judgement(Verdict.MET, interval, 0, "");
        }
        if (bad) {
            return new Judgement(Verdict.MISSED, interval, 0, "");
        }
        return new Judgement(Verdict.INCONCLUSIVE, interval, needed, "the interval straddles the goal");
    }
}
