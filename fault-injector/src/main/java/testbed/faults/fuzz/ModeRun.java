package testbed.faults.fuzz;

import java.util.List;
import testbed.corpus.Outcome;

/**
 * What one run of a generated program did under one protection mode (see {@link RunKey}).
 *
 * @param mode the protection mode's name, or {@code REFERENCE} for the interpreter's run
 * @param outcome the classified outcome, as a campaign trial gets it ({@code testbed.faults.Execution#outcome})
 * @param trapKind the trap that aborted the domain, or {@code null}
 * @param trapLocation where it trapped, or empty
 * @param detail the trap's, rejection's or host failure's message, or the first violation
 * @param answer the kernel's answer to the packet (bytes delivered)
 * @param answerRefused whether the kernel refused the program's answer and used its default
 * @param segmentDigest a checksum of the program's segment after the run
 * @param violations the oracle's findings, one line each
 * @param wildAccess whether the oracle saw a load or store outside the segment
 * @param micros wall time of the run
 */
public record ModeRun(String mode, Outcome outcome, String trapKind, String trapLocation, String detail, int answer,
        boolean answerRefused, long segmentDigest, List<String> violations, boolean wildAccess, long micros) {

    public ModeRun {
        violations = List.copyOf(violations);
    }

    /** Whether the domain trapped because an address was outside its segment. */
    public boolean addressTrap() {
        return "SEGMENT_VIOLATION".equals(trapKind) || "OUT_OF_BOUNDS".equals(trapKind);
    }
}
