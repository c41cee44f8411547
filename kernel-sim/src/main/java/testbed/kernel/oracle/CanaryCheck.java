package testbed.kernel.oracle;

import java.util.List;
import testbed.kernel.Canary;
import testbed.kernel.Domain;
import testbed.kernel.Kernel;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.Snapshot;

/**
 * The canary domain, co-resident in every trial: its segment must be unchanged and, called
 * directly as trusted code, it must still give the answer it gave before.
 */
final class CanaryCheck {
    /** Argument of the canary call. */
    static final long ARGUMENT = 0x5EEDL;

    private CanaryCheck() {
    }

    /**
     * The canary's segment as it is now, for a baseline: null if it is the base snapshot's (the
     * kernel was just restored and nothing has been written since), which the check then compares
     * with directly, else a copy.
     */
    static byte[] segmentNow(Kernel kernel, Snapshot snapshot) {
        Domain canary = kernel.canary();
        if (canary == null || kernel.memory().touchedCount() == 0 && snapshot == kernel.base()
                && snapshot.matches(kernel.memory(), canary.segment().base(), (int) canary.segment().size())) {
            return null;
        }
        byte[] copy = new byte[(int) canary.segment().size()];
        kernel.memory().peek(canary.segment().base(), copy, 0, copy.length);
        return copy;
    }

    /** Whether the canary's segment holds what it held at the baseline. */
    private static boolean unchanged(Kernel kernel, Baseline baseline, Domain canary) {
        long base = canary.segment().base();
        int size = (int) canary.segment().size();
        return baseline.canarySegment == null
                ? baseline.snapshot.matches(kernel.memory(), base, size)
                : baseline.canarySegment.length == size && kernel.memory().mismatch(base, baseline.canarySegment, 0, size) < 0;
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
        if (!unchanged(kernel, baseline, canary)) {
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
            long offset = a - canary.segment().base();
            boolean same = baseline.canarySegment == null ? baseline.snapshot.matches(memory, a, PhysicalMemory.PAGE_SIZE)
                    : memory.mismatch(a, baseline.canarySegment, (int) offset, PhysicalMemory.PAGE_SIZE) < 0;
            if (!same) {
                return a;
            }
        }
        return canary.segment().base();
    }
}
