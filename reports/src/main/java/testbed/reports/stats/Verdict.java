package testbed.reports.stats;

/** How a run stands against a goal. */
public enum Verdict {
    /** The whole interval is on the goal's side. */
    MET,
    /** The whole interval is on the wrong side. */
    MISSED,
    /** The interval straddles the goal, or the run was too short to judge (one fork, {@code --quick}). */
    INCONCLUSIVE,
    /** The run did not measure the quantity. */
    NOT_MEASURED
}
