package testbed.sfi;

import java.util.Objects;
import testbed.kernel.Segment;

/**
 * A load-time rewrite of one extension class for one segment: immutable, built in stages, applied
 * to class-file bytes. It reads as a sentence:
 *
 * <pre>{@code
 * byte[] confined = Rewrite.of(ProtectionMode.SFI_MASK).segment(segment).metered(true).apply(classBytes);
 * }</pre>
 *
 * <p>The rewrite is one pass of ASM visitors over the bytes; it never loads the class in the host.
 * The segment's constants are baked into the result, so the bytes are good for that segment only.
 * An {@link ProtectionMode#SFI_MASK} rewrite is safe only for a domain created with a guard zone
 * ({@link testbed.kernel.DomainSpec#withGuardZone()}), as the sandbox creates them: it does not
 * clamp an access to the segment's end.
 * A class rewritten with {@link #metered(boolean) metered(true)} in a protected mode must be bound
 * with {@link testbed.sfi.runtime.Meter#bind} after it is defined and before it is first used.
 *
 * <p>What it confines: every {@code invokeinterface} of the nine {@link testbed.kernel.api.Memory}
 * methods, except under {@link ProtectionMode#PROCESS}, which meters and guards handlers but
 * leaves accesses unconfined (the extension's address space confines them). It refuses (with a {@link RewriteException}) a method handle to them, but does not see
 * reflection or {@code invokedynamic} call sites that reach them another way; the load pipeline's
 * verifier must reject those, and the extension's class loader must not expose an implementation
 * of {@code Memory} that could be called directly.
 */
public final class Rewrite {
    private final ProtectionMode mode;
    private final Segment segment;
    private final boolean metered;
    private final boolean storesOnly;
    private final boolean strict;

    private Rewrite(ProtectionMode mode, Segment segment, boolean metered, boolean storesOnly, boolean strict) {
        this.mode = mode;
        this.segment = segment;
        this.metered = metered;
        this.storesOnly = storesOnly;
        this.strict = strict;
    }

    /** Starts a rewrite in {@code mode}; the next stage names the segment. */
    public static WithoutSegment of(ProtectionMode mode) {
        return new WithoutSegment(Objects.requireNonNull(mode, "mode"));
    }

    /** The stage of a rewrite that knows its mode but not yet its segment. */
    public static final class WithoutSegment {
        private final ProtectionMode mode;

        private WithoutSegment(ProtectionMode mode) {
            this.mode = mode;
        }

        /** The segment whose constants the rewrite bakes in: unmetered, loads and stores confined. */
        public Rewrite segment(Segment segment) {
            return new Rewrite(mode, Objects.requireNonNull(segment, "segment"), false, false, false);
        }
    }

    /**
     * The same rewrite, with or without metering: fuel (method entries, back-edges and handler
     * entries), allocation bytes and call depth, counted against a
     * {@link testbed.sfi.runtime.Meter}, and each exception handler's depth put back. Under
     * {@link ProtectionMode#NONE} this is the only change: the work is counted (the simulated
     * machine's lockup detector, memory and stack limits) while every access stays unconfined.
     */
    public Rewrite metered(boolean metered) {
        return new Rewrite(mode, segment, metered, storesOnly, strict);
    }

    /**
     * The same rewrite confining stores only (the cheaper variant of Wahbe et al.: a wild load can
     * read any memory but not change it). Stores and the destination and length of {@code copy}
     * stay confined; loads and the source of {@code copy} run unchanged. Ignored by
     * {@link ProtectionMode#NONE} and {@link ProtectionMode#PROCESS}, which confine nothing.
     */
    public Rewrite storesOnly() {
        return new Rewrite(mode, segment, metered, true, strict);
    }

    /**
     * The same {@link ProtectionMode#VERIFIED} rewrite, refusing what it cannot prove (the Linux
     * eBPF verifier's rule) instead of guarding it: {@link #apply} throws a {@link RewriteException}
     * naming the first {@code Memory} access the checked proof does not show inside the segment
     * ({@code Class.method@index}, the access and its width) and why, and a class it loads runs
     * with no memory guard at all.
     *
     * @throws IllegalStateException in any other mode, which has no proof to be strict about
     */
    public Rewrite strict() {
        if (mode != ProtectionMode.VERIFIED) {
            throw new IllegalStateException("only VERIFIED has a strict variant, not " + mode);
        }
        return new Rewrite(mode, segment, metered, storesOnly, true);
    }

    /**
     * Rewrites one class.
     *
     * @param classBytes a class file; not modified
     * @return the rewritten class file, or {@code classBytes} itself under {@link ProtectionMode#NONE} unmetered
     * @throws RewriteException if the bytes are malformed or the class cannot be confined; the
     *     message says why and where
     */
    public byte[] apply(byte[] classBytes) {
        Objects.requireNonNull(classBytes, "classBytes");
        if (mode == ProtectionMode.NONE && !metered) {
            return classBytes;
        }
        return ClassRewriter.rewrite(classBytes, this);
    }

    /**
     * The checked proof {@link ProtectionMode#VERIFIED} rewrites {@code classBytes} with: which
     * accesses it leaves unguarded and why, which entry ranges it checks, which loops it charges
     * once. The same in any mode (the analysis does not depend on it).
     *
     * @throws RewriteException if the bytes are malformed or the checker refuses the proof
     */
    public testbed.sfi.verify.Proof proof(byte[] classBytes) {
        Objects.requireNonNull(classBytes, "classBytes");
        try {
            return ClassRewriter.checkedProof(classBytes, segment);
        } catch (testbed.sfi.verify.ProofRefused e) {
            throw new RewriteException("proof refused by the checker: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new RewriteException("malformed class file: " + e, e);
        }
    }

    /** The protection mode. */
    public ProtectionMode mode() {
        return mode;
    }

    /** The segment whose constants the rewrite bakes in. */
    public Segment segment() {
        return segment;
    }

    /** Whether rewritten code is metered. */
    public boolean isMetered() {
        return metered;
    }

    /** Whether what the proof cannot show inside the segment is refused rather than guarded. */
    public boolean isStrict() {
        return strict;
    }

    /** Whether only stores are confined. */
    public boolean isStoresOnly() {
        return storesOnly;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Rewrite
                && ((Rewrite) other).mode == mode
                && ((Rewrite) other).segment.equals(segment)
                && ((Rewrite) other).metered == metered
                && ((Rewrite) other).storesOnly == storesOnly
                && ((Rewrite) other).strict == strict;
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, segment, metered, storesOnly, strict);
    }

    @Override
    public String toString() {
        return "Rewrite[" + mode + " " + segment + (metered ? ", metered" : "") + (storesOnly ? ", stores only" : "") + (strict ? ", strict" : "") + "]";
    }
}
