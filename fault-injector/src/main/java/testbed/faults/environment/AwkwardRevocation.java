package testbed.faults.environment;

import testbed.faults.Fault;

/**
 * Revokes physical frames from a library OS at an awkward moment: right after its {@code start}
 * returns (before it has done any work with them) with probability 1/2, otherwise just before one
 * of its first four invocations; the seed picks the moment and how many frames are asked for (1, 2,
 * 4, 8, or far more than it can hold). Simulates the kernel reclaiming resources when the library
 * OS least expects it: does it give them back, and does the abort protocol take them if not?
 *
 * <p>Published model: visible revocation and the abort protocol of the Exokernel (Engler,
 * Kaashoek and O'Toole 1995, SOSP, Exokernel: An Operating System Architecture for
 * Application-Level Resource Management).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: {@code OK} for a cooperative library OS; {@code ESCAPED} if one keeps using a
 *       frame it gave back, {@code HUNG} if it refuses by spinning.
 *   <li>Every protected mode: {@code OK} or {@code CONTAINED} (the abort protocol unbinds the
 *       frames by force); never {@code ESCAPED}, {@code HUNG} or {@code CRASHED}.
 * </ul>
 * Not applicable to an extension that is not a library OS.
 */
public final class AwkwardRevocation implements EnvironmentFault {
    private static final int[] FRAMES = {1, 2, 4, 8, 1 << 20};

    @Override
    public String name() {
        return "awkward-revocation";
    }

    @Override
    public Family family() {
        return Family.ENVIRONMENT;
    }

    @Override
    public String description() {
        return "revokes frames from a library OS right after it starts or just before an early invocation";
    }

    @Override
    public String reference() {
        return "Engler, Kaashoek and O'Toole 1995, SOSP, Exokernel: visible revocation and the abort protocol";
    }

    @Override
    public Arming arm(TrialEnvironment env, long seed) {
        long moment = Fault.draw(seed, 0);
        int invocation = (moment & 1) == 0 ? 0 : 1 + Math.floorMod(moment >> 1, 4);
        int frames = FRAMES[Math.floorMod(Fault.draw(seed, 1), FRAMES.length)];
        if (!env.revokeAt(invocation, frames)) {
            return Arming.notApplicable("the extension is not a library OS");
        }
        return Arming.of("revoke " + frames + " frames "
                + (invocation == 0 ? "right after start" : "before invocation " + invocation));
    }
}
