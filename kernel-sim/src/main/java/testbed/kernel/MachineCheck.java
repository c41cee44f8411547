package testbed.kernel;

/**
 * A physical access outside simulated memory, or touching a guard page (the zone after a guarded
 * domain's segment, {@link DomainSpec#withGuardZone()}, as an unmapped page would). Outside memory
 * it is an oops in a real kernel: the host fails, and only unprotected modes produce one. On a
 * guard page it is the fault that stops an address-sandboxed access straddling its segment's end.
 */
public final class MachineCheck extends RuntimeException {
    private final long address;
    private final int width;
    private final boolean guardPage;

    /** An access outside physical memory. */
    public MachineCheck(long address, int width) {
        this(address, width, false);
    }

    /** An access outside physical memory, or one touching a guard page if {@code guardPage}. */
    public MachineCheck(long address, int width, boolean guardPage) {
        this.address = address;
        this.width = width;
        this.guardPage = guardPage;
    }

    /** Formatted on demand: unprotected fuzzing raises these by the thousand and reads few of them. */
    @Override
    public String getMessage() {
        return "machine check: " + width + "-byte access at physical address 0x" + Long.toHexString(address)
                + (guardPage ? " touches a guard page" : " is outside physical memory");
    }

    /** Whether the access touched a guard page (rather than leaving physical memory). */
    public boolean guardPage() {
        return guardPage;
    }

    /** The physical address of the failed access. */
    public long address() {
        return address;
    }
}
