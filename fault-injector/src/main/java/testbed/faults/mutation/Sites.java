package testbed.faults.mutation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import testbed.faults.Fault;

/**
 * The candidate sites of one kind in one class, and the cursor the kind's visitors report them to.
 *
 * <p>The counting pass numbers every candidate in visiting order and records, per method, the
 * first number, the count and the method's original {@code maxLocals}. The mutating pass visits
 * only the method that holds the chosen number, starting its numbering where the counting pass
 * did, so the visitor sees the same candidates in the same order and {@link #take} says yes
 * exactly once.
 */
final class Sites {
    /** Per method ordinal: number of its first candidate, its candidates, its original max locals. */
    private record MethodCensus(int first, int count, int maxLocals) {
    }

    private final long seed;
    private final List<MethodCensus> methods = new ArrayList<>();
    private final Set<String> methodNames = new HashSet<>();
    private int chosen = -1;
    private int next;
    private Mutant.Site hit;
    private int hitIndex = -1;

    String owner;
    boolean ownerIsInterface;

    // the method being visited
    int access;
    String method;
    String descriptor;
    /** Index of the current instruction in the method, as {@link Mutant.Site#instruction()} counts. */
    int index;
    private int methodFirst;
    private int maxLocals;

    Sites(long seed) {
        this.seed = seed;
    }

    /** Whether the counting pass found no candidate. */
    boolean none() {
        return next == 0;
    }

    /** Candidates the counting pass found. */
    int count() {
        return next;
    }

    /** Switches from counting to mutating the candidate the seed picks; returns its method's ordinal. */
    int choose() {
        chosen = Math.floorMod(Fault.draw(seed, 0), next);
        for (int m = 0; m < methods.size(); m++) {
            MethodCensus c = methods.get(m);
            if (chosen >= c.first && chosen < c.first + c.count) {
                return m;
            }
        }
        throw new IllegalStateException("site " + chosen + " is in no method");
    }

    /** Starts a method. During the mutating pass, {@code ordinal} must be the chosen method's. */
    void enterMethod(int ordinal, int methodAccess, String name, String methodDescriptor) {
        access = methodAccess;
        method = name;
        descriptor = methodDescriptor;
        index = 0;
        methodNames.add(name);
        if (chosen < 0) {
            methodFirst = next;
            maxLocals = 0;
        } else {
            MethodCensus c = methods.get(ordinal);
            next = c.first;
            maxLocals = c.maxLocals;
        }
    }

    /** Ends a method of the counting pass. */
    void exitMethod(int originalMaxLocals) {
        if (chosen < 0) {
            methods.add(new MethodCensus(methodFirst, next - methodFirst, originalMaxLocals));
        }
    }

    /** Records a method that has no code (abstract or native), so ordinals stay aligned. */
    void skipMethod(String name) {
        methodNames.add(name);
        if (chosen < 0) {
            methods.add(new MethodCensus(next, 0, 0));
        }
    }

    /**
     * Reports a candidate at the current instruction.
     *
     * @return whether this is the chosen site: the caller then emits the mutation and describes it
     *     with {@link #changed}
     */
    boolean take() {
        if (next++ != chosen) {
            return false;
        }
        hitIndex = index;
        return true;
    }

    /** Describes the mutation just made at the chosen site, e.g. {@code IF_ICMPGE -> IF_ICMPGT}. */
    void changed(String change) {
        hit = new Mutant.Site(method, descriptor, hitIndex, change);
    }

    /** The chosen site, once the mutating pass has reached and described it. */
    Mutant.Site hit() {
        if (hit == null) {
            throw new IllegalStateException("the mutating pass " + (hitIndex < 0 ? "never reached site " + chosen
                    : "did not describe the mutation at " + method + "@" + hitIndex));
        }
        return hit;
    }

    /** The first local slot the original method never uses: free for a mutation's temporaries. */
    int freeLocal() {
        return maxLocals;
    }

    /** Value number {@code stream} (1 or more: stream 0 chose the site) of the trial's seed. */
    long draw(int stream) {
        return Fault.draw(seed, stream);
    }

    /** A method name the class does not have yet, starting from {@code base}. */
    String freshMethodName(String base) {
        String name = base;
        while (methodNames.contains(name)) {
            name += "$";
        }
        return name;
    }
}
