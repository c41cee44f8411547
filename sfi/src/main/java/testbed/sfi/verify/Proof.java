package testbed.sfi.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the {@link Analysis} claims about one extension class for one segment, in a form the
 * {@link ProofChecker} can re-check in one pass: per method, the ranges its numeric arguments are
 * checked against at entry, the abstract state at every jump and handler target (the loop
 * invariants), what it returns, the fact that makes each proven {@code Memory} access safe, and
 * the counted loops whose fuel is charged once at entry. The rewrite leaves exactly the accesses
 * named by {@link MethodProof#facts()} unguarded, and only after the checker accepted the proof.
 *
 * @param base the segment's base the intervals are absolute to
 * @param size the segment's size
 * @param methods {@code name + descriptor} to the method's proof
 * @param accessesElsewhere {@code Memory} accesses in the methods the proof does not cover (all guarded)
 * @param unfollowed {@code name + descriptor} of each method with code the proof does not cover, to why
 *     the analysis proves nothing there
 */
public record Proof(long base, long size, Map<String, MethodProof> methods, int accessesElsewhere, Map<String, String> unfollowed) {

    /** A proof that says nothing of why the methods it does not cover are not covered. */
    public Proof(long base, long size, Map<String, MethodProof> methods, int accessesElsewhere) {
        this(base, size, methods, accessesElsewhere, Map.of());
    }

    /**
     * Why one access is safe: its address interval (for {@code copy}, destination, source and
     * length) lies inside the segment.
     */
    public record Fact(int index, String access, Interval address, Interval source, Interval length) {
    }

    /** An access the analysis could not prove, and why; it keeps its run-time guard. */
    public record Unproven(int index, String access, String reason) {
    }

    /**
     * A loop entered at {@code header}, closed by the {@code goto} at {@code latch}, whose counter
     * (local {@code counter}, changed only by {@code iinc counter step} right before the latch) is
     * compared with {@code bound} (local {@code boundSlot} unchanged in the loop, or the constant
     * {@code boundConstant} when {@code boundSlot} is -1) by the header's test: its back-edges are
     * counted from the two values at entry and charged there at once.
     *
     * @param cond the condition under which the loop goes on ({@link Refine} numbering: 2 {@code <},
     *     3 {@code >=}, 4 {@code >}, 5 {@code <=})
     */
    public record CountedLoop(int header, int latch, int counter, int step, int cond, int boundSlot, long boundConstant) {
        /** The loop of {@code loops} whose header is {@code header}, or null. */
        public static CountedLoop headedAt(List<CountedLoop> loops, int header) {
            for (CountedLoop l : loops) {
                if (l.header() == header) {
                    return l;
                }
            }
            return null;
        }

        /** The loop of {@code loops} closed at {@code latch}, or null. */
        public static CountedLoop closedAt(List<CountedLoop> loops, int latch) {
            for (CountedLoop l : loops) {
                if (l.latch() == latch) {
                    return l;
                }
            }
            return null;
        }
    }

    /**
     * One method's part of the proof.
     *
     * @param entry argument slot to the range it is checked against at entry
     * @param annotations instruction index to the state there (every reachable jump and handler target)
     * @param returns the range of what it returns, or null if nothing is claimed
     * @param accesses how many {@code Memory} accesses the method makes
     */
    public record MethodProof(String name, String descriptor, Map<Integer, Interval> entry, Map<Integer, State> annotations,
            Interval returns, List<Fact> facts, List<Unproven> unproven, List<CountedLoop> loops, int accesses) {

        /** The fact for the access at {@code index}, or null if it keeps its guard. */
        public Fact factAt(int index) {
            for (Fact f : facts) {
                if (f.index() == index) {
                    return f;
                }
            }
            return null;
        }

        /** The counted loop closed at {@code latch}, or null. */
        public CountedLoop loopClosedAt(int latch) {
            return CountedLoop.closedAt(loops, latch);
        }

        /** The counted loop whose header is {@code header}, or null. */
        public CountedLoop loopAt(int header) {
            return CountedLoop.headedAt(loops, header);
        }
    }

    /** A proof of nothing: every one of the class's {@code accesses} keeps its guard; {@code unfollowed} says why. */
    static Proof empty(long base, long size, int accesses, Map<String, String> unfollowed) {
        return new Proof(base, size, Map.of(), accesses, unfollowed);
    }

    /** The proof of {@code name + descriptor}, or null. */
    public MethodProof method(String nameAndDescriptor) {
        return methods.get(nameAndDescriptor);
    }

    /** {@code Memory} accesses in the whole class. */
    public int accesses() {
        return methods.values().stream().mapToInt(MethodProof::accesses).sum() + accessesElsewhere;
    }

    /** Accesses proven inside the segment: the guards the rewrite removes. */
    public int proven() {
        return methods.values().stream().mapToInt(m -> m.facts().size()).sum();
    }

    /** Counted loops charged once at entry. */
    public int countedLoops() {
        return methods.values().stream().mapToInt(m -> m.loops().size()).sum();
    }

    /** The proof as text: one line per entry range, proven fact, unproven access and counted loop, offsets from the base. */
    public List<String> render() {
        List<String> lines = new ArrayList<>();
        for (MethodProof m : methods.values()) {
            String where = m.name() + m.descriptor();
            m.entry().forEach((slot, r) -> lines.add(where + " entry: local " + slot + " in " + r));
            for (Fact f : m.facts()) {
                lines.add(where + "@" + f.index() + " " + f.access() + ": address base+" + relative(f.address())
                        + (f.length() == null ? "" : ", source base+" + relative(f.source()) + ", length " + f.length())
                        + " inside [base, base+" + size + ")");
            }
            for (Unproven u : m.unproven()) {
                lines.add(where + "@" + u.index() + " " + u.access() + ": guarded: " + u.reason());
            }
            for (CountedLoop l : m.loops()) {
                lines.add(where + "@" + l.header() + " counted loop to @" + l.latch() + ": local " + l.counter() + " step " + l.step()
                        + " against " + (l.boundSlot() < 0 ? "constant " + l.boundConstant() : "local " + l.boundSlot()));
            }
        }
        return lines;
    }

    private Interval relative(Interval absolute) {
        return new Interval(absolute.lo() - base, absolute.hi() - base);
    }
}
