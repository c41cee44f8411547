package testbed.sandbox;

import testbed.kernel.Crossing;
import testbed.kernel.Domain;
import testbed.kernel.DomainCall;
import testbed.kernel.KernelPanic;
import testbed.kernel.Trap;
import testbed.sfi.runtime.Meter;

/**
 * The unprotected crossing of a {@code NONE} domain whose work is counted: no transaction, no
 * abort, no watchdog, and whatever the extension throws reaches the kernel as it would from
 * trusted code. Only the simulated machine's own limits are enforced, from the meter's counts:
 * past the budget's fuel the machine's lockup detector fires, past its bytes the machine is out of
 * memory, and a call of {@code System.exit} (which the rewrite diverts) switches it off. Each
 * becomes a {@link KernelPanic}, which the kernel does not catch: the simulated kernel
 * hangs or crashes, the host JVM does not. The kernel stack is the JVM's own (its
 * {@link StackOverflowError} is recoverable, and an unprotected extension may catch it and go on,
 * as the corpus's trap-swallowing entries do), so the budget's depth is not applied.
 */
final class MachineLimitCrossing implements Crossing {
    private final Meter meter;
    private final Budget limits;

    MachineLimitCrossing(Meter meter, Budget limits) {
        this.meter = meter;
        this.limits = limits;
    }

    @Override
    public long enter(Domain domain, DomainCall call) {
        meter.refill(limits.fuel(), limits.bytes(), Integer.MAX_VALUE);
        long result;
        try {
            result = call.run();
        } catch (RuntimeException | Error e) {
            // An unprotected handler can swallow the meter's trap or turn it into another
            // exception (a synchronized block unwinding); the meter still knows it fired.
            throw panicIfStopped(meter, e);
        }
        if (meter.stopped() != null) {
            throw panicIfStopped(meter, null);
        }
        return result;
    }

    /**
     * The panic the meter's stop means, or {@code thrown} itself (rethrown if it is an
     * {@link Error}) when the meter did not stop.
     */
    static RuntimeException panicIfStopped(Meter meter, Throwable thrown) {
        if (meter.panic() != null) {
            return meter.panic();
        }
        Trap.Kind kind = meter.stopped();
        if (kind == null) {
            if (thrown instanceof Error e) {
                throw e;
            }
            return thrown instanceof RuntimeException r ? r : new IllegalStateException(thrown);
        }
        String detail = thrown instanceof Trap trap ? trap.getMessage() : kind.prefix();
        return new KernelPanic(kind == Trap.Kind.MEMORY_BUDGET ? KernelPanic.Cause.OUT_OF_MEMORY : KernelPanic.Cause.LOCKUP, detail);
    }
}
