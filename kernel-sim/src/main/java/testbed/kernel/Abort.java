package testbed.kernel;

/**
 * The kernel's record of one abort: which domain was stopped, why, and when.
 *
 * @param domain the domain id
 * @param name the domain's name
 * @param trap what stopped it
 * @param time simulated time of the abort
 */
public record Abort(int domain, String name, Trap trap, long time) {
}
