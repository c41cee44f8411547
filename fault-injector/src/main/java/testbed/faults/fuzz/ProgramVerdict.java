package testbed.faults.fuzz;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import testbed.program.Program;

/**
 * Everything the fuzzer learned about one generated program.
 *
 * @param program the program
 * @param seed the seed it was generated from ({@code -1} for one that was not generated, e.g. a shrink candidate)
 * @param reference the trusted interpreter's run: where the program's addresses went
 * @param runs each run, in the order run, by which run it was
 * @param failures the properties the program broke, empty when it broke none
 */
public record ProgramVerdict(Program program, long seed, Reference reference, Map<RunKey, ModeRun> runs,
        List<PropertyFailure> failures) {

    public ProgramVerdict {
        runs = Collections.unmodifiableMap(new LinkedHashMap<>(runs));
        failures = List.copyOf(failures);
    }

    /** The whole run under the technique named {@code technique}, or null if it did not run. */
    public ModeRun run(String technique) {
        for (Map.Entry<RunKey, ModeRun> e : runs.entrySet()) {
            if (e.getKey().whole() && e.getKey().name().equals(technique)) {
                return e.getValue();
            }
        }
        return null;
    }

    /**
     * What the reference interpreter saw, unprotected.
     *
     * @param withinLimits whether it finished within the step, depth and copy limits (else it was stopped)
     * @param leftSegment whether an access that completed touched a byte outside the segment
     * @param triedOutside whether any access, completed or not, named a byte outside the segment
     * @param maskStraddles whether the first access that named a byte outside the segment is a load
     *     or store that address sandboxing ({@code (addr & mask) | base}) leaves running past the
     *     segment's end: where a masked run faults on its guard zone
     * @param accesses how many accesses the trace holds
     * @param threw the exception the program let out of the filter, or {@code null}
     * @param run the reference run as a mode run (outcome, digest, violations)
     */
    public record Reference(boolean withinLimits, boolean leftSegment, boolean triedOutside, boolean maskStraddles, int accesses, String threw,
            ModeRun run) {
    }

    /** Whether the program broke any property. */
    public boolean failed() {
        return !failures.isEmpty();
    }
}
