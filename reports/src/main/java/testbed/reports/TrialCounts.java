package testbed.reports;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import testbed.corpus.Outcome;
import testbed.faults.TrialRecord;

/**
 * A campaign's trial records as the report needs them: counted per cell of one (entry, fault,
 * mode), with the unexpected trials kept whole for the findings and the CI failures. Records are
 * added one at a time and then dropped, so the memory this takes grows with the report (its
 * cells and its failures), not with the number of trials: a campaign of millions of trials, or
 * the merged trial logs of many shards, is counted while it is read.
 *
 * <pre>{@code
 * TrialCounts counts = new TrialCounts();
 * TrialLog.each(dir.resolve(TrialLog.FILE_NAME), counts::add);
 * ContainmentReport.of(settings, counts, findings, elapsed, provenance).writeTo(dir);
 * }</pre>
 */
public final class TrialCounts {
    private final Map<String, Cell> cells = new LinkedHashMap<>();
    private final List<TrialRecord> unexpected = new ArrayList<>();
    private long trials;

    /** The counts of {@code records}. */
    public static TrialCounts of(Collection<TrialRecord> records) {
        TrialCounts counts = new TrialCounts();
        records.forEach(counts::add);
        return counts;
    }

    /** Counts as {@link CountsFile} read them back: the cells in their order, and the unexpected trials. */
    static TrialCounts restored(long trials, List<Cell> cells, List<TrialRecord> unexpected) {
        TrialCounts counts = new TrialCounts();
        counts.trials = trials;
        for (Cell c : cells) {
            counts.cells.put(key(c.entry, c.fault, c.mode), c);
        }
        counts.unexpected.addAll(unexpected);
        return counts;
    }

    private static String key(String entry, String fault, String mode) {
        return entry + '\u0000' + fault + '\u0000' + mode;
    }

    /** Counts one finished trial; an unexpected one is also kept whole. */
    public void add(TrialRecord record) {
        trials++;
        cells.computeIfAbsent(key(record.entry(), record.fault(), record.mode()), k -> new Cell(record)).add(record);
        if (record.unexpected()) {
            unexpected.add(record);
        }
    }

    /**
     * Adds every trial {@code other} counted, as if its records were added here one by one after
     * those already counted: how the counts of parts read side by side (the shards of a
     * campaign) are put together in their order.
     */
    public void addAll(TrialCounts other) {
        trials += other.trials;
        other.cells.forEach((key, cell) -> cells.computeIfAbsent(key, k -> new Cell(cell)).addAll(cell));
        unexpected.addAll(other.unexpected);
    }

    /** Trials counted. */
    public long trials() {
        return trials;
    }

    /** The unexpected trials, whole, in the order they were added. */
    public List<TrialRecord> unexpected() {
        return Collections.unmodifiableList(unexpected);
    }

    /** Trials per outcome of each mode, modes in the order their first trial was added. */
    public Map<String, Map<Outcome, Long>> outcomesByMode() {
        Map<String, Map<Outcome, Long>> byMode = new LinkedHashMap<>();
        for (Cell c : cells.values()) {
            Map<Outcome, Long> counts = byMode.computeIfAbsent(c.mode, m -> new EnumMap<>(Outcome.class));
            for (Outcome o : Outcome.values()) {
                if (c.outcomes.get(o) > 0) {
                    counts.merge(o, (long) c.outcomes.get(o), Long::sum);
                }
            }
        }
        return byMode;
    }

    /** The cells, in the order their first trial was added. */
    Collection<Cell> cells() {
        return Collections.unmodifiableCollection(cells.values());
    }

    /**
     * The trials of one (entry, fault, mode): how many ended in each outcome, how many of them
     * unexpectedly, and their time, whole and per phase.
     */
    static final class Cell {
        final String entry;
        final String family;
        final String fault;
        final String faultFamily;
        final String mode;
        final OutcomeCounts outcomes = new OutcomeCounts();
        /** Microseconds of all trials, and of those that met their expectation. */
        long micros;
        long metMicros;
        int met;
        /** Trials that report their phases, their microseconds, and the sum per phase ({@link TrialRecord#PHASES}). */
        long phased;
        long phasedMicros;
        final long[] phaseMicros = new long[TrialRecord.PHASES.size()];

        private Cell(TrialRecord first) {
            this(first.entry(), first.family(), first.fault(), first.faultFamily(), first.mode());
        }

        /** An empty cell for the trials of {@code like}'s (entry, fault, mode). */
        private Cell(Cell like) {
            this(like.entry, like.family, like.fault, like.faultFamily, like.mode);
        }

        /** An empty cell for the trials of one (entry, fault, mode). */
        Cell(String entry, String family, String fault, String faultFamily, String mode) {
            this.entry = entry;
            this.family = family;
            this.fault = fault;
            this.faultFamily = faultFamily;
            this.mode = mode;
        }

        private void addAll(Cell other) {
            outcomes.addAll(other.outcomes);
            micros += other.micros;
            metMicros += other.metMicros;
            met += other.met;
            phased += other.phased;
            phasedMicros += other.phasedMicros;
            for (int i = 0; i < phaseMicros.length; i++) {
                phaseMicros[i] += other.phaseMicros[i];
            }
        }

        private void add(TrialRecord r) {
            outcomes.add(r);
            micros += r.micros();
            if (!r.unexpected()) {
                met++;
                metMicros += r.micros();
            }
            if (!r.phases().isEmpty()) {
                phased++;
                phasedMicros += r.micros();
                for (int i = 0; i < phaseMicros.length; i++) {
                    phaseMicros[i] += r.phases().getOrDefault(TrialRecord.PHASES.get(i), 0L);
                }
            }
        }

        int trials() {
            return outcomes.total();
        }
    }
}
