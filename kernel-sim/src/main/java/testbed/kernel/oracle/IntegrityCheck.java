package testbed.kernel.oracle;

import java.util.List;
import testbed.kernel.Kernel;
import testbed.kernel.PhysicalMemory;

/**
 * Compares page checksums with the base snapshot's, for pages nobody may have changed: pages
 * only loaded during the trial, and untouched pages (a rotating sample per trial, or all of them
 * when thorough). A difference there means memory changed behind the monitor's back, e.g.
 * through reflection in an unprotected extension. Pages the kernel or their owner legitimately
 * stored to are not compared; stores by anyone else are the monitor check's findings.
 */
final class IntegrityCheck {
    private final boolean thorough;
    private final int samplePages;
    private int cursor;

    IntegrityCheck(boolean thorough, int samplePages) {
        this.thorough = thorough;
        this.samplePages = samplePages;
    }

    /** @return the number of pages compared */
    int check(Kernel kernel, Baseline baseline, int[] touched, List<Violation> out) {
        PhysicalMemory memory = kernel.memory();
        int checked = 0;
        for (int page : touched) {
            if (memory.writersOf(page) == 0) {
                checked++;
                compare(kernel, baseline, page, "was only read", out);
            }
        }
        int pages = memory.pages();
        if (thorough) {
            for (int page = 0; page < pages; page++) {
                if (!memory.isTouched(page)) {
                    checked++;
                    compare(kernel, baseline, page, "was not touched", out);
                }
            }
        } else {
            for (int k = 0; k < samplePages; k++) {
                int page = cursor;
                cursor = (cursor + 1) % pages;
                if (!memory.isTouched(page)) {
                    checked++;
                    compare(kernel, baseline, page, "was not touched", out);
                }
            }
        }
        return checked;
    }

    private static void compare(Kernel kernel, Baseline baseline, int page, String why, List<Violation> out) {
        long address = (long) page << PhysicalMemory.PAGE_SHIFT;
        if (!baseline.snapshot.matches(kernel.memory(), address, PhysicalMemory.PAGE_SIZE)) {
            String place = kernel.placeOf(address);
            out.add(Violation.at(Violation.Kind.CORRUPTED_PAGE, address, place, -1,
                    "page " + page + " of " + place + " changed though it " + why + " by the monitor's record"));
        }
    }
}
