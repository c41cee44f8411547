package testbed.kernel.oracle;

/**
 * One thing the oracle found wrong after a trial.
 *
 * @param kind what is wrong
 * @param address the physical address concerned (the first one seen), or -1
 * @param page the 4 KiB page of {@code address}, or -1
 * @param region what lies there: a kernel region's name, {@code "SEGMENT 3 (name)"}, {@code "DISK"}
 * @param domain the domain responsible (the one that stored, holds or leaked), or -1 if unknown
 * @param detail one readable sentence
 */
public record Violation(Kind kind, long address, int page, String region, int domain, String detail) {

    /** What the oracle checks, one value per kind of damage. */
    public enum Kind {
        /** A domain stored to a page outside its own segment (write monitor). */
        WILD_STORE(true),
        /** A domain loaded from a page outside its own segment (write monitor); no damage by itself. */
        WILD_LOAD(false),
        /** A page changed although no store to it was recorded, e.g. the monitor was bypassed (integrity checksums). */
        CORRUPTED_PAGE(true),
        /** A kernel structure breaks an invariant (fsck). */
        INCONSISTENT_STRUCTURE(true),
        /** The canary's segment changed. */
        CANARY_CHANGED(true),
        /** The canary, called directly, no longer gives its answer. */
        CANARY_WRONG_ANSWER(true),
        /** A kernel workload no longer runs correctly (liveness probe). */
        LIVENESS(true),
        /** File data or an accepted packet differs from what the kernel held before the trial. */
        DATA_LOST(true),
        /** A lock is held that was not held before the trial, or by a domain that no longer runs. */
        LEAKED_LOCK(true),
        /** A frame is bound to a domain that was aborted or destroyed. */
        LEAKED_FRAME(true),
        /** A heap block is recorded for a domain that was aborted or destroyed. */
        LEAKED_HEAP(true),
        /** Segment frames or a segment-table record of a destroyed domain remain. */
        LEAKED_SEGMENT(true),
        /** An aborted domain is still listed on a hook. */
        STILL_ATTACHED(true);

        private final boolean damage;

        Kind(boolean damage) {
            this.damage = damage;
        }

        /** Whether this kind means the kernel or another domain was harmed (everything but a wild load). */
        public boolean isDamage() {
            return damage;
        }
    }

    /** A violation with no single address. */
    static Violation of(Kind kind, String region, int domain, String detail) {
        return new Violation(kind, -1, -1, region, domain, detail);
    }

    /** A violation at an address. */
    static Violation at(Kind kind, long address, String region, int domain, String detail) {
        return new Violation(kind, address, address < 0 ? -1 : (int) (address >>> 12), region, domain, detail);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(kind.name()).append(' ').append(region);
        if (address >= 0) {
            sb.append(" @0x").append(Long.toHexString(address)).append(" (page ").append(page).append(')');
        }
        if (domain >= 0) {
            sb.append(" domain ").append(domain);
        }
        return sb.append(": ").append(detail).toString();
    }
}
