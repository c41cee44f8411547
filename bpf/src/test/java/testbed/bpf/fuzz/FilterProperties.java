package testbed.bpf.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import testbed.bpf.Checker;
import testbed.bpf.FilterProgram;
import testbed.bpf.Jit;
import testbed.bpf.JitBugs;
import testbed.bpf.trial.BpfTrials;
import testbed.corpus.Outcome;
import testbed.sfi.ProtectionMode;

/**
 * Properties of random classic BPF programs, as Jazzer fuzz tests (in {@code mvn verify} they
 * replay their saved inputs; fuzz one with
 * {@code JAZZER_FUZZ=1 mvn -pl bpf test -Dtest='FilterProperties#jitAgreesWithTheInterpreterInEveryMode' -Djazzer.max_duration=60s})
 * and as a seeded run that prints its seed ({@code -Dbpf.seed=N} replays one):
 * <ul>
 *   <li>the checker accepts every generated program, and its JIT-compiled filter delivers exactly
 *       what the interpreter answers for every frame, with the kernel intact, in every in-JVM mode;</li>
 *   <li>with the JIT's packet-length checks deleted (a JIT bug), no protected mode lets the filter
 *       escape, hang or crash the host.</li>
 * </ul>
 */
class FilterProperties {
    private static final List<ProtectionMode> MODES = List.of(ProtectionMode.NONE, ProtectionMode.SFI_MASK,
            ProtectionMode.SFI_CHECK, ProtectionMode.BOUNDS);
    private static final List<ProtectionMode> PROTECTED = MODES.subList(1, MODES.size());
    private static final Set<Outcome> BREACHES = EnumSet.of(Outcome.ESCAPED, Outcome.HUNG, Outcome.CRASHED);
    private static BpfTrials trials;

    private static BpfTrials trials() {
        if (trials == null) {
            trials = new BpfTrials();
        }
        return trials;
    }

    /** Every way the two properties fail for {@code program}; empty if they hold. */
    static List<String> failures(FilterProgram program) {
        List<String> failures = new ArrayList<>();
        try {
            Checker.check(program);
        } catch (Exception e) {
            failures.add("the generator made a program the checker refuses: " + e.getMessage());
            return failures;
        }
        byte[] compiled = Jit.compile(program);
        for (ProtectionMode mode : MODES) {
            BpfTrials.Result r = trials().run(program, compiled, mode);
            if (r.outcome() != Outcome.OK) {
                failures.add("agreement in " + mode + ": " + r.outcome() + ": " + r.detail());
            }
        }
        byte[] buggy = JitBugs.withoutLengthChecks(compiled);
        for (ProtectionMode mode : PROTECTED) {
            BpfTrials.Result r = trials().run(program, buggy, mode);
            if (BREACHES.contains(r.outcome())) {
                failures.add("containment of a buggy JIT in " + mode + ": " + r.outcome() + ": " + r.detail());
            }
        }
        return failures;
    }

    private static ProgramGenerator.Choices fuzzed(FuzzedDataProvider data) {
        return new ProgramGenerator.Choices() {
            @Override
            public int nextInt(int bound) {
                return data.consumeInt(0, bound - 1);
            }

            @Override
            public int nextInt() {
                return data.consumeInt();
            }
        };
    }

    private static void assertHolds(FilterProgram program, String property) {
        assertThat(failures(program).stream().filter(f -> f.startsWith(property)).toList())
                .as("%s for%n%s", property, program.ddd()).isEmpty();
    }

    @FuzzTest(maxDuration = "60s")
    void jitAgreesWithTheInterpreterInEveryMode(FuzzedDataProvider data) {
        assertHolds(new ProgramGenerator(64).generate(fuzzed(data), "fuzzed"), "agreement");
    }

    @FuzzTest(maxDuration = "60s")
    void noProtectedModeLetsABuggyJitEscape(FuzzedDataProvider data) {
        assertHolds(new ProgramGenerator(64).generate(fuzzed(data), "fuzzed"), "containment");
    }

    @Test
    void generatedProgramsAgreeAndStayContainedAndCoverEveryKind() {
        long seed = Long.getLong("bpf.seed", System.nanoTime());
        ProgramGenerator generator = new ProgramGenerator(48);
        RandomChoices choices = new RandomChoices(seed);
        for (int n = 0; n < 60; n++) {
            FilterProgram program = generator.generate(choices, "p" + n);
            assertThat(failures(program)).as("program %d of seed %d (replay: -Dbpf.seed=%d)%n%s", n, seed, seed, program.ddd())
                    .isEmpty();
        }
        assertThat(generator.counts().keySet()).as("kinds generated with seed %d", seed)
                .containsExactlyInAnyOrder(ProgramGenerator.Kind.values());
    }

    @AfterAll
    static void close() {
        if (trials != null) {
            trials.close();
            trials = null;
        }
    }
}
