package testbed.sfi.verify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import testbed.kernel.Domain;
import testbed.kernel.Segment;
import testbed.kernel.api.Hook;
import testbed.sfi.MemoryAccess;

/**
 * The static analysis of {@code VERIFIED}: abstract interpretation of an extension class's
 * bytecode over intervals (addresses, lengths, loop counters), which proves individual
 * {@code Memory} accesses inside the segment and writes what it found as a {@link Proof}.
 *
 * <p>Per method it iterates to a fixpoint with widening at loop heads, then narrows with a few
 * descending passes. Across methods it computes the ranges a private method's numeric arguments
 * take at its call sites and what each method returns, and the entry ranges of the hook methods
 * from the kernel's contract as the hook table states it ({@link Hook.Method#windowBound()}: a packet, a block of file data or the eviction candidates in the
 * segment, at most two windows before its end, with their lengths at most a window's; the kernel
 * passes the window at the base). The rewrite checks every entry range it
 * relies on when the method is entered, so a caller that breaks the contract traps instead of
 * invalidating the proof. The analysis is untrusted: the {@link ProofChecker} re-checks all of
 * it before any guard is removed.
 */
public final class Analysis {
    private static final int MAX_PASSES = 200;
    private static final int WIDEN_AFTER = 2;
    private static final int NARROWING_PASSES = 3;
    private static final int MAX_ROUNDS = 8;

    private final ClassShape shape;
    private final long base;
    private final long size;

    private Analysis(ClassShape shape, Segment segment) {
        this.shape = shape;
        this.base = segment.base();
        this.size = segment.size();
    }

    /** Proves what it can of {@code classBytes} for {@code segment}; never refuses a class. */
    public static Proof prove(byte[] classBytes, Segment segment) {
        return new Analysis(ClassShape.read(classBytes), segment).run();
    }

    /** One method analysed: its states and what its final pass observed. */
    private record Result(State[] states, List<Proof.Fact> facts, List<Proof.Unproven> unproven, int accesses,
            Map<String, List<Interval[]>> calls, Interval returns) {
    }

    private Proof run() {
        Set<String> open = openMethods();
        Map<String, Interval[]> entry = new LinkedHashMap<>();
        for (Map.Entry<String, Code> m : shape.methods.entrySet()) {
            if (open.contains(m.getKey())) {
                entry.put(m.getKey(), contract(m.getValue()));
            }
        }
        Map<String, Interval> claimed = new HashMap<>();
        Map<String, String> failures = new HashMap<>();
        Map<String, Analysed> analysed = new HashMap<>();
        for (int round = 1; round <= MAX_ROUNDS; round++) {
            Map<String, Result> results = new LinkedHashMap<>();
            for (Map.Entry<String, Interval[]> e : entry.entrySet()) {
                Code code = shape.methods.get(e.getKey());
                Map<String, Interval> reads = claimsRead(code, claimed);
                Analysed before = analysed.get(e.getKey());
                if (before != null && Arrays.equals(before.entry(), e.getValue()) && before.claims().equals(reads)) {
                    // What the method's analysis reads is unchanged: so is its result (most rounds after
                    // the first only check that the claimed returns hold).
                    results.put(e.getKey(), before.result());
                    if (before.failure() != null) {
                        failures.put(e.getKey(), before.failure());
                    }
                    continue;
                }
                Result result = null;
                String failure = null;
                try {
                    result = analyse(code, e.getValue(), claimed);
                } catch (RuntimeException failed) { // Unprovable, or code it cannot follow: that method proves nothing
                    failure = failed instanceof Unprovable ? failed.getMessage() : "code it does not model (" + failed + ")";
                    failures.put(e.getKey(), failure);
                }
                results.put(e.getKey(), result);
                analysed.put(e.getKey(), new Analysed(e.getValue().clone(), reads, result, failure));
            }
            Map<String, Interval[]> nextEntry = nextEntry(open, results, entry, round > 3);
            boolean consistent = true;
            Map<String, Interval> nextClaimed = new HashMap<>();
            for (Map.Entry<String, Result> r : results.entrySet()) {
                Interval returned = r.getValue() == null ? null : r.getValue().returns();
                Interval before = claimed.get(r.getKey());
                // Claimed and returned agree: every claim holds, and no proven range is left unused.
                consistent &= before == null ? returned == null : returned != null && returned.within(before);
                if (returned != null) {
                    nextClaimed.put(r.getKey(), returned);
                }
            }
            if (consistent && sameEntries(nextEntry, entry)) {
                return proof(results, entry, claimed, failures);
            }
            entry = nextEntry;
            claimed = nextClaimed;
        }
        Map<String, String> unfollowed = new LinkedHashMap<>();
        shape.methods.keySet().forEach(key -> unfollowed.put(key, "the class's ranges did not settle in " + MAX_ROUNDS + " rounds"));
        return Proof.empty(base, size, shape.methods.values().stream().mapToInt(Analysis::accessesOf).sum(), unfollowed);
    }

    /** A method's analysis in one round, with what it read: its entry ranges and the claimed returns of the methods it calls. */
    private record Analysed(Interval[] entry, Map<String, Interval> claims, Result result, String failure) {
    }

    /** The claimed returns {@code code}'s calls of this class's own methods read, null where none is claimed. */
    private Map<String, Interval> claimsRead(Code code, Map<String, Interval> claimed) {
        Map<String, Interval> reads = new HashMap<>();
        for (Code.Insn insn : code.insns) {
            if (insn.opcode() >= Opcodes.INVOKEVIRTUAL && insn.opcode() <= Opcodes.INVOKEINTERFACE
                    && shape.callsOwn(insn.owner(), insn.name(), insn.descriptor(), insn.opcode())) {
                reads.put(insn.name() + insn.descriptor(), claimed.get(insn.name() + insn.descriptor()));
            }
        }
        return reads;
    }

    /** Methods any caller can reach: all but private ones called only from this class's own code. */
    private Set<String> openMethods() {
        Set<String> open = new HashSet<>();
        Set<String> foreign = new HashSet<>();
        for (Code code : shape.methods.values()) {
            for (Code.Insn insn : code.insns) {
                if (insn.opcode() >= Opcodes.INVOKEVIRTUAL && insn.opcode() <= Opcodes.INVOKEINTERFACE && !shape.name.equals(insn.owner())) {
                    foreign.add(insn.name() + insn.descriptor());
                }
            }
            for (Handle h : code.handles) {
                foreign.add(h.getName() + h.getDesc());
            }
        }
        shape.methods.forEach((key, code) -> {
            if ((code.access & Opcodes.ACC_PRIVATE) == 0 || foreign.contains(key)) {
                open.add(key);
            }
        });
        return open;
    }

    /**
     * The entry ranges a method may assume before any call site is seen: the kernel's contract
     * for a hook method, nothing for any other open method; null (unreached) for a private one.
     */
    private Interval[] contract(Code code) {
        Interval[] ranges = new Interval[code.maxLocals];
        OptionalInt bound = code.isStatic() ? OptionalInt.empty() : windowBound(code);
        if (bound.isEmpty()) {
            return ranges;
        }
        long count = bound.getAsInt();
        // The kernel passes the window at the segment's base (Domain.window()); any caller may pass
        // data anywhere in the segment up to two windows before its end. Only arguments the method
        // reads are assumed (and checked at entry), so an unused one can be anything.
        if (reads(code, 2)) {
            ranges[2] = new Interval(base, Math.max(base, base + size - 2L * Domain.WINDOW_SIZE));
        }
        if (reads(code, 4)) {
            ranges[4] = new Interval(0, count);
        }
        return ranges;
    }

    /** The hook table's bound on the count {@code code} is given, if it implements a hook method given a window. */
    private OptionalInt windowBound(Code code) {
        for (Hook h : Hook.values()) {
            if (shape.implementsType(h.internalName())) {
                for (Hook.Method m : h.methods()) {
                    if (m.name().equals(code.name) && m.descriptor().equals(code.descriptor) && m.windowBound().isPresent()) {
                        return m.windowBound();
                    }
                }
            }
        }
        return OptionalInt.empty();
    }

    private static boolean reads(Code code, int slot) {
        for (Code.Insn insn : code.insns) {
            if (insn.opcode() >= Opcodes.ILOAD && insn.opcode() <= Opcodes.ALOAD && insn.operand() == slot) {
                return true;
            }
        }
        return false;
    }

    private Map<String, Interval[]> nextEntry(Set<String> open, Map<String, Result> results, Map<String, Interval[]> entry,
            boolean widen) {
        Map<String, Interval[]> next = new LinkedHashMap<>();
        for (Map.Entry<String, Interval[]> e : entry.entrySet()) {
            next.put(e.getKey(), e.getValue().clone());
        }
        for (Result r : results.values()) {
            if (r == null) {
                // A method the analysis could not follow may call anything with anything.
                shape.methods.forEach((key, code) -> next.put(key, new Interval[code.maxLocals]));
                return next;
            }
            r.calls().forEach((key, argumentLists) -> {
                for (Interval[] args : argumentLists) {
                    Interval[] old = next.get(key);
                    if (old == null) {
                        next.put(key, args.clone());
                    } else if (open.contains(key)) {
                        // An open method's callers include unseen ones: a call site only widens its contract.
                        for (int i = 0; i < old.length; i++) {
                            old[i] = old[i] == null || args[i] == null ? null : old[i].join(args[i]);
                        }
                    } else {
                        for (int i = 0; i < old.length; i++) {
                            Interval j = old[i] == null || args[i] == null ? null : old[i].join(args[i]);
                            old[i] = widen && j != null && !j.equals(old[i]) ? null : j;
                        }
                    }
                }
            });
        }
        return next;
    }

    private static boolean sameEntries(Map<String, Interval[]> a, Map<String, Interval[]> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<String, Interval[]> e : a.entrySet()) {
            if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private Result analyse(Code code, Interval[] entryRanges, Map<String, Interval> claimed) {
        Transfer.Env env = env(claimed);
        State entry = Transfer.entry(code, entryRanges);
        State[] states = linear(code, fixpoint(code, entry, env), entry, env);
        List<Proof.Fact> facts = new ArrayList<>();
        List<Proof.Unproven> unproven = new ArrayList<>();
        Map<String, List<Interval[]>> calls = new LinkedHashMap<>();
        Interval[] returns = new Interval[1];
        boolean[] reached = new boolean[code.size()];
        Transfer.Observer observer = new Transfer.Observer() {
            @Override
            public void access(int index, MemoryAccess access, Interval address, Interval source, Interval length) {
                reached[index] = true;
                String why = unsafe(access, address, source, length);
                if (why == null) {
                    facts.add(new Proof.Fact(index, access.method, address, source, length));
                } else {
                    unproven.add(new Proof.Unproven(index, access.method, why));
                }
            }

            @Override
            public void call(int index, Code.Insn insn, List<Value> arguments) {
                Code callee = shape.methods.get(insn.name() + insn.descriptor());
                if (callee == null) {
                    return;
                }
                Interval[] args = new Interval[callee.maxLocals];
                int slot = callee.isStatic() ? 0 : 1;
                for (Value v : arguments) {
                    if (v.isNumber() && slot < args.length) {
                        args[slot] = v.range();
                    }
                    slot += v.size();
                }
                calls.computeIfAbsent(insn.name() + insn.descriptor(), k -> new ArrayList<>()).add(args);
            }

            @Override
            public void returned(int index, Value value) {
                if (value != null && value.isNumber()) {
                    returns[0] = returns[0] == null ? value.range() : returns[0].join(value.range());
                }
            }
        };
        for (int i = 0; i < code.size(); i++) {
            if (states[i] != null) {
                Transfer.step(code, i, states[i], env, observer);
            }
        }
        for (int i = 0; i < code.size(); i++) {
            if (isAccess(code.at(i)) && !reached[i]) {
                unproven.add(new Proof.Unproven(i, code.at(i).name(), "unreachable as far as the analysis can tell"));
            }
        }
        int accesses = accessesOf(code);
        boolean numericReturn = "IJSBCZ".indexOf(Type.getReturnType(code.descriptor).getDescriptor().charAt(0)) >= 0;
        return new Result(states, facts, unproven, accesses, calls, numericReturn ? returns[0] : null);
    }

    private static boolean isAccess(Code.Insn insn) {
        return insn.opcode() == Opcodes.INVOKEINTERFACE && MemoryAccess.of(insn.owner(), insn.name(), insn.descriptor()) != null;
    }

    static int accessesOf(Code code) {
        int n = 0;
        for (Code.Insn insn : code.insns) {
            n += isAccess(insn) ? 1 : 0;
        }
        return n;
    }

    /**
     * Why an access may leave the segment, or null if its intervals keep it inside: every byte
     * from the lowest to the highest address plus its width (for {@code copy}, both ranges over the
     * largest length) lies in {@code [base, base + size)}.
     */
    private String unsafe(MemoryAccess access, Interval address, Interval source, Interval length) {
        long end = base + size;
        if (access == MemoryAccess.COPY) {
            if (length.lo() < 0 || length.hi() > size) {
                return "length " + length + " may be negative or larger than the segment";
            }
            if (address.lo() < base || address.hi() > end - length.hi()) {
                return "destination base+" + relative(address) + " with length " + length + " may leave the segment";
            }
            if (source.lo() < base || source.hi() > end - length.hi()) {
                return "source base+" + relative(source) + " with length " + length + " may leave the segment";
            }
            return null;
        }
        if (address.lo() < base || address.hi() > end - access.width) {
            return "address base+" + relative(address) + " (" + access.width + " bytes) may leave the segment";
        }
        return null;
    }

    private Interval relative(Interval absolute) {
        try {
            return new Interval(Math.subtractExact(absolute.lo(), base), Math.subtractExact(absolute.hi(), base));
        } catch (ArithmeticException e) {
            return Interval.LONG;
        }
    }

    private Transfer.Env env(Map<String, Interval> claimed) {
        return new Transfer.Env() {
            @Override
            public long base() {
                return base;
            }

            @Override
            public long size() {
                return size;
            }

            @Override
            public String className() {
                return shape.name;
            }

            @Override
            public Interval returns(String owner, String name, String descriptor, int opcode) {
                return shape.callsOwn(owner, name, descriptor, opcode) ? claimed.get(name + descriptor) : null;
            }
        };
    }

    /** Chaotic iteration in instruction order, widening on back-edges, then descending passes that narrow. */
    static State[] fixpoint(Code code, State entry, Transfer.Env env) {
        int n = code.size();
        long[] thresholds = thresholds(code, entry);
        State[] in = new State[n];
        in[0] = entry;
        int[] joins = new int[n];
        // Only instructions whose entry state changed since they were last stepped are stepped again.
        boolean[] dirty = new boolean[n];
        dirty[0] = true;
        boolean changed = true;
        for (int pass = 0; changed; pass++) {
            if (pass == MAX_PASSES) {
                throw new Unprovable("no fixpoint after " + MAX_PASSES + " passes");
            }
            changed = false;
            for (int i = 0; i < n; i++) {
                if (!dirty[i]) {
                    continue;
                }
                dirty[i] = false;
                for (Transfer.Edge e : successors(code, i, in[i], env)) {
                    State old = in[e.target()];
                    // Widening on back-edges only: a loop head's entry edge brings the outer loop's
                    // values, whose growth the outer head's own widening bounds.
                    boolean back = e.target() <= i;
                    State merged = old == null ? e.state() : old.join(e.state(), back && ++joins[e.target()] > WIDEN_AFTER ? thresholds : null);
                    if (!merged.equals(old)) {
                        in[e.target()] = merged;
                        dirty[e.target()] = true;
                        changed = true;
                    }
                }
            }
        }
        for (int pass = 0; pass < NARROWING_PASSES; pass++) {
            State[] next = new State[n];
            next[0] = entry;
            for (int i = 0; i < n; i++) {
                if (in[i] != null) {
                    for (Transfer.Edge e : successors(code, i, in[i], env)) {
                        State old = next[e.target()];
                        next[e.target()] = old == null ? e.state() : old.join(e.state());
                    }
                }
            }
            in = next;
        }
        return in;
    }

    /**
     * Where widening of an {@code int} stops first: the method's {@code int} constants, one either
     * side, and the entry ranges' bounds. A {@code long} (a sum, an address) widens to the end of
     * its type at once: its bounds come back from the branch conditions and narrowing.
     */
    private static long[] thresholds(Code code, State entry) {
        java.util.TreeSet<Long> t = new java.util.TreeSet<>();
        for (Code.Insn insn : code.insns) {
            Long c = null;
            int op = insn.opcode();
            if (op >= Opcodes.ICONST_M1 && op <= Opcodes.ICONST_5) {
                c = (long) (op - Opcodes.ICONST_0);
            } else if (op == Opcodes.BIPUSH || op == Opcodes.SIPUSH) {
                c = (long) insn.operand();
            } else if (op == Opcodes.LDC && insn.constant() instanceof Integer i) {
                c = (long) i;
            } else if (op == Opcodes.IINC) {
                c = (long) (Integer) insn.constant();
            }
            if (c != null) {
                t.add(c - 1);
                t.add(c);
                t.add(c + 1);
            }
        }
        for (Value v : entry.locals()) {
            if (v.kind() == Value.Kind.INT && v.range().hi() - v.range().lo() < (1L << 40)) {
                t.add(v.range().lo());
                t.add(v.range().hi());
            }
        }
        return t.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * The states the checker will see: those of the join points as the fixpoint left them, every
     * other one stepped from its predecessor. After narrowing, a join point can have become
     * unreachable while the instruction after it still holds an older state.
     */
    private static State[] linear(Code code, State[] fixpoint, State entry, Transfer.Env env) {
        boolean[] join = code.joinPoints();
        State[] out = new State[code.size()];
        State state = entry;
        for (int i = 0; i < code.size(); i++) {
            if (join[i]) {
                state = fixpoint[i];
            }
            out[i] = state;
            if (state == null) {
                continue;
            }
            State next = null;
            for (Transfer.Edge e : Transfer.step(code, i, state, env, Transfer.IGNORE)) {
                if (e.target() == i + 1) {
                    next = e.state();
                }
            }
            state = next;
        }
        return out;
    }

    /** Edges out of {@code i}, handler edges included. */
    static List<Transfer.Edge> successors(Code code, int i, State state, Transfer.Env env) {
        List<Transfer.Edge> edges = Transfer.step(code, i, state, env, Transfer.IGNORE);
        for (Transfer.Edge e : edges) {
            if (e.target() >= code.size()) {
                throw new Unprovable("control falls off the end of the code");
            }
        }
        for (Code.Handler h : code.handlers) {
            if (i >= h.start() && i < h.end()) {
                edges.add(new Transfer.Edge(h.handler(), state.caught()));
            }
        }
        return edges;
    }

    private Proof proof(Map<String, Result> results, Map<String, Interval[]> entry, Map<String, Interval> claimed,
            Map<String, String> failures) {
        Map<String, Proof.MethodProof> methods = new LinkedHashMap<>();
        Map<String, String> unfollowed = new LinkedHashMap<>();
        int[] elsewhere = new int[1];
        shape.methods.forEach((key, code) -> {
            if (results.get(key) == null) {
                elsewhere[0] += accessesOf(code);
                unfollowed.put(key, results.containsKey(key) ? failures.get(key)
                        : "no call site the analysis follows reaches it, so nothing is known of its arguments");
            }
        });
        results.forEach((key, r) -> {
            if (r == null) {
                return;
            }
            Code code = shape.methods.get(key);
            Map<Integer, Interval> ranges = new LinkedHashMap<>();
            Interval[] e = entry.get(key);
            for (int slot = 0; slot < e.length; slot++) {
                if (e[slot] != null) {
                    ranges.put(slot, e[slot]);
                }
            }
            Map<Integer, State> annotations = new LinkedHashMap<>();
            boolean[] join = code.joinPoints();
            for (int i = 0; i < code.size(); i++) {
                if (join[i] && r.states()[i] != null) {
                    annotations.put(i, r.states()[i]);
                }
            }
            methods.put(key, new Proof.MethodProof(code.name, code.descriptor, ranges, annotations, claimed.get(key),
                    List.copyOf(r.facts()), List.copyOf(r.unproven()), Loops.find(code, r.states()), r.accesses()));
        });
        return new Proof(base, size, methods, elsewhere[0], unfollowed);
    }
}
