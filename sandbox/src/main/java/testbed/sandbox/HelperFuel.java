package testbed.sandbox;

import testbed.kernel.HelperMeter;
import testbed.sfi.runtime.Meter;

/**
 * Bills each kernel helper call of a domain that runs in the kernel's JVM
 * {@link Meter#HELPER_FUEL} units of the domain's fuel, so that the budget bounds helper work as
 * it bounds the extension's own code. A charge the fuel cannot cover traps like any metered point.
 */
final class HelperFuel implements HelperMeter {
    private final Meter meter;

    HelperFuel(Meter meter) {
        this.meter = meter;
    }

    @Override
    public void charge(String helper) {
        // Only a charge that traps needs to say where it happened, and walking the stack is not free.
        String location = meter.stopped() == null && meter.fuelLeft() >= Meter.HELPER_FUEL ? helper
                : DomainClassLoader.innermostFrame() + " calling " + helper;
        meter.spend(Meter.HELPER_FUEL, location);
    }
}
