package testbed.sandbox;

import testbed.kernel.HelperMeter;
import testbed.sfi.runtime.Meter;

/**
 * Bills each kernel helper call of a domain that runs in the kernel's JVM
 * {@link Meter#HELPER_FUEL} units of the domain's fuel, so that the budget bounds helper work as
 * it bounds the extension's own code. A charge the fuel cannot cover traps like any metered point.
 */
public final class HelperFuel implements HelperMeter {
    private final Meter meter;

    HelperFuel(Meter meter) {
        this.meter = meter;
    }

    @Override
    public void charge(String helper) {
        charge(meter, Meter.HELPER_FUEL, helper);
    }

    /**
     * Charges {@code units} of {@code meter}'s fuel for one call of {@code helper}, trapping like a
     * metered point when they are not there: how the extension's process bills its helpers too.
     */
    public static void charge(Meter meter, int units, String helper) {
        // Only a charge that traps needs to say where it happened, and walking the stack is not free.
        String location = meter.stopped() == null && meter.fuelLeft() >= units ? helper
                : DomainClassLoader.innermostFrame() + " calling " + helper;
        meter.spend(units, location);
    }
}
