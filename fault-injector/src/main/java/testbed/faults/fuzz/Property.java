package testbed.faults.fuzz;

/** What must hold for every generated program; each is checked by {@link ProgramTrials} on every program. */
public enum Property {
    /** In every protected mode, no program yields {@code ESCAPED}, {@code HUNG} or {@code CRASHED}. */
    CONTAINMENT,
    /**
     * A program whose accesses all stay in its segment and that terminates within budget gives
     * the same answer and the same segment image in every mode as unprotected; the compiled
     * program also matches the reference interpreter.
     */
    TRANSPARENCY,
    /**
     * Unprotected, the oracle reports a wild load or store exactly when the program's own trace
     * of addresses (recorded by the reference interpreter) left its segment.
     */
    ORACLE_SENSITIVITY,
    /**
     * {@code SFI_CHECK}, {@code BOUNDS} and {@code VERIFIED} trap on an address exactly when the
     * trace leaves the segment, and {@code VERIFIED} loads whatever {@code BOUNDS} loads;
     * {@code SFI_MASK} never traps on an address and never escapes, and faults on the guard zone
     * after its segment where the trace's first access outside the segment straddles the segment's
     * end once masked (never for a trace that stays inside). A plug-in technique is held to what
     * it says: one that masks is held to {@code SFI_MASK}'s rule, any other stops a program whose
     * trace leaves the segment.
     */
    MODES_AGREE,
    /** A program stopped at any fuel point leaves the kernel's structures as they were before the call. */
    ABORT_RESTORES
}
