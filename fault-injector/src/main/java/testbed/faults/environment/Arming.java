package testbed.faults.environment;

/**
 * What an {@link EnvironmentFault} armed in a trial, for the trial's record.
 *
 * @param armed whether anything was armed; if not, the trial runs unfaulted
 * @param description what was armed, e.g. {@code alloc returns ENOMEM at call 1}, or why nothing was
 */
public record Arming(boolean armed, String description) {

    /** Something was armed. */
    public static Arming of(String description) {
        return new Arming(true, description);
    }

    /** Nothing applies to this trial. */
    public static Arming notApplicable(String reason) {
        return new Arming(false, reason);
    }

    @Override
    public String toString() {
        return armed ? description : "not applicable: " + description;
    }
}
