package testbed.faults;

import java.util.ArrayList;
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
 * @param violationsCut violations left out of {@code violations} to keep the record bounded
 *     (beyond the first {@value #MAX_VIOLATIONS})
 * @param charactersCut characters cut from the detail, the signature and the violations kept,
 *     each bounded ({@value #MAX_DETAIL}, {@value #MAX_SIGNATURE} and {@value #MAX_VIOLATION}
 *     characters); a cut text ends in {@value #CUT_MARK}
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
        Map<String, Long> phases,
        long violationsCut,
        long charactersCut) {

    /**
     * The phases of a trial: restoring the kernel and taking the oracle's baseline, applying the
     * fault (mutating the class or arming the environment), loading through the sandbox,
     * running the workload, the oracle's judgement, unloading, and the one-off reference run
     * of an unfaulted entry whose digest later trials compare with.
     */
    public static final List<String> PHASES = List.of("restore", "fault", "load", "run", "judge", "unload", "reference");

    /** Violations a record keeps. */
    public static final int MAX_VIOLATIONS = 64;
    /** Characters of one violation a record keeps. */
    public static final int MAX_VIOLATION = 1_000;
    /** Characters of the detail a record keeps. */
    public static final int MAX_DETAIL = 4_000;
    /** Characters of the signature a record keeps. */
    public static final int MAX_SIGNATURE = 1_000;
    /** What a cut text ends in. */
    public static final String CUT_MARK = "\u2026";

    /**
     * Bounds what the extension supplies (messages, violations, trap sites), so that no trial,
     * however hostile, makes a record too large to pass between processes or to read back: one
     * record is at most some tens of kilobytes. Cutting an already bounded record changes nothing.
     */
    public TrialRecord {
        long[] cut = {charactersCut};
        List<String> kept = new ArrayList<>(Math.min(violations.size(), MAX_VIOLATIONS));
        for (String v : violations.size() > MAX_VIOLATIONS ? violations.subList(0, MAX_VIOLATIONS) : violations) {
            kept.add(cut(v, MAX_VIOLATION, cut));
        }
        violationsCut += Math.max(0, violations.size() - MAX_VIOLATIONS);
        violations = List.copyOf(kept);
        detail = cut(detail, MAX_DETAIL, cut);
        signature = cut(signature, MAX_SIGNATURE, cut);
        charactersCut = cut[0];
        phases = phases == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(phases));
    }

    /** A record with nothing cut yet. */
    public TrialRecord(String id, String entry, String family, String fault, String faultFamily, String mode, long seed,
            Outcome outcome, Outcome expected, boolean unexpected, String trapKind, String detail, List<String> violations,
            String signature, long micros, Map<String, Long> phases) {
        this(id, entry, family, fault, faultFamily, mode, seed, outcome, expected, unexpected, trapKind, detail, violations,
                signature, micros, phases, 0, 0);
    }

    /** {@code text} cut to {@code max} characters (its last the mark), adding what was cut to {@code cut[0]}. */
    private static String cut(String text, int max, long[] cut) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = max - CUT_MARK.length();
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // never split a surrogate pair: the record must stay valid UTF-8
        }
        cut[0] += text.length() - end;
        return text.substring(0, end) + CUT_MARK;
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
                outcome, expected, unexpected, trapKind == null ? null : trapKind.intern(), "", List.of(), "", micros, phases,
                violationsCut, charactersCut);
    }

    /** The one command that reruns this trial (a generated program's is regenerated from the seed its id names). */
    public String replayCommand() {
        return "./testbed replay " + id;
    }
}
