package testbed.kernel.oracle;

import java.util.List;
import testbed.kernel.Domain;
import testbed.kernel.Kernel;
import testbed.kernel.PhysicalMemory;

/**
 * Reads the write monitor: every page a domain stored to, or loaded from, outside its own
 * segment. This depends on nothing but physical memory's own bookkeeping, so it holds whatever
 * protection mode ran the extension.
 */
final class MonitorCheck {
    private MonitorCheck() {
    }

    static void check(Kernel kernel, Baseline baseline, int[] touched, List<Violation> out) {
        PhysicalMemory memory = kernel.memory();
        for (int page : touched) {
            report(kernel, baseline, page, memory.writersOf(page) & ~1L, true, memory.firstForeignStore(page), out);
            report(kernel, baseline, page, memory.readersOf(page) & ~1L, false, memory.firstForeignLoad(page), out);
        }
    }

    private static void report(Kernel kernel, Baseline baseline, int page, long principals, boolean store, long first,
                               List<Violation> out) {
        while (principals != 0) {
            int id = Long.numberOfTrailingZeros(principals);
            principals &= principals - 1;
            Domain d = baseline.domain(kernel, id);
            if (d != null && ownsPage(d, page)) {
                continue;
            }
            long address = first >= 0 ? first : (long) page << PhysicalMemory.PAGE_SHIFT;
            String place = kernel.placeOf(address);
            String who = d == null ? "principal " + id + " (no such domain)" : "domain " + id + " (" + d.name() + ") with segment " + d.segment();
            out.add(Violation.at(store ? Violation.Kind.WILD_STORE : Violation.Kind.WILD_LOAD, address, place, id,
                    who + (store ? " stored to " : " loaded from ") + "page " + page + " of " + place));
        }
    }

    static boolean ownsPage(Domain d, int page) {
        return d.segment().contains((long) page << PhysicalMemory.PAGE_SHIFT, PhysicalMemory.PAGE_SIZE);
    }
}
