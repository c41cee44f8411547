package testbed.faults.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import testbed.corpus.CorpusEntry;
import testbed.kernel.DomainSpec;
import testbed.kernel.Kernel;
import testbed.kernel.Trap;
import testbed.sandbox.Sandbox;
import testbed.sandbox.verify.Rejection;
import testbed.sfi.ProtectionMode;

/**
 * Mutants go through the real load pipeline (verify, rewrite, define, construct) as trials send
 * them: a mutant of an entry the sandbox admits is admitted too, so faulted trials measure the
 * isolation mechanism and not the verifier. A constructor stopped by a trap (an injected loop or
 * exception at a constructor's site) is a contained fault, not a refusal.
 */
class SandboxAdmissionTest {
    private static final int SEEDS = 10;
    private static Kernel kernel;
    private static Sandbox sandbox;

    @BeforeAll
    static void boot() {
        kernel = Kernel.boot();
        sandbox = Sandbox.on(kernel, ProtectionMode.SFI_CHECK);
    }

    @AfterAll
    static void shutDown() {
        sandbox.close();
    }

    private static boolean admitted(String name, byte[] bytes) throws Rejection {
        try {
            sandbox.load(name, bytes, DomainSpec.segment(1 << 16).allowAll()).close();
            return true;
        } catch (Trap constructorStopped) {
            return false;
        }
    }

    @Test
    void everyMutantOfAnAdmittedBenignEntryIsAdmitted() throws Rejection {
        int loaded = 0;
        for (CorpusEntry entry : Mutants.benign()) {
            assertThat(admitted(entry.name(), entry.classBytes())).as(entry.name()).isTrue();
            for (BytecodeFault kind : Mutants.KINDS) {
                for (long seed = 0; seed < SEEDS; seed++) {
                    Mutant m = kind.mutate(entry.classBytes(), seed);
                    if (!m.mutated()) {
                        continue;
                    }
                    try {
                        admitted(entry.name(), m.classBytes());
                    } catch (Rejection e) {
                        throw new AssertionError(kind.name() + " on " + entry + ", seed " + seed + ": " + m
                                + " was refused: " + e.getMessage(), e);
                    }
                    loaded++;
                }
            }
        }
        assertThat(loaded).isGreaterThan(500);
    }
}
