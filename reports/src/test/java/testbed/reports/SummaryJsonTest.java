package testbed.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.corpus.Outcome;
import testbed.faults.TrialRecord;

class SummaryJsonTest {
    @TempDir
    Path dir;

    private JsonNode summaryOf(SampleCampaign campaign) throws Exception {
        campaign.report().writeTo(dir);
        return new ObjectMapper().readTree(dir.resolve(ContainmentReport.SUMMARY_JSON).toFile());
    }

    @Test
    void countsPerModeMatchTheRecordsWithEveryOutcomeKeyed() throws Exception {
        SampleCampaign campaign = SampleCampaign.synthetic(7);
        JsonNode summary = summaryOf(campaign);

        assertThat(summary.get("trials").asInt()).isEqualTo(campaign.records.size());
        assertThat(summary.get("byMode").size()).isEqualTo(4);
        for (String mode : campaign.settings.modes()) {
            JsonNode counts = summary.get("byMode").get(mode);
            assertThat(counts.size()).as(mode).isEqualTo(Outcome.values().length);
            for (Outcome o : Outcome.values()) {
                long expected = campaign.records.stream().filter(r -> r.mode().equals(mode) && r.outcome() == o).count();
                assertThat(counts.get(o.name()).asLong()).as(mode + " " + o).isEqualTo(expected);
            }
        }
    }

    @Test
    void countsPerFaultAndModeMatchTheRecordsWithZerosIncluded() throws Exception {
        SampleCampaign campaign = SampleCampaign.synthetic(11);
        JsonNode byFault = summaryOf(campaign).get("byFault");

        assertThat(byFault.size()).isEqualTo(campaign.settings.faults().size());
        long sum = 0;
        boolean sawZero = false;
        for (String fault : campaign.settings.faults()) {
            for (String mode : campaign.settings.modes()) {
                JsonNode counts = byFault.get(fault).get(mode);
                assertThat(counts.size()).isEqualTo(Outcome.values().length);
                for (Outcome o : Outcome.values()) {
                    long expected = campaign.records.stream()
                            .filter(r -> r.fault().equals(fault) && r.mode().equals(mode) && r.outcome() == o).count();
                    assertThat(counts.get(o.name()).asLong()).isEqualTo(expected);
                    sum += expected;
                    sawZero |= expected == 0;
                }
            }
        }
        assertThat(sum).isEqualTo(campaign.records.size());
        assertThat(sawZero).as("the sample has empty cells, so zeros are really written").isTrue();
    }

    @Test
    void headlineFiguresAndSettingsAreRecorded() throws Exception {
        SampleCampaign campaign = SampleCampaign.small();
        JsonNode summary = summaryOf(campaign);

        assertThat(summary.get("unexpected").asInt()).isEqualTo(2);
        assertThat(summary.get("findings").asInt()).isEqualTo(2);
        assertThat(summary.get("elapsedSeconds").asDouble()).isEqualTo(2.5);
        assertThat(summary.get("trialsPerSecond").asDouble()).isEqualTo(4.8);
        assertThat(summary.get("outcomes").get("CONTAINED").asInt()).isEqualTo(4);
        assertThat(summary.get("byFaultFamily").get("memory").get("ESCAPED").asInt()).isEqualTo(2);
        JsonNode settings = summary.get("settings");
        assertThat(settings.get("corpus").asText()).isEqualTo("bundled");
        assertThat(settings.get("seed").asLong()).isEqualTo(42);
        assertThat(settings.get("workers").asInt()).isEqualTo(2);
        assertThat(Duration.parse(settings.get("timeLimit").asText())).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.get("modes")).hasSize(3);
    }

    @Test
    void provenanceAndBalanceAreAddedAfterEveryEarlierField() throws Exception {
        JsonNode summary = summaryOf(SampleCampaign.small());

        assertThat(summary.fieldNames()).toIterable().containsExactly("trials", "elapsedSeconds", "trialsPerSecond", "unexpected",
                "findings", "settings", "outcomes", "byMode", "byFault", "byFaultFamily", "escapeBounds", "phaseMicros", "balance",
                "provenance");
        JsonNode provenance = summary.get("provenance");
        Provenance p = SampleCampaign.PROVENANCE;
        assertThat(provenance.get("toolVersion").asText()).isEqualTo(p.toolVersion());
        assertThat(provenance.get("gitCommit").asText()).isEqualTo(p.gitCommit());
        assertThat(provenance.get("jdk").asText()).isEqualTo(p.jdk());
        assertThat(provenance.get("jvmFlags")).hasSize(2);
        assertThat(provenance.get("cores").asInt()).isEqualTo(2);
        assertThat(provenance.get("memoryBytes").asLong()).isEqualTo(24L << 30);
        assertThat(provenance.get("date").asText()).isEqualTo("2026-12-01T12:00:00Z");
        assertThat(provenance.get("commandLine").asText()).isEqualTo(p.commandLine());
        assertThat(provenance.get("corpusDigest").asText()).isEqualTo(p.corpusDigest());
        assertThat(summary.get("escapeBounds").get("SFI_CHECK").get("statement").asText()).contains("SFI_CHECK trials: rate <");
        // the small campaign ran wild-store twice under SFI_CHECK and once elsewhere
        JsonNode balance = summary.get("balance");
        assertThat(balance.get("balanced").asBoolean()).isFalse();
        assertThat(balance.get("trialsPerMode").get("SFI_CHECK").asInt()).isEqualTo(4);
        assertThat(balance.get("trialsPerPairAndMode").get("max").asInt()).isEqualTo(2);
    }

    @Test
    void aModeOnlyTheRecordsNameGetsAColumnAfterTheSettingsModes() throws Exception {
        JsonNode byMode = summaryOf(SampleCampaign.small()).get("byMode");

        assertThat(byMode.fieldNames()).toIterable().containsExactly("NONE", "SFI_MASK", "SFI_CHECK", "BOUNDS");
    }

    @Test
    void aCampaignWithNoTrialsYetStillWritesEveryFile() throws Exception {
        SampleCampaign small = SampleCampaign.small();
        List<TrialRecord> none = List.of();
        ContainmentReport.of(small.settings, none, List.of(), Duration.ZERO, SampleCampaign.PROVENANCE).writeTo(dir);

        JsonNode summary = new ObjectMapper().readTree(dir.resolve(ContainmentReport.SUMMARY_JSON).toFile());
        assertThat(summary.get("trials").asInt()).isZero();
        assertThat(summary.get("trialsPerSecond").asDouble()).isZero();
        assertThat(summary.get("byMode").get("NONE").get("ESCAPED").asInt()).isZero();
        assertThat(dir.resolve(ContainmentReport.INDEX_HTML)).content().contains("No trials recorded yet");
        assertThat(dir.resolve(ContainmentReport.JUNIT_XML)).exists();
        assertThat(dir.resolve(ContainmentReport.REPORT_MD)).exists();
    }
}
