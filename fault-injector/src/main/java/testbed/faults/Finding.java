package testbed.faults;

/**
 * A deduplicated unexpected outcome: the first trial that showed it and how many trials share
 * its signature.
 *
 * @param signature the deduplication key (outcome and site, messages ignored)
 * @param first the first trial with this signature
 * @param count trials with this signature
 * @param folder where its input, seed, verdict and replay command were written, relative to the
 *     campaign's output directory
 */
public record Finding(String signature, TrialRecord first, int count, String folder) {
}
