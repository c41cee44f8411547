package testbed.sfi;

/**
 * How a fault domain's memory accesses are confined: the experiment's independent variable.
 *
 * <p>The software modes ({@link #SFI_MASK}, {@link #SFI_CHECK}, {@link #BOUNDS}, {@link #VERIFIED}) rewrite each call
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
     * Address sandboxing (Wahbe et al. 1993): {@code addr = (addr & mask) | base}, two operations
     * per access. Its domain has a guard zone after its segment
     * ({@link testbed.kernel.DomainSpec#withGuardZone()}): a multi-byte access that the mask puts
     * within its width of the segment's end touches a guard page and faults
     * ({@link testbed.kernel.MachineCheck}), which aborts the domain. Never traps on an address
     * otherwise: a wild access silently lands somewhere inside the segment, and an access that was
     * already inside is unchanged. {@code copy} masks both addresses and clamps its length instead,
     * since a length can exceed any guard zone.
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
     * Static proof, then checks only where the proof falls short (the PCC and eBPF-verifier style):
     * an abstract interpretation over intervals ({@code testbed.sfi.verify.Analysis}) proves
     * individual accesses inside the segment, a separate checker re-checks that proof
     * ({@code testbed.sfi.verify.ProofChecker}) before the class is defined, and the rewrite leaves
     * the proven accesses unguarded and gives every other one the {@link #BOUNDS} check. So it traps
     * on exactly the accesses {@link #BOUNDS} traps on, plus one case: a method entered with
     * numeric arguments outside the ranges its proof assumes (the kernel's contract for a hook, the
     * call sites for a private method) traps with {@link testbed.kernel.Trap.Kind#OUT_OF_BOUNDS}
     * at entry. Counted loops are charged their fuel once at entry.
     */
    VERIFIED,
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
