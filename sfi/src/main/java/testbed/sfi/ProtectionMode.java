package testbed.sfi;

/**
 * How a fault domain's memory accesses are confined: the experiment's independent variable.
 *
 * <p>The software modes ({@link #SFI_MASK}, {@link #SFI_CHECK}, {@link #BOUNDS}) rewrite each call
 * an extension makes to {@link testbed.kernel.api.Memory} (all nine methods) at load time, with
 * the segment's constants baked into the rewritten class; they differ in what happens to an
 * access that is not inside the segment. {@link #PROCESS} is the hardware baseline: it leaves the
 * accesses alone and confines them with an address space instead. Every mode but {@link #NONE}
 * is metered.
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
    BOUNDS,
    /**
     * Hardware protection, the baseline whose crossing cost SFI was invented to beat (Wahbe et al.
     * 1993): the extension runs in a separate JVM process whose address space maps only its
     * segment, and every call into it is a round trip over a pipe, as is every helper call it
     * makes back. The class is rewritten for metering only (fuel, allocation, call depth, enforced
     * inside that process, where each helper call is charged a few units of fuel too); its memory
     * accesses are not rewritten. An access outside the segment is a page fault there, which
     * traps with {@link testbed.kernel.Trap.Kind#SEGMENT_VIOLATION}; a process that dies or
     * overstays its watchdog is killed and the domain aborted, and the kernel carries on.
     */
    PROCESS
}
