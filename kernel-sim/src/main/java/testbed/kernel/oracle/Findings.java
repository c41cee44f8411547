package testbed.kernel.oracle;

import java.util.List;
import testbed.kernel.Region;

/** The fsck's findings for one structure: the first {@link StructureCheck#PER_STRUCTURE}, then a count of the rest. */
final class Findings {
    private final List<Violation> out;
    private final Region region;
    private int count;

    Findings(List<Violation> out, Region region) {
        this.out = out;
        this.region = region;
    }

    void add(Violation.Kind kind, long address, int domain, String detail) {
        if (++count <= StructureCheck.PER_STRUCTURE) {
            out.add(Violation.at(kind, address, region.name(), domain, detail));
        }
    }

    void inconsistent(long address, String detail) {
        add(Violation.Kind.INCONSISTENT_STRUCTURE, address, -1, detail);
    }

    void close() {
        if (count > StructureCheck.PER_STRUCTURE) {
            out.add(Violation.of(Violation.Kind.INCONSISTENT_STRUCTURE, region.name(), -1,
                    (count - StructureCheck.PER_STRUCTURE) + " more findings in " + region.name() + " not listed"));
        }
    }
}
