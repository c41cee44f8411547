package testbed.sandbox;

import java.time.Duration;

/**
 * The limits a fault domain runs under, per invocation (VINO's resource accounting).
 *
 * @param fuel metered back-edges and calls one invocation may spend
 * @param bytes bytes one invocation may allocate on the JVM heap
 * @param depth call-depth limit inside the extension
 * @param watchdog wall-clock limit of one invocation; the backstop for anything fuel cannot see
 */
public record Budget(long fuel, long bytes, int depth, Duration watchdog) {

    public Budget {
        if (fuel <= 0 || bytes <= 0 || depth <= 0 || watchdog.isNegative() || watchdog.isZero()) {
            throw new IllegalArgumentException("budget limits must be positive: " + fuel + ", " + bytes + ", " + depth + ", " + watchdog);
        }
    }

    /**
     * Limits generous enough for every benign extension in the corpus (none needs 20,000 fuel per
     * call), tight enough that a runaway one costs a trial about a millisecond, not ten.
     */
    public static Budget standard() {
        return new Budget(30_000, 8L << 20, 200, Duration.ofSeconds(2));
    }

    public Budget withFuel(long newFuel) {
        return new Budget(newFuel, bytes, depth, watchdog);
    }
}
