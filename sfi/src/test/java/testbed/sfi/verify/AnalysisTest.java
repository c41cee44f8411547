package testbed.sfi.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import testbed.kernel.Segment;

/** What the analysis proves about the shapes of the bench's workloads, and that the checker accepts it. */
class AnalysisTest {
    static final Segment SEGMENT = new Segment(0x40000, 0x10000);

    static byte[] bytesOf(Class<?> type) {
        try (InputStream in = type.getResourceAsStream("/" + type.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Proof proof(Class<?> type) {
        Proof proof = Analysis.prove(bytesOf(type), SEGMENT);
        System.out.println(type.getSimpleName() + ": " + proof.proven() + "/" + proof.accesses() + " proven");
        proof.render().forEach(l -> System.out.println("  " + l));
        ProofChecker.check(bytesOf(type), SEGMENT, proof);
        return proof;
    }

    @Test
    void everyAccessOfTheWorkloadShapesIsProvenButACompactionTargetBelowItsSource() {
        for (Class<?> c : new Class<?>[] {Workloads.Copy.class, Workloads.Checksum.class, Workloads.HashTable.class,
                Workloads.Sort.class, Workloads.Header.class}) {
            Proof p = proof(c);
            assertThat(p.proven()).as(c.getSimpleName()).isEqualTo(p.accesses());
        }
        // kept <= r is a relation between two locals, which intervals do not express.
        Proof records = proof(Workloads.Records.class);
        assertThat(records.proven()).isEqualTo(2);
        assertThat(records.methods().values()).flatMap(Proof.MethodProof::unproven)
                .singleElement().satisfies(u -> assertThat(u.access()).isEqualTo("store64"));
    }

    @Test
    void countedLoopsAreFoundWhereTheCounterAloneEndsTheLoop() {
        assertThat(proof(Workloads.Copy.class).countedLoops()).isEqualTo(1);
        assertThat(proof(Workloads.Checksum.class).countedLoops()).isEqualTo(1);
        // The clearing loop is counted; the probing loops end on what they read.
        assertThat(proof(Workloads.HashTable.class).countedLoops()).isEqualTo(1);
    }

    @Test
    void anAddressReadFromMemoryIsNotProven() {
        Proof p = proof(Workloads.Wild.class);
        assertThat(p.accesses()).isEqualTo(3);
        assertThat(p.proven()).isEqualTo(2);
    }
}
