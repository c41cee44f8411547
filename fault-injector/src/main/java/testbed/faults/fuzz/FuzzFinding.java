package testbed.faults.fuzz;

import testbed.program.Program;
import testbed.corpus.Reproducer;

/**
 * A deduplicated property failure: the first program that showed it, how many programs share
 * its signature, and its shrunk reproducer.
 *
 * @param failure the failure as the first program showed it
 * @param first the first program's verdict
 * @param count programs with this signature
 * @param shrunk the smallest program found that fails the same way ({@code first}'s program if not shrunk)
 * @param shrinkTests candidates the shrinker tried
 * @param reproducer the corpus reproducer written for it
 * @param folder where it was written, relative to the run's output directory
 * @param replayCommand the one command that regenerates and rechecks the first program
 */
public record FuzzFinding(PropertyFailure failure, ProgramVerdict first, long count, Program shrunk, int shrinkTests,
        Reproducer reproducer, String folder, String replayCommand) {
}
