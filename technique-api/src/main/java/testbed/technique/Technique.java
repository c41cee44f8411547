package testbed.technique;

/**
 * An isolation technique: a load-time rewrite of extension class files that confines the
 * extension's memory accesses to its segment. The testbed runs a technique beside its built-in
 * protection modes under the same campaigns, fuzzer, oracle and benchmarks.
 *
 * <p>A technique is found with {@link java.util.ServiceLoader}: put the implementing class's
 * binary name in {@code META-INF/services/testbed.technique.Technique} of a jar and pass the jar
 * with {@code --technique-jar my.jar}; {@code --modes NONE,SFI_MASK,mytech} then selects it by its
 * {@link #name()}. The class needs a public no-argument constructor.
 *
 * <p>What the testbed does around {@link #rewrite}: the class has passed the testbed's verifier
 * (no reflection, no static state, only the extension API and an allowlist of JDK members) before
 * the technique sees it; the technique's result is then metered (fuel, allocation, call depth) and
 * its exception handlers guarded unless {@link #meters()} says the technique did that itself;
 * it is defined in a class loader of its own and run by the kernel. The oracle that judges each
 * trial is independent of the technique, so a rewrite that misses an access shows as
 * {@code ESCAPED}. The rewrite is untrusted code too: one that throws, does not return, or returns
 * bytes the JVM refuses makes that trial {@code REJECTED} (naming the technique and the cause)
 * and never stops the kernel or the campaign.
 *
 * <p>What the rewritten code sees: every access to simulated memory is an
 * {@code invokeinterface testbed/kernel/api/Memory} call ({@code load8}..{@code load64} take a
 * {@code long} address, {@code store8}..{@code store64} an address and a value, and
 * {@code copy(long dst, long src, long length)}). An extension's class loader resolves only the
 * extension API and the JDK members of the verifier's allowlist ({@code java.lang.Math}'s
 * functions among them), so the inserted code can use those and nothing of the technique's own.
 *
 * <p>Implementations must be thread-safe and deterministic: the same bytes and segment must give
 * the same result, since every trial is replayed from its id.
 */
public interface Technique {
    /**
     * The name {@code --modes} selects the technique by, and that reports and trial ids show:
     * letters, digits, {@code _} and {@code -}, starting with a letter; not the name of a
     * built-in protection mode.
     */
    String name();

    /**
     * Rewrites one verified extension class for one domain's segment.
     *
     * @param verifiedClass the class file as the verifier passed it; not to be modified
     * @param segment the domain's segment, whose constants the rewrite may bake in (the result
     *     is used for this segment only)
     * @return the class file to define
     * @throws RuntimeException to refuse the class; the message is shown in the trial's rejection
     */
    byte[] rewrite(byte[] verifiedClass, Segment segment);

    /**
     * Whether the returned class already counts its own work through the testbed's meter. When
     * false (the default), the testbed meters the technique's result itself, as it meters every
     * built-in mode, so a runaway extension is stopped by fuel rather than by the watchdog.
     */
    default boolean meters() {
        return false;
    }

    /**
     * Whether the rewritten class must run in a child JVM whose memory maps only the segment, as
     * the built-in {@code PROCESS} mode does: a technique that relies on an address space rather
     * than on the rewrite alone. The rewrite still happens in the kernel's JVM. Its trials are judged
     * against the corpus's expectations for {@code PROCESS} (unless {@link #masks()} says otherwise),
     * and the overhead benchmarks, which call an extension directly, leave it out.
     */
    default boolean needsProcess() {
        return false;
    }

    /**
     * Whether an access outside the segment is redirected into it (address sandboxing, as the
     * built-in {@code SFI_MASK} does) rather than trapped. It decides which of the corpus's
     * expected outcomes a trial is judged against: {@code SFI_MASK}'s when true, those of the
     * trapping modes when false (the default). When true, the technique's domains get a guard zone
     * after their segment, as {@code SFI_MASK}'s do: an access that {@code base | (addr & mask())}
     * leaves straddling the segment's end touches a guard page and faults, which aborts the domain
     * (what the corpus expects of {@code SFI_MASK}), so the rewrite needs no clamp for the width.
     */
    default boolean masks() {
        return false;
    }

    /** One sentence for the report's reader: what the technique does. */
    default String description() {
        return "a plug-in isolation technique";
    }

    /**
     * A fault domain's segment of simulated physical memory: {@code size} is a power of two and
     * {@code base} a multiple of it, so {@code mask() = size - 1} and {@code base | (addr & mask())}
     * is always inside.
     *
     * @param base the first address of the segment
     * @param size its length in bytes
     */
    record Segment(long base, long size) {
        public Segment {
            if (size <= 0 || Long.bitCount(size) != 1 || (base & (size - 1)) != 0) {
                throw new IllegalArgumentException("a segment is a power-of-two size at a multiple of it: base " + base + ", size " + size);
            }
        }

        /** {@code size - 1}: the offset bits of an address inside the segment. */
        public long mask() {
            return size - 1;
        }

        /** The first address past the segment. */
        public long end() {
            return base + size;
        }
    }
}
