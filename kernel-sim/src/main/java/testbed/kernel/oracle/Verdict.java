package testbed.kernel.oracle;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The oracle's judgement of one trial: every violation it found, none if the kernel came through clean. */
public final class Verdict {
    private final List<Violation> violations;
    private final int pagesTouched;
    private final int pagesChecked;

    /** A verdict of the given violations; for judges that wrap the oracle (a trial whose kernel could not be inspected at all). */
    public Verdict(List<Violation> violations, int pagesTouched, int pagesChecked) {
        this.violations = List.copyOf(violations);
        this.pagesTouched = pagesTouched;
        this.pagesChecked = pagesChecked;
    }

    /** Everything found, in the order the checks ran (monitor, integrity, fsck, data, canary, liveness). */
    public List<Violation> violations() {
        return violations;
    }

    /** No violation at all. */
    public boolean isClean() {
        return violations.isEmpty();
    }

    /** No damage: at most wild loads. */
    public boolean isIntact() {
        return violations.stream().noneMatch(v -> v.kind().isDamage());
    }

    /** The violations of one kind. */
    public List<Violation> of(Violation.Kind kind) {
        return violations.stream().filter(v -> v.kind() == kind).toList();
    }

    public boolean has(Violation.Kind kind) {
        return violations.stream().anyMatch(v -> v.kind() == kind);
    }

    /** The kinds present. */
    public Set<Violation.Kind> kinds() {
        Set<Violation.Kind> kinds = EnumSet.noneOf(Violation.Kind.class);
        violations.forEach(v -> kinds.add(v.kind()));
        return kinds;
    }

    /** Pages the write monitor saw touched during the trial (setup included). */
    public int pagesTouched() {
        return pagesTouched;
    }

    /** Pages whose checksum the integrity check compared. */
    public int pagesChecked() {
        return pagesChecked;
    }

    @Override
    public String toString() {
        if (violations.isEmpty()) {
            return "clean (" + pagesTouched + " pages touched, " + pagesChecked + " checked)";
        }
        StringBuilder sb = new StringBuilder(violations.size() + " violation(s):");
        for (Violation v : violations) {
            sb.append(System.lineSeparator()).append("  ").append(v);
        }
        return sb.toString();
    }
}
