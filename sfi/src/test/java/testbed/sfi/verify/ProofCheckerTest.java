package testbed.sfi.verify;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static testbed.sfi.verify.AnalysisTest.SEGMENT;
import static testbed.sfi.verify.AnalysisTest.bytesOf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import testbed.kernel.Segment;

/** The checker accepts the analysis's proofs and refuses every kind of wrong one planted in them. */
class ProofCheckerTest {
    private static final String FILTER = "filter(Ltestbed/kernel/api/Context;JI)I";

    private static Proof change(Proof proof, String method, UnaryOperator<Proof.MethodProof> edit) {
        Map<String, Proof.MethodProof> methods = new LinkedHashMap<>(proof.methods());
        methods.put(method, edit.apply(methods.get(method)));
        return new Proof(proof.base(), proof.size(), methods, proof.accessesElsewhere());
    }

    private static Proof.MethodProof withFacts(Proof.MethodProof m, List<Proof.Fact> facts) {
        return new Proof.MethodProof(m.name(), m.descriptor(), m.entry(), m.annotations(), m.returns(), facts,
                m.unproven(), m.loops(), m.accesses());
    }

    @Test
    void theAnalysisProofsAreAccepted() {
        for (Class<?> c : new Class<?>[] {Workloads.Copy.class, Workloads.Checksum.class, Workloads.HashTable.class,
                Workloads.Sort.class, Workloads.Header.class, Workloads.Records.class, Workloads.Wild.class}) {
            byte[] bytes = bytesOf(c);
            assertThatCode(() -> ProofChecker.check(bytes, SEGMENT, Analysis.prove(bytes, SEGMENT))).doesNotThrowAnyException();
        }
    }

    @Test
    void aFactClaimedForAnUnprovenAccessIsRefused() {
        byte[] bytes = bytesOf(Workloads.Records.class);
        Proof proof = Analysis.prove(bytes, SEGMENT);
        Proof.Unproven store = proof.method(FILTER).unproven().get(0);
        Proof wrong = change(proof, FILTER, m -> {
            List<Proof.Fact> facts = new ArrayList<>(m.facts());
            facts.add(new Proof.Fact(store.index(), "store64", new Interval(SEGMENT.base(), SEGMENT.base() + 2040), null, null));
            return withFacts(m, facts);
        });
        assertThatThrownBy(() -> ProofChecker.check(bytes, SEGMENT, wrong)).isInstanceOf(ProofRefused.class)
                .hasMessageContaining("filter@" + store.index() + ": store64 at").hasMessageContaining("is not inside the segment");
    }

    @Test
    void aLoopInvariantThatTheLoopBreaksIsRefused() {
        byte[] bytes = bytesOf(Workloads.Copy.class);
        Proof proof = Analysis.prove(bytes, SEGMENT);
        Proof.CountedLoop loop = proof.method(FILTER).loops().get(0);
        Proof wrong = change(proof, FILTER, m -> {
            Map<Integer, State> annotations = new LinkedHashMap<>(m.annotations());
            State head = annotations.get(loop.header());
            Value[] locals = head.locals().clone();
            locals[loop.counter()] = Value.ofInt(new Interval(0, 4096)); // the counter goes on to 8192
            annotations.put(loop.header(), new State(locals, head.stack()));
            return new Proof.MethodProof(m.name(), m.descriptor(), m.entry(), annotations, m.returns(), m.facts(),
                    m.unproven(), m.loops(), m.accesses());
        });
        assertThatThrownBy(() -> ProofChecker.check(bytes, SEGMENT, wrong)).isInstanceOf(ProofRefused.class)
                .hasMessageContaining("the state reaching @" + loop.header());
    }

    @Test
    void aReturnRangeTheMethodBreaksIsRefused() {
        byte[] bytes = bytesOf(Workloads.HashTable.class);
        Proof proof = Analysis.prove(bytes, SEGMENT);
        Proof wrong = change(proof, "slot(J)I", m -> new Proof.MethodProof(m.name(), m.descriptor(), m.entry(),
                m.annotations(), new Interval(0, 511), m.facts(), m.unproven(), m.loops(), m.accesses()));
        assertThatThrownBy(() -> ProofChecker.check(bytes, SEGMENT, wrong)).isInstanceOf(ProofRefused.class)
                .hasMessageContaining("slot@").hasMessageContaining("not within the claimed [0, 511]");
    }

    @Test
    void aCountedLoopThatEndsOnWhatItReadsIsRefused() {
        byte[] bytes = bytesOf(Workloads.HashTable.class);
        Proof proof = Analysis.prove(bytes, SEGMENT);
        Proof.CountedLoop real = proof.method(FILTER).loops().get(0);
        Proof wrong = change(proof, FILTER, m -> new Proof.MethodProof(m.name(), m.descriptor(), m.entry(), m.annotations(),
                m.returns(), m.facts(), m.unproven(),
                List.of(real, new Proof.CountedLoop(real.header(), real.latch() + 30, real.counter(), 1, Refine.LT, -1, 512)),
                m.accesses()));
        assertThatThrownBy(() -> ProofChecker.check(bytes, SEGMENT, wrong)).isInstanceOf(ProofRefused.class)
                .hasMessageContaining("does not have the counted shape");
    }

    @Test
    void aFactWithoutItsEntryCheckIsRefused() {
        byte[] bytes = bytesOf(Workloads.Checksum.class);
        Proof proof = Analysis.prove(bytes, SEGMENT);
        Proof wrong = change(proof, FILTER, m -> new Proof.MethodProof(m.name(), m.descriptor(), Map.of(), m.annotations(),
                m.returns(), m.facts(), m.unproven(), m.loops(), m.accesses()));
        assertThatThrownBy(() -> ProofChecker.check(bytes, SEGMENT, wrong)).isInstanceOf(ProofRefused.class);
    }

    @Test
    void aProofForAnotherSegmentIsRefused() {
        byte[] bytes = bytesOf(Workloads.Copy.class);
        Proof proof = Analysis.prove(bytes, new Segment(0x80000, 0x10000));
        assertThatThrownBy(() -> ProofChecker.check(bytes, SEGMENT, proof)).isInstanceOf(ProofRefused.class)
                .hasMessageContaining("not " + SEGMENT);
    }
}
