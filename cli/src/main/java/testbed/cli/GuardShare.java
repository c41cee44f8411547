package testbed.cli;

import testbed.kernel.Segment;
import testbed.sfi.ProtectionMode;
import testbed.sfi.Rewrite;
import testbed.sfi.RewriteException;
import testbed.sfi.verify.Proof;

/** What {@code VERIFIED}'s proof removes from an extension: its share of guarded {@code Memory} accesses (experiment E5). */
final class GuardShare {
    /** A campaign domain's 64 KiB segment; the share does not depend on where the segment lies. */
    private static final Segment SEGMENT = new Segment(1L << 20, 64 << 10);

    private GuardShare() {
    }

    /** The checked proof for {@code classBytes}, or null if the class cannot be rewritten at all. */
    static Proof proof(byte[] classBytes) {
        try {
            return Rewrite.of(ProtectionMode.VERIFIED).segment(SEGMENT).proof(classBytes);
        } catch (RewriteException e) {
            return null;
        }
    }

    /** {@code "3/4 (75%)"}, or {@code "0/0"}. */
    static String share(long removed, long of) {
        return of == 0 ? "0/0" : removed + "/" + of + " (" + Math.round(100.0 * removed / of) + "%)";
    }
}
