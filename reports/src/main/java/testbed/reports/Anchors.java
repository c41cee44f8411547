package testbed.reports;

import java.util.List;

/**
 * The published figures the overhead report prints beside its own, and the goals it checks.
 * Each anchor is a number measured on its authors' hardware and workloads: a point of
 * comparison for the shape of the results (which technique costs what, relative to what), not a
 * target the simulated machine can reproduce.
 */
final class Anchors {
    static final String WAHBE = "Wahbe et al. 1993";
    static final String WAHBE_TABLE_2 = "Wahbe et al. 1993, Table 2";
    static final String NACL = "Yee et al. 2009";
    static final String LFI = "Yedidia 2024";
    static final String VINO = "Seltzer et al. 1996";
    static final String PCC = "Necula and Lee 1996";

    /** Beside the stores-only masking rows. */
    static final String STORES_ONLY = "1.043x (" + WAHBE + "); about 1.015x, LFI (" + LFI + ")";
    /** Beside the loads-and-stores masking rows. */
    static final String LOADS_AND_STORES = "1.218x (" + WAHBE + "); about 1.07x, LFI (" + LFI + ")";
    /** Beside the checking modes' rows. */
    static final String CHECKING = "under 1.05x, Native Client (" + NACL + ")";
    /** Beside the verified mode's rows. */
    static final String PROOF = "no run-time checks for proven code, proof-carrying code (" + PCC + ")";
    /** Beside the protected crossing. */
    static final String CROSSING = "11x a local call (" + WAHBE_TABLE_2 + ")";
    /** Beside the process crossing. */
    static final String PIPE = "about 2,000x a local call, Unix pipe round trip (" + WAHBE_TABLE_2 + ")";
    /** Beside the transactions. */
    static final String TRANSACTIONS = "30 to 50 µs on 1996 hardware (" + VINO + ")";

    /** Every anchor in full, for the report's list. */
    static final List<String> ALL = List.of(
            "Address sandboxing of writes only: 4.3% overhead; of writes and reads: 21.8% (" + WAHBE + ").",
            "Native Client: under 5% overhead (" + NACL + ").",
            "LFI: about 1.5% overhead sandboxing writes only, about 7% with loads (" + LFI + ").",
            "A cross-domain call costs 11x a local procedure call; a Unix pipe round trip about 2,000x (" + WAHBE_TABLE_2 + ").",
            "VINO: transaction begin, commit and abort of about 30 to 50 µs each on 1996 hardware (" + VINO + ").",
            "Proof-carrying code: packet filters proven safe at load time run with no run-time checks (" + PCC + ").");

    static final double STORES_ONLY_GOAL = 1.02;
    static final double MASK_GOAL = 1.05;
    static final double CHECK_GOAL = 1.10;
    static final double PROOF_GOAL = 1.02;
    static final double GUARDS_REMOVED_GOAL = 0.90;
    static final double METERING_GOAL = 1.05;
    static final double CROSSING_GOAL_NS = 100;
    static final double LOAD_GOAL_NS = 1e6;

    private Anchors() {
    }

    /** The goal for a protection mode's ratio to NONE, or NaN for NONE itself. */
    static double goal(String mode) {
        switch (mode) {
            case "SFI_MASK_STORES": return STORES_ONLY_GOAL;
            case "SFI_MASK": return MASK_GOAL;
            case "SFI_CHECK":
            case "BOUNDS": return CHECK_GOAL;
            case "VERIFIED": return PROOF_GOAL;
            default: return Double.NaN;
        }
    }

    /** The published figure beside a mode's rows, or an empty string. */
    static String anchor(String mode) {
        switch (mode) {
            case "SFI_MASK_STORES": return STORES_ONLY;
            case "SFI_MASK": return LOADS_AND_STORES;
            case "SFI_CHECK":
            case "BOUNDS": return CHECKING;
            case "VERIFIED": return PROOF;
            default: return "";
        }
    }
}
