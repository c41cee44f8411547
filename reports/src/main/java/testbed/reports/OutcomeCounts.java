package testbed.reports;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import testbed.corpus.Outcome;
import testbed.faults.TrialRecord;

/** How many trials of one group ended in each outcome, and how many of them unexpectedly. */
final class OutcomeCounts {
    /** Outcomes that mean the host was hurt or had to intervene from outside. */
    static final Set<Outcome> DAMAGE = EnumSet.of(Outcome.ESCAPED, Outcome.CRASHED, Outcome.HUNG);

    private final int[] counts = new int[Outcome.values().length];
    private int unexpected;

    void add(TrialRecord record) {
        counts[record.outcome().ordinal()]++;
        if (record.unexpected()) {
            unexpected++;
        }
    }

    /** Adds {@code n} trials that ended in {@code outcome}. */
    void add(Outcome outcome, int n) {
        counts[outcome.ordinal()] += n;
    }

    /** Marks {@code n} more of the group's trials unexpected. */
    void addUnexpected(int n) {
        unexpected += n;
    }

    /** Adds every trial of {@code other} to this group. */
    void addAll(OutcomeCounts other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        unexpected += other.unexpected;
    }

    /** The trials of this group that ended in {@code outcome}, as a share with its interval. */
    Share share(Outcome outcome) {
        return new Share(get(outcome), total());
    }

    int get(Outcome outcome) {
        return counts[outcome.ordinal()];
    }

    int total() {
        int sum = 0;
        for (int c : counts) {
            sum += c;
        }
        return sum;
    }

    int unexpected() {
        return unexpected;
    }

    /** Whether any trial of the group ended in {@code ESCAPED}, {@code CRASHED} or {@code HUNG}. */
    boolean hasDamage() {
        return DAMAGE.stream().anyMatch(o -> get(o) > 0);
    }

    /** Every outcome name to its count, in declaration order, zeros included. */
    Map<String, Integer> asMap() {
        Map<String, Integer> map = new LinkedHashMap<>();
        for (Outcome o : Outcome.values()) {
            map.put(o.name(), get(o));
        }
        return map;
    }
}
