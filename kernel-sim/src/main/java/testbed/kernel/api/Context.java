package testbed.kernel.api;

/**
 * What the kernel hands an extension on every call: its segment, simulated memory, and the
 * kernel helpers, which are the only kernel entry points an extension may use.
 *
 * <p>Every helper checks its arguments and returns a negative {@link Status} code for bad ones;
 * none of them can be made to corrupt the kernel. Changes a helper makes to kernel state are
 * recorded in the current invocation's transaction, so an aborted invocation leaves no trace.
 * A domain whose capabilities do not include a helper gets {@link Status#EPERM}.
 */
public interface Context {

    /** Simulated physical memory. */
    Memory memory();

    /** Physical address of the first byte of this domain's segment. */
    long segmentBase();

    /** Size of this domain's segment in bytes: a power of two. */
    long segmentSize();

    /**
     * Allocates {@code size} bytes inside the segment's heap.
     *
     * @return the address of the block, or a negative {@link Status} code
     */
    long alloc(long size);

    /** Frees a block returned by {@link #alloc}; {@link Status#ENOENT} for anything else. */
    int free(long address);

    /** Queues {@code length} bytes at {@code address} (inside the segment) on the transmit ring. */
    int sendPacket(long address, int length);

    /** Appends {@code length} bytes at {@code address} (inside the segment) to the kernel log. */
    int log(long address, int length);

    /** Takes kernel lock {@code lockId}; {@link Status#EBUSY} if another domain holds it. */
    int lock(int lockId);

    /** Releases kernel lock {@code lockId}; {@link Status#EPERM} if the caller does not hold it. */
    int unlock(int lockId);

    /** Simulated time in ticks: deterministic, advanced by the kernel's workloads. */
    long time();

    /**
     * Binds a free physical frame to this domain (an Exokernel secure binding).
     *
     * @return the frame number, or a negative {@link Status} code
     */
    int bindFrame();

    /** Gives a bound frame back to the kernel; {@link Status#EPERM} if the caller does not own it. */
    int releaseFrame(int frame);
}
