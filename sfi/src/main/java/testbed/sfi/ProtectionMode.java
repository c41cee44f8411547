package testbed.sfi;

/**
 * How a fault domain's memory accesses are confined: the experiment's independent variable.
 *
 * <p>Every protected mode rewrites each call an extension makes to
 * {@link testbed.kernel.api.Memory} (all nine methods) at load time, with the segment's
 * constants baked into the rewritten class. The modes differ in what happens to an access that
 * is not inside the segment.
 */
public enum ProtectionMode {
    /**
     * Trusted, unprotected: the class is not rewritten at all. The baseline for overhead and the
     * proof that the oracle is not blind (a wild store really corrupts the kernel). Not metered.
     */
    NONE,
    /**
     * Address sandboxing (Wahbe et al. 1993): {@code addr = (addr & mask) | base}, clamped to
     * {@code base + size - width} so that a multi-byte access cannot spill past the segment's end.
     * Never traps on an address: a wild access silently lands somewhere inside the segment, and an
     * access that was already inside is unchanged.
     */
    SFI_MASK,
    /**
     * Segment matching (Wahbe et al. 1993): the segment-id bits ({@code addr >>> shift}) of the
     * first and the last byte accessed must equal the segment's; otherwise the domain traps with
     * {@link testbed.kernel.Trap.Kind#SEGMENT_VIOLATION}, naming the access, the address and the
     * instruction. Traps on exactly the accesses {@link #BOUNDS} traps on.
     */
    SFI_CHECK,
    /**
     * An explicit bounds check per access, the WebAssembly style:
     * {@code Long.compareUnsigned(addr - base, size - width) > 0} traps with
     * {@link testbed.kernel.Trap.Kind#OUT_OF_BOUNDS} and a Chicory-like message.
     */
    BOUNDS
}
