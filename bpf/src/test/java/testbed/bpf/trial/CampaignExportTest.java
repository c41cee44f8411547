package testbed.bpf.trial;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.corpus.Corpus;
import testbed.corpus.CorpusEntry;
import testbed.corpus.Outcome;

/** Exported BPF entries are corpus entries as a campaign reads them, metadata and all. */
class CampaignExportTest {
    @TempDir
    Path dir;

    @Test
    void everyEntryTheCheckerAcceptsBecomesACorpusEntryWithItsExpectations() throws Exception {
        CampaignExport.Result r = CampaignExport.write(BpfCorpus.bundled(), dir);
        Corpus corpus = Corpus.fromDirectory(dir);

        assertThat(corpus.defects()).isEmpty();
        assertThat(corpus.entries()).extracting(CorpusEntry::name).containsExactlyInAnyOrderElementsOf(r.written());
        assertThat(r.written()).contains("memory/BpfHugeAbsoluteOffset", "benign/BpfTcpPort18080");
        assertThat(r.skipped()).anyMatch(s -> s.startsWith("bpf/backward-jump: rejected [JUMP_RANGE]"));
        assertThat(r.written().size() + r.skipped().size()).isEqualTo(BpfCorpus.bundled().size());
        CorpusEntry e = corpus.entry("memory/BpfDivisionByXZero");
        assertThat(e.hook()).isEqualTo(testbed.kernel.api.Hook.PACKET_FILTER);
        assertThat(e.expected("SFI_CHECK")).isEqualTo(Outcome.OK);
        assertThat(e.threat()).contains("divides by X");
    }
}
