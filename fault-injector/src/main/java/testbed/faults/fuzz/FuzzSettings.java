package testbed.faults.fuzz;

import java.time.Duration;
import java.util.List;
import testbed.sandbox.Protection;

/**
 * The parameters of a fuzz run, as given on the command line and recorded in its report.
 *
 * @param seed the run's seed; program {@code i}'s seed is {@link Fuzzer#programSeed(long, long)}
 * @param programs how many programs to check, or 0 for "until the time limit"
 * @param timeLimit wall-clock limit, or {@code null}
 * @param modes the protected modes and plug-in techniques checked (unprotected always runs)
 * @param threads threads checking programs, each with a kernel of its own
 * @param maxOps the largest program the generator makes
 * @param shrink whether findings are shrunk into reproducers
 */
public record FuzzSettings(long seed, long programs, Duration timeLimit, List<Protection> modes, int threads, int maxOps,
        boolean shrink) {

    public FuzzSettings {
        modes = List.copyOf(modes);
        if (programs < 0 || (programs == 0 && timeLimit == null)) {
            throw new IllegalArgumentException("give a positive number of programs, or 0 with a time limit");
        }
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("threads must be between 1 and 64, got " + threads);
        }
        if (modes.stream().anyMatch(Protection::unprotected)) {
            throw new IllegalArgumentException("NONE always runs; list only protected modes");
        }
    }
}
