package testbed.sfi.verify;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import testbed.kernel.Segment;
import testbed.sfi.MemoryAccess;

/**
 * Re-checks a {@link Proof} against the class bytes before the rewrite relies on it, in the
 * spirit of proof-carrying code (Necula and Lee 1996): the analysis that found the proof may be
 * clever and wrong, the checker is one pass and simple. It reads the class itself, starts every
 * method in the state its entry checks guarantee, walks each instruction once with the shared
 * {@link Transfer} rules, and requires that every state reaching a jump or handler target lies
 * within the state the proof gives there, that every return lies within the claimed range, that
 * the intervals it computes itself put each claimed access inside the segment, and that each
 * claimed counted loop has the counted shape ({@link Loops#holds}). No fixpoint, no widening.
 */
public final class ProofChecker {

    private ProofChecker() {
    }

    /**
     * Accepts {@code proof} for {@code classBytes} in {@code segment}, or throws.
     *
     * @throws ProofRefused naming the method, the instruction and the claim that does not hold
     */
    public static void check(byte[] classBytes, Segment segment, Proof proof) {
        if (proof.base() != segment.base() || proof.size() != segment.size()) {
            throw new ProofRefused("the proof is for segment [0x" + Long.toHexString(proof.base()) + ", +0x"
                    + Long.toHexString(proof.size()) + "), not " + segment);
        }
        ClassShape shape = ClassShape.read(classBytes);
        for (Map.Entry<String, Proof.MethodProof> e : proof.methods().entrySet()) {
            Code code = shape.methods.get(e.getKey());
            if (code == null) {
                throw new ProofRefused(e.getKey() + ": no such method with code in " + shape.name);
            }
            new MethodCheck(shape, code, e.getValue(), proof).run();
        }
    }

    private static final class MethodCheck implements Transfer.Observer, Transfer.Env {
        private final ClassShape shape;
        private final Code code;
        private final Proof.MethodProof claim;
        private final Proof proof;
        private final Set<Integer> confirmed = new HashSet<>();
        private int at;

        MethodCheck(ClassShape shape, Code code, Proof.MethodProof claim, Proof proof) {
            this.shape = shape;
            this.code = code;
            this.claim = claim;
            this.proof = proof;
        }

        void run() {
            Interval[] ranges = new Interval[Math.max(code.maxLocals, 1)];
            claim.entry().forEach((slot, r) -> {
                if (slot < 0 || slot >= ranges.length) {
                    refuse("entry range for local " + slot + " outside the method's locals");
                }
                ranges[slot] = r;
            });
            boolean[] join = code.joinPoints();
            State state = Transfer.entry(code, ranges);
            for (at = 0; at < code.size(); at++) {
                if (join[at]) {
                    State stated = claim.annotations().get(at);
                    if (state != null) {
                        within(state, at);
                    }
                    state = stated;
                }
                if (state == null) {
                    continue; // unreachable: no edge reaches it, as every reached target is checked
                }
                for (Code.Handler h : code.handlers) {
                    if (at >= h.start() && at < h.end()) {
                        within(state.caught(), h.handler());
                    }
                }
                List<Transfer.Edge> edges = Transfer.step(code, at, state, this, this);
                state = null;
                for (Transfer.Edge edge : edges) {
                    if (edge.target() >= code.size()) {
                        refuse("control falls off the end of the code");
                    }
                    if (edge.target() == at + 1 && !join[at + 1]) {
                        state = edge.state();
                    } else {
                        within(edge.state(), edge.target());
                    }
                }
            }
            for (Proof.Fact f : claim.facts()) {
                if (!confirmed.contains(f.index())) {
                    at = f.index();
                    refuse("claims a proven " + f.access() + " where the checker reaches no such access");
                }
            }
            for (Proof.CountedLoop loop : claim.loops()) {
                at = loop.header();
                if (!Loops.holds(code, loop, claim.annotations().get(loop.header()))) {
                    refuse("claims a counted loop to @" + loop.latch() + " that does not have the counted shape");
                }
            }
        }

        private void within(State s, int target) {
            State stated = claim.annotations().get(target);
            if (stated == null) {
                refuse("reaches @" + target + ", for which the proof states no state");
            }
            if (!s.within(stated)) {
                refuse("the state reaching @" + target + " (" + s + ") is not within the stated " + stated);
            }
        }

        @Override
        public void access(int index, MemoryAccess access, Interval address, Interval source, Interval length) {
            Proof.Fact f = claim.factAt(index);
            if (f == null) {
                return; // guarded: nothing to check
            }
            if (!f.access().equals(access.method)) {
                refuse("claims " + f.access() + " where the code has " + access.method);
            }
            long lo = proof.base();
            long end = lo + proof.size();
            boolean inside;
            if (access == MemoryAccess.COPY) {
                long n = length.hi();
                inside = length.lo() >= 0 && n <= proof.size()
                        && address.lo() >= lo && address.hi() <= end - n && source.lo() >= lo && source.hi() <= end - n;
            } else {
                inside = address.lo() >= lo && address.hi() <= end - access.width;
            }
            if (!inside) {
                refuse(access.method + " at " + address + (length == null ? "" : " length " + length)
                        + " is not inside the segment [0x" + Long.toHexString(lo) + ", 0x" + Long.toHexString(end) + ")");
            }
            confirmed.add(index);
        }

        @Override
        public void call(int index, Code.Insn insn, List<Value> arguments) {
            // Nothing to check: a callee's entry ranges are enforced by its own entry checks.
        }

        @Override
        public void returned(int index, Value value) {
            Interval claimed = claim.returns();
            if (claimed != null && (value == null || !value.isNumber() || !value.range().within(claimed))) {
                refuse("returns " + value + ", not within the claimed " + claimed);
            }
        }

        @Override
        public long base() {
            return proof.base();
        }

        @Override
        public long size() {
            return proof.size();
        }

        @Override
        public String className() {
            return shape.name;
        }

        @Override
        public Interval returns(String owner, String name, String descriptor, int opcode) {
            if (!shape.callsOwn(owner, name, descriptor, opcode)) {
                return null;
            }
            Proof.MethodProof callee = proof.method(name + descriptor);
            return callee == null ? null : callee.returns();
        }

        private void refuse(String why) {
            throw new ProofRefused(shape.name.replace('/', '.') + "." + code.name + "@" + at + ": " + why);
        }
    }
}
