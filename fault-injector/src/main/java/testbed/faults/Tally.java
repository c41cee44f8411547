package testbed.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import testbed.corpus.Outcome;

/**
 * The running counts of a campaign: outcomes, unexpected trials, the protected modes' escapes,
 * and the findings, each the trials that share one signature. Not thread-safe: the campaign
 * counts under its own lock.
 */
final class Tally {
    private final Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
    private final Map<String, List<TrialRecord>> bySignature = new LinkedHashMap<>();
    private long unexpected;
    private long protectedTrials;
    private long protectedEscapes;

    /** Counts a record; true if it is the first of a new finding. */
    boolean add(TrialRecord r) {
        outcomes.merge(r.outcome(), 1L, Long::sum);
        if (!r.mode().equals("NONE")) {
            protectedTrials++;
            if (r.outcome() == Outcome.ESCAPED) {
                protectedEscapes++;
            }
        }
        if (!r.unexpected()) {
            return false;
        }
        unexpected++;
        List<TrialRecord> same = bySignature.computeIfAbsent(r.signature(), s -> new ArrayList<>());
        same.add(r);
        return same.size() == 1;
    }

    /** How far the campaign has got. */
    Campaign.Progress progress(long done, long total, double trialsPerSecond, Duration remaining) {
        return new Campaign.Progress(done, total, trialsPerSecond, new EnumMap<>(outcomes), unexpected, remaining,
                protectedTrials, protectedEscapes);
    }

    /** One finding per signature, in the order they were first seen. */
    List<Finding> findings() {
        List<Finding> findings = new ArrayList<>();
        for (List<TrialRecord> same : bySignature.values()) {
            TrialRecord first = same.get(0);
            findings.add(new Finding(first.signature(), first, same.size(), Campaign.folder(first)));
        }
        return findings;
    }
}
