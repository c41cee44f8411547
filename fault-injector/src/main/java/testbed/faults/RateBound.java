package testbed.faults;

/**
 * How strong a count of events in a number of trials is as evidence about the rate: the upper
 * end of a 95% confidence interval for it. With no events in {@code n} trials the exact one-sided
 * bound is {@code 1 - 0.05^(1/n)}, about {@code 3/n} (the rule of three); with some, the upper end
 * of the Wilson score interval.
 */
public final class RateBound {
    private static final double Z = 1.959963984540054;

    private RateBound() {
    }

    /**
     * @param events trials in which the event happened, 0 to {@code trials}
     * @param trials trials run; 0 gives 1 (no evidence)
     * @return the 95% upper bound on the event's rate per trial
     */
    public static double upper95(long events, long trials) {
        if (events < 0 || trials < 0 || events > trials) {
            throw new IllegalArgumentException(events + " events in " + trials + " trials");
        }
        if (trials == 0) {
            return 1;
        }
        double n = trials;
        if (events == 0) {
            return -Math.expm1(Math.log(0.05) / n);
        }
        double p = events / n;
        double centre = p + Z * Z / (2 * n);
        double spread = Z * Math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n));
        return Math.min(1, (centre + spread) / (1 + Z * Z / n));
    }

    /** The bound as people write it: "0 escapes in 412,000 SFI_MASK trials: rate < 7.3e-6 at 95%". */
    public static String sentence(long events, long trials, String what, String mode) {
        return String.format(java.util.Locale.ROOT, "%,d %s in %,d %s trials: rate < %.2g at 95%%", events, what, trials, mode,
                upper95(events, trials));
    }
}
