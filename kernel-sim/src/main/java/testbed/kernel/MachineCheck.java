package testbed.kernel;

/**
 * A physical access outside simulated memory. In a real kernel this is an oops: the host fails.
 * Protected modes never let an extension produce one; unprotected ones do.
 */
public final class MachineCheck extends RuntimeException {
    private final long address;
    private final int width;

    public MachineCheck(long address, int width) {
        this.address = address;
        this.width = width;
    }

    /** Formatted on demand: unprotected fuzzing raises these by the thousand and reads few of them. */
    @Override
    public String getMessage() {
        return "machine check: " + width + "-byte access at physical address 0x" + Long.toHexString(address)
                + " is outside physical memory";
    }

    /** The physical address of the failed access. */
    public long address() {
        return address;
    }
}
