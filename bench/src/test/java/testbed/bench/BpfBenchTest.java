package testbed.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Every BpfBench configuration accepts libpcap's packets (its setup checks each verdict) and counts them. */
class BpfBenchTest {
    @Test
    void everyEngineCountsTheMatchesLibpcapFound() throws Exception {
        int filter = 4;
        int expected = BpfBench.verdicts().filters().get(filter).matchCount();
        for (String engine : new String[] {"INTERPRETER", "INTERPRETER_MEMORY", "JIT_NONE", "JIT_SFI_MASK", "JIT_SFI_CHECK", "JIT_BOUNDS"}) {
            BpfBench.Packets p = new BpfBench.Packets();
            p.filter = filter;
            p.engine = engine;
            p.setUp();
            try {
                assertThat(p.run()).as(engine).isEqualTo(expected);
            } finally {
                p.tearDown();
            }
        }
    }

    @Test
    void aLoadLeavesNoDomainBehind() throws Exception {
        BpfBench.Loads l = new BpfBench.Loads();
        l.filter = 0;
        l.mode = "SFI_MASK";
        l.setUp();
        try {
            l.load();
            l.load();
            assertThat(l.kernel.domains()).hasSize(1);
        } finally {
            l.tearDown();
        }
    }
}
