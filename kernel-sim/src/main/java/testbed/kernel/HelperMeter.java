package testbed.kernel;

/**
 * What a domain pays for each kernel helper call, charged by the kernel before the helper checks
 * or changes anything. A helper call costs far more than a back-edge of the extension's own code;
 * a sandbox bills it to the domain's fuel, so that a loop of helper calls is stopped by the
 * budget, at the same call on every run, and not by the wall clock.
 */
@FunctionalInterface
public interface HelperMeter {
    /** Charges nothing: the meter of a domain nobody bills. */
    HelperMeter FREE = helper -> { };

    /**
     * Charges one call of {@code helper} (its name in {@link testbed.kernel.api.Context}); throws
     * (a {@link Trap}, or the sandbox's own stop) to refuse the call, which then changes nothing.
     */
    void charge(String helper);
}
