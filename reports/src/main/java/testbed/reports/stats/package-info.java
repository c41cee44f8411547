/**
 * The statistics every experiment and the overhead report judge their goals with: intervals
 * computed from a run's own samples (a hierarchical bootstrap over forks, or rounds, and the
 * iterations inside them), a three-way verdict that says "met" only when the whole interval is
 * on the goal's side, and latency distributions kept in HdrHistogram.
 */
package testbed.reports.stats;
