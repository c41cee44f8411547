package testbed.faults;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * @param phases where that time went, in microseconds per phase of the trial ({@link #PHASES}, in
 *     that order); empty for a trial that gave no answer of its own (its worker died or hung)
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
        long micros,
        Map<String, Long> phases) {

    /**
     * The phases of a trial: restoring the kernel and taking the oracle's baseline, applying the
     * fault (mutating the class or arming the environment), loading through the sandbox,
     * running the workload, the oracle's judgement, unloading, and the one-off reference run
     * of an unfaulted entry whose digest later trials compare with.
     */
    public static final List<String> PHASES = List.of("restore", "fault", "load", "run", "judge", "unload", "reference");

    public TrialRecord {
        violations = List.copyOf(violations);
        phases = phases == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(phases));
    }

    /** A record without a breakdown of its time. */
    public TrialRecord(String id, String entry, String family, String fault, String faultFamily, String mode, long seed,
            Outcome outcome, Outcome expected, boolean unexpected, String trapKind, String detail, List<String> violations,
            String signature, long micros) {
        this(id, entry, family, fault, faultFamily, mode, seed, outcome, expected, unexpected, trapKind, detail, violations,
                signature, micros, Map.of());
    }

    /**
     * The record as a long campaign keeps it in memory once it is in the trial log: the counts'
     * fields, with the detail, the violations and the signature dropped (the log has them) and the
     * names shared between records. A finding's record is kept whole.
     */
    public TrialRecord brief() {
        return new TrialRecord(id, entry.intern(), family.intern(), fault.intern(), faultFamily.intern(), mode.intern(), seed,
                outcome, expected, unexpected, trapKind == null ? null : trapKind.intern(), "", List.of(), "", micros, phases);
    }

    /** The one command that reruns this trial. */
    public String replayCommand() {
        // Generated programs are regenerated from their seed rather than looked up in a corpus.
        return "generated".equals(fault) ? "./testbed fuzz --replay " + seed : "./testbed replay " + id;
    }
}
