package testbed.kernel;

/**
 * Why a fault domain was stopped: the typed record the kernel keeps of an abort.
 *
 * <p>A {@code Trap} is thrown inside the domain (by an isolation guard, a budget, or the domain
 * crossing) and unwinds it. It is an {@link Error} so that {@code catch (Exception e)} in an
 * extension never sees it, and the isolation rewrite makes sure {@code catch (Throwable t)} and
 * {@code finally} blocks rethrow it at once. Messages start with a stable prefix per kind
 * ({@link Kind#prefix()}) that tests and reports match on.
 */
public final class Trap extends Error {
    /** What stopped the domain. */
    public enum Kind {
        /**
         * A memory access outside the segment under segment matching ({@code SFI_CHECK}), or a page
         * fault in the extension's own process ({@code PROCESS}), whose address space maps only the segment.
         */
        SEGMENT_VIOLATION("segment violation"),
        /** A memory access outside the segment under an explicit bounds check ({@code BOUNDS}). */
        OUT_OF_BOUNDS("out of bounds memory access"),
        /** Fuel (metered back-edges and calls) ran out. */
        FUEL_EXHAUSTED("fuel exhausted"),
        /** Allocation would exceed the domain's byte budget. */
        MEMORY_BUDGET("memory budget exceeded"),
        /** Call depth would exceed the domain's limit. */
        STACK_DEPTH("call depth exceeded"),
        /** The domain returned while holding a kernel lock, or held it past its hold time. */
        LOCK_HELD("kernel lock held"),
        /** The wall-clock watchdog fired. */
        WATCHDOG("watchdog"),
        /** The domain did not give frames back on revocation in time. */
        REVOCATION_TIMEOUT("revocation timeout"),
        /** The domain called a helper or attached to a hook without the capability. */
        CAPABILITY("capability denied"),
        /** An exception escaped the extension (including JVM errors thrown in it). */
        UNCAUGHT_EXCEPTION("uncaught exception"),
        /**
         * The separate process the extension runs in ({@code PROCESS}) died during a call, or was
         * gone when the call began, or broke the protocol with the kernel: its instance and its
         * unsynchronised memory are lost with it, and the kernel carries on.
         */
        PROCESS_DIED("extension process died"),
        /**
         * A memory access touched a guard page ({@link MachineCheck#guardPage()}): under address
         * sandboxing ({@code SFI_MASK}), an access the mask left straddling the segment's end ran
         * into the guard zone after it ({@link DomainSpec#withGuardZone()}).
         */
        GUARD_PAGE("guard page fault");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }

        /** Stable message prefix for this kind. */
        public String prefix() {
            return prefix;
        }
    }

    private final Kind kind;
    private final int domain;
    private final String location;

    /**
     * @param kind what stopped the domain
     * @param domain the domain id, or -1 where the thrower does not know it (the crossing fills it in)
     * @param location where in the extension: {@code Class.method@insn} or a kernel site; may be empty
     * @param detail the rest of the message after the kind's prefix
     */
    public Trap(Kind kind, int domain, String location, String detail) {
        this(kind, domain, location, detail, null);
    }

    /** A trap caused by a throwable the extension raised or the JVM raised inside it. */
    public Trap(Kind kind, int domain, String location, String detail, Throwable cause) {
        super(kind.prefix() + ": " + detail, cause, false, false);
        this.kind = kind;
        this.domain = domain;
        this.location = location == null ? "" : location;
    }

    /** The same trap attributed to {@code domainId}. */
    public Trap inDomain(int domainId) {
        if (domainId == domain) {
            return this;
        }
        return new Trap(kind, domainId, location, getMessage().substring(kind.prefix().length() + 2), getCause());
    }

    public Kind kind() {
        return kind;
    }

    public int domain() {
        return domain;
    }

    public String location() {
        return location;
    }
}
