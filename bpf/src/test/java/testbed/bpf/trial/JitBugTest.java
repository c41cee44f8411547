package testbed.bpf.trial;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import testbed.bpf.Checker;
import testbed.bpf.FilterProgram;
import testbed.bpf.Jit;
import testbed.bpf.JitBugs;
import testbed.bpf.ProgramFormat;
import testbed.corpus.Outcome;
import testbed.sfi.ProtectionMode;

/**
 * The JIT is untrusted code too: a compiled filter whose packet-length checks are gone (a JIT
 * bug, simulated by {@link JitBugs#withoutLengthChecks} on programs whose only {@code if_icmpgt}
 * branches are those checks) is stopped by the protection mode, and the unprotected kernel shows the damage.
 */
class JitBugTest {
    private static BpfTrials trials;

    @BeforeAll
    static void start() {
        trials = new BpfTrials();
    }

    @AfterAll
    static void stop() {
        trials.close();
    }

    private static Outcome run(String program, ProtectionMode mode) throws Exception {
        FilterProgram p = Checker.check(ProgramFormat.load("bug.ddd", program.getBytes()));
        return trials.run(p, JitBugs.withoutLengthChecks(Jit.compile(p)), mode).outcome();
    }

    @Test
    void aLoadPastTheSegmentEscapesUnprotectedAndIsStoppedInEveryProtectedMode() throws Exception {
        // ldb [65536]: one byte past the 64 KiB segment (the packet window is its start)
        String program = "2\n48 0 0 65536\n22 0 0 0\n";
        assertThat(run(program, ProtectionMode.NONE)).isEqualTo(Outcome.ESCAPED);
        for (ProtectionMode mode : List.of(ProtectionMode.SFI_CHECK, ProtectionMode.BOUNDS, ProtectionMode.PROCESS)) {
            assertThat(run(program, mode)).as(mode.name()).isEqualTo(Outcome.CONTAINED);
        }
        // Address sandboxing redirects the load into the segment: no trap, and an answer the interpreter never gives.
        assertThat(run(program, ProtectionMode.SFI_MASK)).isIn(Outcome.OK, Outcome.WRONG_RESULT);
    }

    @Test
    void aLoadPastPhysicalMemoryCrashesTheUnprotectedHost() throws Exception {
        String program = "2\n32 0 0 2147483632\n22 0 0 0\n";
        assertThat(run(program, ProtectionMode.NONE)).isEqualTo(Outcome.CRASHED);
        assertThat(run(program, ProtectionMode.BOUNDS)).isEqualTo(Outcome.CONTAINED);
        assertThat(run(program, ProtectionMode.SFI_MASK)).isNotIn(Outcome.ESCAPED, Outcome.CRASHED, Outcome.HUNG);
    }

    @Test
    void anAnswerTheKernelRefusesIsAWrongResultEvenWhenTheDeliveryMatches() throws Exception {
        // ldb [2000] is past every standard frame: the interpreter (and the correct JIT) drop the
        // packet there. Without its length checks the JIT reads on and answers -1, which the
        // kernel refuses, delivering nothing: the same delivery, from a wrong answer.
        String program = "3\n48 0 0 2000\n0 0 0 4294967295\n22 0 0 0\n";
        FilterProgram p = Checker.check(ProgramFormat.load("refused.ddd", program.getBytes()));
        for (ProtectionMode mode : ProtectionMode.values()) {
            assertThat(trials.run(p, Jit.compile(p), mode).outcome()).as(mode.name()).isEqualTo(Outcome.OK);
            BpfTrials.Result broken = trials.run(p, JitBugs.withoutLengthChecks(Jit.compile(p)), mode);
            assertThat(broken.outcome()).as(mode.name()).isEqualTo(Outcome.WRONG_RESULT);
            assertThat(broken.detail()).as(mode.name()).contains("rejected the extension's answer");
        }
    }

    @Test
    void theCorrectJitNeedsNoProtectionForTheSameProgram() throws Exception {
        FilterProgram p = Checker.check(ProgramFormat.load("ok.ddd", "2\n48 0 0 65536\n22 0 0 0\n".getBytes()));
        assertThat(trials.run(p, Jit.compile(p), ProtectionMode.NONE).outcome()).isEqualTo(Outcome.OK);
    }
}
