package testbed.faults;

import java.util.List;
import testbed.corpus.Outcome;

/**
 * The record of one finished trial: one line of {@code trials.jsonl}.
 *
 * @param id the trial's id (see {@link TrialId}); {@code testbed replay <id>} reruns it
 * @param entry corpus entry name
 * @param family corpus family of the entry
 * @param fault fault kind, {@code none} for the unmodified entry
 * @param faultFamily family of the fault kind ({@code none}, {@code memory}, {@code control}, ...)
 * @param mode protection mode
 * @param seed the trial's seed
 * @param outcome what happened
 * @param expected what the corpus entry expects for this mode, for unfaulted trials; for faulted
 *     trials the outcome the mode must never exceed ({@code null} when anything is acceptable)
 * @param unexpected whether the outcome differs from the expectation: such a trial is a finding
 * @param trapKind kind of the trap that aborted the domain, or {@code null}
 * @param detail the trap's or rejection's message, or the first oracle violation; may be empty
 * @param violations what the oracle found, one line each
 * @param signature deduplication key of a finding: outcome plus trap site or violation site,
 *     never a message
 * @param micros wall time of the trial in microseconds
 */
public record TrialRecord(
        String id,
        String entry,
        String family,
        String fault,
        String faultFamily,
        String mode,
        long seed,
        Outcome outcome,
        Outcome expected,
        boolean unexpected,
        String trapKind,
        String detail,
        List<String> violations,
        String signature,
        long micros) {

    public TrialRecord {
        violations = List.copyOf(violations);
    }

    /** The one command that reruns this trial. */
    public String replayCommand() {
        // Generated programs are regenerated from their seed rather than looked up in a corpus.
        return "generated".equals(fault) ? "./testbed fuzz --replay " + seed : "./testbed replay " + id;
    }
}
