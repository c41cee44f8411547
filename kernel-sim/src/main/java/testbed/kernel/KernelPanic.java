package testbed.kernel;

/**
 * The simulated machine gave up on an unprotected extension: its lockup detector saw the kernel
 * run an extension's code for longer than any invocation may, or the extension exhausted the
 * machine's memory, or switched the machine off. Protected modes stop the extension long before; under
 * {@code NONE} nothing does, so in a real kernel this would be a hang or a panic, and the trial
 * records it as one ({@code HUNG} or {@code CRASHED}) without the host JVM having to die for it.
 *
 * <p>It is judged from a count of the work the extension did, never from a clock, so the same
 * trial gives the same outcome on an idle and on a loaded machine.
 */
public final class KernelPanic extends RuntimeException {
    /** What the simulated machine ran out of. */
    public enum Cause {
        /** The lockup detector fired: the extension kept the kernel busy past the machine's work limit. */
        LOCKUP("lockup detected"),
        /** The extension allocated more than the simulated machine's memory. */
        OUT_OF_MEMORY("out of memory"),
        /** The extension switched the machine off ({@code System.exit} and its kin). */
        POWER_OFF("machine switched off");

        private final String text;

        Cause(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private final Cause cause;

    /**
     * @param cause what ran out
     * @param detail where and by how much, e.g. the trap the machine limit raised
     */
    public KernelPanic(Cause cause, String detail) {
        super("kernel panic: " + cause + ": " + detail, null, false, false);
        this.cause = cause;
    }

    /** What the simulated machine ran out of. */
    public Cause reason() {
        return cause;
    }

    /** Whether the machine hung rather than crashed. */
    public boolean isHang() {
        return cause == Cause.LOCKUP;
    }
}
