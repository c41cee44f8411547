package testbed.faults.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import testbed.program.Op;
import testbed.program.Program;

/**
 * Delta debugging over the intermediate form: turns a failing program into a small one that
 * still fails the same way. Every candidate is a valid program (registers start at zero, so
 * dropping the op that set one leaves a defined value), so the shrinker never needs to repair
 * what it cut; whether a candidate "fails the same way" is the caller's predicate.
 *
 * <p>The passes, repeated until none makes progress: drop chunks of operations (halves, then
 * quarters, down to single ones) at every nesting level; replace a loop, conditional or handler
 * by its body; lower loop trip counts; simplify constants toward zero and toward round values.
 * Greedy: the first smaller candidate that still fails is kept.
 */
public final class Shrinker {
    private final Predicate<Program> stillFails;
    private final int maxTests;
    private int tests;

    /**
     * @param stillFails whether a candidate fails the same way as the original
     * @param maxTests how many candidates to try at most; shrinking stops there with the best so far
     */
    public Shrinker(Predicate<Program> stillFails, int maxTests) {
        this.stillFails = stillFails;
        this.maxTests = maxTests;
    }

    /** How many candidates the last {@link #shrink} tried. */
    public int tests() {
        return tests;
    }

    /** The smallest failing program found from {@code failing}, which must itself fail. */
    public Program shrink(Program failing) {
        tests = 0;
        List<Op> best = failing.body();
        boolean progress = true;
        while (progress && tests < maxTests) {
            progress = false;
            for (List<Op> candidate : candidates(best)) {
                if (tests >= maxTests) {
                    break;
                }
                tests++;
                if (stillFails.test(new Program(failing.name(), candidate))) {
                    best = candidate;
                    progress = true;
                    break;
                }
            }
        }
        return new Program(failing.name(), best);
    }

    /** Candidates in the order worth trying: big cuts first, then structure, then values. */
    static List<List<Op>> candidates(List<Op> ops) {
        List<List<Op>> out = new ArrayList<>();
        removals(ops, out);
        for (int i = 0; i < ops.size(); i++) {
            for (List<Op> replacement : simpler(ops.get(i))) {
                List<Op> c = new ArrayList<>(ops.subList(0, i));
                c.addAll(replacement);
                c.addAll(ops.subList(i + 1, ops.size()));
                out.add(c);
            }
        }
        return out;
    }

    private static void removals(List<Op> ops, List<List<Op>> out) {
        for (int chunk = Math.max(1, ops.size() / 2); chunk >= 1; chunk /= 2) {
            for (int start = 0; start < ops.size(); start += chunk) {
                List<Op> c = new ArrayList<>(ops.subList(0, start));
                c.addAll(ops.subList(Math.min(ops.size(), start + chunk), ops.size()));
                out.add(c);
            }
            if (chunk == 1) {
                break;
            }
        }
    }

    /** Replacements for one operation, each a list of operations that is simpler. */
    private static List<List<Op>> simpler(Op op) {
        List<List<Op>> out = new ArrayList<>();
        if (op instanceof Op.Loop loop) {
            out.add(loop.body());
            if (loop.tripsRegister() >= 0 || loop.trips() == Op.Loop.UNBOUNDED || loop.trips() > 1) {
                out.add(List.of(new Op.Loop(1, -1, loop.body())));
            }
            if (loop.tripsRegister() < 0 && loop.trips() > 2) {
                out.add(List.of(new Op.Loop(loop.trips() / 2, -1, loop.body())));
            }
            for (List<Op> body : candidates(loop.body())) {
                out.add(List.of(new Op.Loop(loop.trips(), loop.tripsRegister(), body)));
            }
        } else if (op instanceof Op.If branch) {
            out.add(branch.then());
            for (List<Op> then : candidates(branch.then())) {
                out.add(List.of(new Op.If(branch.a(), branch.cmp(), branch.b(), then)));
            }
        } else if (op instanceof Op.Try handled) {
            out.add(handled.body());
            out.add(handled.handler());
            for (List<Op> body : candidates(handled.body())) {
                out.add(List.of(new Op.Try(body, handled.caught(), handled.handler())));
            }
            for (List<Op> handler : candidates(handled.handler())) {
                out.add(List.of(new Op.Try(handled.body(), handled.caught(), handler)));
            }
        } else if (op instanceof Op.Const constant) {
            for (long v : simplerValues(constant.value())) {
                out.add(List.of(new Op.Const(constant.dst(), v)));
            }
        }
        return out;
    }

    /**
     * Smaller or rounder values: zero, one, half the value, and the value with its lowest set bit
     * cleared (which keeps an address's high bits, the part that says where it points, while
     * rounding it down toward a page or segment boundary).
     */
    static List<Long> simplerValues(long v) {
        List<Long> out = new ArrayList<>();
        if (v != 0) {
            out.add(0L);
        }
        if (v != 1 && v != 0) {
            out.add(1L);
        }
        long half = v / 2;
        if (half != 0 && half != 1 && half != v) {
            out.add(half);
        }
        long rounded = v & (v - 1);
        if (rounded != 0 && rounded != v && rounded != half) {
            out.add(rounded);
        }
        return out;
    }
}
