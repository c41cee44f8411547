package testbed.kernel.oracle;

import java.util.List;
import testbed.kernel.Canary;
import testbed.kernel.Domain;
import testbed.kernel.Kernel;
import testbed.kernel.PhysicalMemory;

/**
 * The canary domain, co-resident in every trial: its segment must be unchanged and, called
 * directly as trusted code, it must still give the answer it gave before.
 */
final class CanaryCheck {
    /** Argument of the canary call. */
    static final long ARGUMENT = 0x5EEDL;

    private CanaryCheck() {
    }

    static long segmentSum(Kernel kernel) {
        Domain canary = kernel.canary();
        return canary == null ? 0 : kernel.memory().checksum(canary.segment().base(), (int) canary.segment().size());
    }

    /** Calls the canary directly (no crossing, no hook) as its own principal. */
    static long answer(Kernel kernel) {
        Domain canary = kernel.canary();
        PhysicalMemory memory = kernel.memory();
        int prev = memory.actAs(canary.id());
        try {
            return new Canary().handle(canary.context(), Canary.EVENT, ARGUMENT);
        } finally {
            memory.actAs(prev);
        }
    }

    /** @return the canary's answer now, or -1 if it could not be obtained */
    static long check(Kernel kernel, Baseline baseline, List<Violation> out) {
        Domain canary = kernel.canary();
        if (canary == null) {
            out.add(Violation.of(Violation.Kind.CANARY_CHANGED, "SEGMENT_TABLE", Kernel.CANARY_ID, "the canary domain is gone"));
            return -1;
        }
        String place = Kernel.segmentPlace(canary);
        if (segmentSum(kernel) != baseline.canarySegment) {
            out.add(Violation.at(Violation.Kind.CANARY_CHANGED, firstChangedPage(kernel, baseline, canary), place, -1,
                    "the canary's segment " + canary.segment() + " changed"));
        }
        long now;
        try {
            now = answer(kernel);
        } catch (RuntimeException e) {
            out.add(Violation.at(Violation.Kind.CANARY_WRONG_ANSWER, canary.segment().base(), place, -1,
                    "the canary failed when called directly: " + e));
            return -1;
        }
        if (now != baseline.canaryAnswer) {
            out.add(Violation.at(Violation.Kind.CANARY_WRONG_ANSWER, canary.segment().base(), place, -1,
                    "the canary answered " + Long.toHexString(now) + " instead of " + Long.toHexString(baseline.canaryAnswer)
                            + " to its private event"));
        }
        return now;
    }

    private static long firstChangedPage(Kernel kernel, Baseline baseline, Domain canary) {
        PhysicalMemory memory = kernel.memory();
        for (long a = canary.segment().base(); a < canary.segment().end(); a += PhysicalMemory.PAGE_SIZE) {
            int page = (int) (a >>> PhysicalMemory.PAGE_SHIFT);
            if (memory.pageChecksum(page) != baseline.snapshot.pageChecksum(page)) {
                return a;
            }
        }
        return canary.segment().base();
    }
}
