package testbed.faults.fuzz;

/**
 * Where a generated memory access (or a helper's address argument) aims, as the generator
 * intended it. The program computes the address at run time from its segment base and size, its
 * packet, constants from the {@link Layout}, or a value it loads; the interpreter's trace, not
 * this label, says where an access really went.
 */
public enum AddressClass {
    /** A random offset inside the program's own segment, the access wholly inside. */
    IN_SEGMENT,
    /** A few bytes either side of the segment's first byte. */
    SEGMENT_START_EDGE,
    /** A few bytes either side of the last position an access of its width fits in the segment. */
    SEGMENT_END_EDGE,
    /** Inside one of the kernel's regions (boot header, tables, rings, cache, log). */
    KERNEL_REGION,
    /** Another domain's segment: the one above or below the program's own, or a resident domain's such as the canary's. */
    NEIGHBOUR_SEGMENT,
    /** A negative address. */
    NEGATIVE,
    /** Beyond physical memory: just past its end, at 2^32, or near {@link Long#MAX_VALUE}. */
    HUGE,
    /** An address computed from a value loaded from memory: a pointer from the boot header, the packet or the segment. */
    READ_BACK,
    /** The packet the filter was given, at a header offset or near its end. */
    PACKET
}
