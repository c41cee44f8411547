package testbed.faults.fuzz;

import java.util.Objects;
import testbed.sandbox.Protection;

/**
 * Which run of a generated program a {@link ModeRun} is: the reference interpreter's, the
 * compiled program's under a technique, or that run stopped once a fuel limit is spent (the
 * abort check). Its text form ({@code REFERENCE}, {@code SFI_MASK}, {@code SFI_MASK@fuel37}) is
 * what a report and a finding's {@code verdict.json} show.
 *
 * @param kind which of the three
 * @param technique the technique it ran under; {@code null} for the reference run
 * @param fuel the fuel after which a {@link Kind#PREEMPTED} run is stopped; 0 otherwise
 */
public record RunKey(Kind kind, Protection technique, long fuel) {
    /** The reference interpreter's run. */
    public static final RunKey REFERENCE = new RunKey(Kind.REFERENCE, null, 0);

    /** The three kinds of run. */
    public enum Kind { REFERENCE, WHOLE, PREEMPTED }

    public RunKey {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.REFERENCE) != (technique == null) || (kind == Kind.PREEMPTED) != (fuel > 0)) {
            throw new IllegalArgumentException("a reference run has no technique, only a preempted run a fuel limit: "
                    + kind + ", " + technique + ", " + fuel);
        }
    }

    /** The whole run under {@code technique}. */
    public static RunKey of(Protection technique) {
        return new RunKey(Kind.WHOLE, Objects.requireNonNull(technique, "technique"), 0);
    }

    /** The run under {@code technique} stopped after {@code fuel} units. */
    public static RunKey preempted(Protection technique, long fuel) {
        return new RunKey(Kind.PREEMPTED, Objects.requireNonNull(technique, "technique"), fuel);
    }

    /** Whether this is a whole run of the compiled program: one a trial record and a reproducer's expectation stand for. */
    public boolean whole() {
        return kind == Kind.WHOLE;
    }

    /** The technique's name, or {@code REFERENCE}. */
    public String name() {
        return technique == null ? Kind.REFERENCE.name() : technique.name();
    }

    @Override
    public String toString() {
        return kind == Kind.PREEMPTED ? name() + "@fuel" + fuel : name();
    }
}
