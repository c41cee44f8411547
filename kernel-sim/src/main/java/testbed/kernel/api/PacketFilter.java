package testbed.kernel.api;

/**
 * A packet filter or application-specific handler (BPF, DPF, Exokernel ASH). The kernel copies
 * each arriving packet into the domain's packet window (inside its segment) and asks the filter
 * how much of it to deliver.
 */
public interface PacketFilter {

    /**
     * @param packet address of the packet copy inside the segment
     * @param length length of the packet in bytes
     * @return the number of bytes to deliver: {@code 0} drops the packet; anything outside
     *     {@code [0, length]} is a bad answer that the kernel treats as a drop
     */
    int filter(Context ctx, long packet, int length);
}
