package testbed.faults.environment;

import testbed.faults.Fault;

/**
 * Cuts the domain off at a random point of its run: its fuel runs out after a number of units the
 * seed picks, log-uniformly between 1 and 2^20 (so early points, in the middle of {@code start} or
 * of the first invocation, are as likely per scale as late ones). Simulates preemption or a budget
 * exhausted at the worst moment: in the middle of a lock's hold, between two halves of an update.
 * Does the abort leave the kernel as it was?
 *
 * <p>Published model: VINO's time-outs and abort of a graft at an arbitrary point under its
 * transaction (Seltzer, Endo, Small and Smith 1996, OSDI, Dealing with Disaster); the Exokernel's
 * abort protocol (Engler, Kaashoek and O'Toole 1995, SOSP).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: no fuel meter, so nothing is cut: the outcome of the unfaulted extension.
 *   <li>Every metered mode: {@code OK} (the run ended before the cut) or {@code CONTAINED} (the
 *       abort undid the invocation); never {@code ESCAPED}, {@code HUNG} or {@code CRASHED}.
 * </ul>
 */
public final class Preemption implements EnvironmentFault {
    /** Fuel cuts lie in {@code [1, 2^MAX_EXPONENT)}. */
    static final int MAX_EXPONENT = 20;

    @Override
    public String name() {
        return "preemption";
    }

    @Override
    public Family family() {
        return Family.ENVIRONMENT;
    }

    @Override
    public String description() {
        return "the domain's fuel is cut at a random point of its run";
    }

    @Override
    public String reference() {
        return "Seltzer, Endo, Small and Smith 1996, OSDI, Dealing with Disaster (VINO): graft time-outs and abort";
    }

    @Override
    public Arming arm(TrialEnvironment env, long seed) {
        int exponent = Math.floorMod(Fault.draw(seed, 0), MAX_EXPONENT);
        long fuel = (1L << exponent) + Math.floorMod(Fault.draw(seed, 1), 1L << exponent);
        env.preemptAfter(fuel);
        return Arming.of("preempt after " + fuel + " fuel");
    }
}
