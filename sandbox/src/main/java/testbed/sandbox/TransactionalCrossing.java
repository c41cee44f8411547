package testbed.sandbox;

import testbed.kernel.Crossing;
import testbed.kernel.Domain;
import testbed.kernel.DomainCall;
import testbed.kernel.Kernel;
import testbed.kernel.Transaction;
import testbed.kernel.Trap;
import testbed.sfi.runtime.Meter;

/**
 * The protected domain crossing (VINO's graft invocation): refill the domain's budget, open a
 * transaction, arm the watchdog, run, and commit. Anything that goes wrong inside becomes a typed
 * {@link Trap}; the kernel's abort protocol then rolls the transaction back, releases what the
 * domain held and unbinds it, and the trap goes to the kernel, which carries on with its default.
 */
final class TransactionalCrossing implements Crossing {
    private final Kernel kernel;
    private final Meter meter;
    private final Budget budget;
    private final Watchdog watchdog;
    private final long watchdogNanos;
    private final Runnable fire;
    /** Fuel left before a preemption cuts the domain off, across invocations; MAX_VALUE when none is armed. */
    private long untilPreemption = Long.MAX_VALUE;

    TransactionalCrossing(Kernel kernel, Meter meter, Budget budget, Watchdog watchdog) {
        this(kernel, meter, budget, watchdog, () -> { });
    }

    /**
     * @param afterStop what the watchdog does once it has stopped the meter: nothing when the
     *     domain runs in this JVM (its next metered point sees the stop); kill its process when
     *     the meter is only this side's record of a meter in another process
     */
    TransactionalCrossing(Kernel kernel, Meter meter, Budget budget, Watchdog watchdog, Runnable afterStop) {
        this.kernel = kernel;
        this.meter = meter;
        this.budget = budget;
        this.watchdog = watchdog;
        this.watchdogNanos = budget.watchdog().toNanos();
        this.fire = () -> {
            meter.stop(Trap.Kind.WATCHDOG, "invocation ran longer than " + budget.watchdog().toMillis() + " ms");
            afterStop.run();
        };
    }

    /** Cuts the domain off once it has used {@code fuel} more units, wherever it is then (a preemption). */
    void preemptAfter(long fuel) {
        untilPreemption = Math.max(0, fuel);
    }

    @Override
    public long enter(Domain domain, DomainCall call) {
        long fuel = Math.min(budget.fuel(), untilPreemption);
        meter.refill(fuel, budget.bytes(), budget.depth());
        Transaction transaction = kernel.begin(domain);
        watchdog.arm(watchdogNanos, fire);
        Trap trap;
        try {
            long result = call.run();
            Trap.Kind stop = meter.stopped();
            int held = kernel.locksHeldBy(domain);
            if (stop != null) {
                // Stopped (the watchdog, a revocation) after its last metered point, and returned
                // before the next one: it overstayed all the same, so its work is undone.
                trap = new Trap(stop, domain.id(), "return", "domain " + domain.name() + " was stopped ("
                        + stop.name() + ") and returned before its next metered point");
            } else if (held == 0) {
                transaction.commit();
                return result;
            } else {
                trap = new Trap(Trap.Kind.LOCK_HELD, domain.id(), "return", "domain " + domain.name()
                        + " returned holding " + held + " kernel lock(s)");
            }
        } catch (Trap t) {
            trap = t.inDomain(domain.id());
        } catch (Throwable t) {
            trap = Traps.fromThrowable(domain, t);
        } finally {
            watchdog.disarm();
            if (untilPreemption != Long.MAX_VALUE) {
                untilPreemption -= fuel - meter.fuelLeft();
            }
        }
        kernel.abort(domain, trap);
        throw trap;
    }
}
