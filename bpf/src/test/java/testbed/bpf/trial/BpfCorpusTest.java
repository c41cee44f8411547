package testbed.bpf.trial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import testbed.bpf.CheckRule;
import testbed.corpus.Outcome;
import testbed.sfi.ProtectionMode;

/** Every BPF corpus entry meets its expected outcome in every protection mode. */
class BpfCorpusTest {
    private static BpfTrials trials;

    @BeforeAll
    static void start() {
        trials = new BpfTrials();
    }

    @AfterAll
    static void stop() {
        trials.close();
    }

    @Test
    void everyEntryMeetsItsExpectationInEveryMode() throws Exception {
        List<BpfEntry> entries = BpfCorpus.bundled();
        assertThat(entries).hasSizeGreaterThan(20);
        List<String> misses = new ArrayList<>();
        for (BpfEntry e : entries) {
            for (ProtectionMode mode : ProtectionMode.values()) {
                BpfTrials.Result r = trials.run(e.file(), e.bytes(), mode);
                if (r.outcome() != e.expected(mode.name())) {
                    misses.add(e.name() + " in " + mode + ": " + r.outcome() + " (expected " + e.expected(mode.name()) + "): " + r.detail());
                }
                if (e.rule() != null && r.rule() != e.rule()) {
                    misses.add(e.name() + " in " + mode + ": rejected by " + r.rule() + ", expected " + e.rule() + ": " + r.detail());
                }
            }
        }
        assertThat(misses).isEmpty();
    }

    @Test
    void theCorpusCoversEveryCheckerRuleAndWhatTheCheckerCannotSee() throws Exception {
        List<BpfEntry> entries = BpfCorpus.bundled();
        List<CheckRule> covered = entries.stream().map(BpfEntry::rule).filter(r -> r != null).distinct().toList();
        assertThat(covered).containsAll(List.of(CheckRule.JUMP_RANGE, CheckRule.DIVISION_BY_ZERO, CheckRule.SHIFT_RANGE,
                CheckRule.SCRATCH_INDEX, CheckRule.UNINITIALISED_SCRATCH, CheckRule.LAST_NOT_RETURN, CheckRule.UNKNOWN_ANCILLARY));
        assertThat(entries).extracting(BpfEntry::name).contains("bpf/huge-absolute-offset", "bpf/indirect-offset-from-packet",
                "bpf/backward-jump", "bpf/division-by-x-zero", "bpf/uninitialised-scratch");
        for (BpfEntry e : entries) {
            for (String mode : List.of("SFI_MASK", "SFI_CHECK", "BOUNDS", "PROCESS")) {
                assertThat(e.expected(mode)).as("%s in %s", e.name(), mode)
                        .isNotIn(Outcome.ESCAPED, Outcome.HUNG, Outcome.CRASHED);
            }
            assertThat(e.reference()).as(e.name()).containsPattern("\\b(19|20)\\d\\d\\b|Linux|tcpdump");
        }
    }

    @Test
    void aMalformedHeaderIsAOneLineError() {
        assertThatThrownBy(() -> BpfCorpus.parse("x.ddd", "# threat: t\n# otherwise: OK\n1\n6 0 0 0\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("x.ddd: header '# reference:' missing or empty");
        assertThatThrownBy(() -> BpfCorpus.parse("x.ddd", "# threat: t\n# reference: r\n# otherwise: FINE\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("x.ddd: unknown outcome 'FINE'");
        assertThatThrownBy(() -> BpfCorpus.parse("x.ddd", "# threat: t\n# reference: r\n# otherwise: OK\n# expect: FAST=OK\n"
                .getBytes(StandardCharsets.UTF_8)))
                .hasMessageStartingWith("x.ddd: expect: 'FAST=OK' is not MODE=OUTCOME");
    }
}
