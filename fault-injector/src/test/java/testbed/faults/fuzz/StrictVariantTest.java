package testbed.faults.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import testbed.corpus.Corpus;
import testbed.corpus.CorpusEntry;
import testbed.corpus.Outcome;
import testbed.faults.TrialEngine;
import testbed.kernel.Kernel;
import testbed.kernel.KernelConfig;
import testbed.kernel.Segment;
import testbed.program.Program;
import testbed.program.ProgramCompiler;
import testbed.program.ProgramText;
import testbed.sandbox.Protection;
import testbed.sandbox.Protections;
import testbed.sfi.ProtectionMode;
import testbed.sfi.Rewrite;
import testbed.sfi.verify.Proof;

/**
 * VERIFIED's strict variant under the fuzzer: over generated programs it never loads one for which
 * VERIFIED's proof leaves a guard, it loads every one the proof covers completely, and what it
 * loads keeps the fuzzer's properties (containment, transparency) with VERIFIED's own outcome.
 */
class StrictVariantTest {
    private static final int PROGRAMS = 150;
    private static final Protection STRICT = Protections.builtIn().byName(Protection.VERIFIED_STRICT);

    @Test
    void strictNeverLoadsAProgramVerifiedWouldGuardAndLoadsEveryOneItProvesWhole() {
        Segment segment = firstSegment();
        ProgramGenerator generator = ProgramGenerator.over(Layout.defaults());
        int loaded = 0;
        int refused = 0;
        try (ProgramTrials trials = new ProgramTrials(List.of(new Protection.BuiltIn(ProtectionMode.VERIFIED), STRICT))) {
            for (long seed = 1; seed <= PROGRAMS; seed++) {
                Program program = Fuzzer.program(generator, seed);
                ProgramVerdict v = trials.check(program, seed);
                ModeRun strict = v.run(Protection.VERIFIED_STRICT);
                ModeRun verified = v.run(ProtectionMode.VERIFIED.name());
                Proof proof = Rewrite.of(ProtectionMode.VERIFIED).segment(segment).proof(ProgramCompiler.compile(program));
                String where = "program " + seed + ":\n" + ProgramText.print(program);
                assertThat(v.failures()).as("fuzzer properties, %s", where).isEmpty();
                if (strict.outcome() == Outcome.REJECTED) {
                    refused++;
                    assertThat(strict.detail()).as(where).contains("strict verification refuses").contains("is not proven inside the segment");
                    assertThat(proof.proven()).as("guards VERIFIED keeps, %s", where).isLessThan(proof.accesses());
                } else {
                    loaded++;
                    assertThat(proof.proven()).as("guards VERIFIED keeps, %s", where).isEqualTo(proof.accesses());
                    assertThat(strict.outcome()).as(where).isEqualTo(verified.outcome());
                    assertThat(strict.answer()).as(where).isEqualTo(verified.answer());
                    assertThat(strict.segmentDigest()).as(where).isEqualTo(verified.segmentDigest());
                }
            }
        }
        System.out.printf("VERIFIED_STRICT over %d generated programs: %d loaded, %d refused%n", PROGRAMS, loaded, refused);
        assertThat(loaded).as("programs strict loads").isPositive();
        assertThat(refused).as("programs strict refuses").isPositive();
    }

    @Test
    void theCorpusExpectsStrictToRefuseExactlyTheEntriesVerifiedKeepsAGuardIn() {
        Segment segment = firstSegment();
        int refused = 0;
        for (CorpusEntry e : Corpus.bundled().entries()) {
            if (e.expected(ProtectionMode.VERIFIED.name()) == Outcome.REJECTED) {
                continue; // refused by the verifier's rules before any proof
            }
            Proof proof = Rewrite.of(ProtectionMode.VERIFIED).segment(segment).proof(e.classBytes());
            boolean guarded = proof.proven() < proof.accesses();
            refused += guarded ? 1 : 0;
            assertThat(e.expected(Protection.VERIFIED_STRICT)).as("%s (%d of %d accesses proven)", e, proof.proven(), proof.accesses())
                    .isEqualTo(guarded ? Outcome.REJECTED : e.expected(ProtectionMode.VERIFIED.name()));
        }
        assertThat(refused).isPositive();
    }

    /** The segment a program's domain gets on the trials' kernel: every run starts from the same clean kernel. */
    private static Segment firstSegment() {
        Kernel kernel = Kernel.boot(KernelConfig.defaults());
        return kernel.createDomain("probe", TrialEngine.DOMAIN).segment();
    }
}
