package testbed.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.corpus.Outcome;
import testbed.faults.TrialLog;
import testbed.faults.TrialRecord;

/** Two runs written as a campaign writes them, compared: changes by trial id, new and vanished findings, the gate. */
class ComparisonTest {
    @TempDir
    Path tmp;

    @Test
    void aRunComparedWithItselfChangesNothing() throws IOException {
        Path a = write("a", SampleCampaign.small().records);
        Comparison c = Comparison.of(a, a);
        assertThat(c.changedTrials()).isZero();
        assertThat(c.hasNewFindings()).isFalse();
        assertThat(c.vanishedFindings()).isEmpty();
        assertThat(c.throughputRatio()).isEqualTo(1.0);
    }

    @Test
    void anEscapeThatAppearsInBIsANewFindingAndAChangedOutcome() throws IOException {
        List<TrialRecord> before = SampleCampaign.small().records;
        List<TrialRecord> after = new ArrayList<>(before);
        // SFI_CHECK contained the wild store in A; in B it lets it escape, under a name that must stay text.
        TrialRecord contained = before.get(2);
        assertThat(contained.mode()).isEqualTo("SFI_CHECK");
        after.set(2, SampleCampaign.trial(contained.entry(), contained.fault(), contained.faultFamily(), contained.mode(), contained.seed(),
                Outcome.ESCAPED, Outcome.CONTAINED, "<script>alert(1)</script> store escaped", "page 3 written by domain 2"));
        // and the SFI_MASK escape A found is gone in B
        TrialRecord escaped = before.get(4);
        after.set(4, SampleCampaign.trial(escaped.entry(), escaped.fault(), escaped.faultFamily(), escaped.mode(), escaped.seed(),
                Outcome.WRONG_RESULT, Outcome.WRONG_RESULT, ""));
        Path a = write("a", before);
        Path b = write("b", after);

        Comparison c = Comparison.of(a, b);

        assertThat(c.changedTrials()).isEqualTo(2);
        assertThat(c.changes).extracting(Comparison.Change::fault, Comparison.Change::mode, Comparison.Change::from, Comparison.Change::to)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("none", "SFI_CHECK", "CONTAINED", "ESCAPED"),
                        org.assertj.core.groups.Tuple.tuple("wild-store", "SFI_MASK", "ESCAPED", "WRONG_RESULT"));
        assertThat(c.hasNewFindings()).isTrue();
        assertThat(c.newFindings()).containsExactly(after.get(2).signature());
        assertThat(c.vanishedFindings()).contains(escaped.signature());

        Path out = tmp.resolve("cmp");
        c.writeTo(out);
        String html = Files.readString(out.resolve(Comparison.COMPARE_HTML));
        assertThat(html).contains("B has 1 finding that A did not.")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .doesNotContain("<script>");
        String md = Files.readString(out.resolve(Comparison.COMPARE_MD));
        assertThat(md).contains("| none | SFI_CHECK | CONTAINED | ESCAPED | 1 |")
                .contains("## New findings (in B, not in A)");
    }

    @Test
    void aDirectoryThatIsNoRunIsRefusedInOneLine() throws IOException {
        Path a = write("a", SampleCampaign.small().records);
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> Comparison.of(a, empty)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a campaign or fuzz output directory").hasMessageNotContaining("\n");
        Files.writeString(empty.resolve(ContainmentReport.SUMMARY_JSON), "{ not json");
        assertThatThrownBy(() -> Comparison.of(a, empty)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a summary");
    }

    private Path write(String name, List<TrialRecord> records) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        try (TrialLog log = TrialLog.appendTo(dir.resolve(TrialLog.FILE_NAME))) {
            for (TrialRecord r : records) {
                log.append(r);
            }
        }
        SampleCampaign.small().with(records, SampleCampaign.findingsOf(records)).report().writeTo(dir);
        return dir;
    }
}
