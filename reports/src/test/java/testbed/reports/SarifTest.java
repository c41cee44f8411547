package testbed.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.faults.Finding;

/** {@code findings.sarif} is a valid SARIF 2.1.0 log (the OASIS schema, errata 01) holding every finding. */
class SarifTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyReportWritesAValidSarifLogOfItsFindings(@TempDir Path dir) throws IOException {
        SampleCampaign sample = SampleCampaign.small();
        sample.report().writeTo(dir);
        String sarif = Files.readString(dir.resolve(ContainmentReport.FINDINGS_SARIF));

        assertThat(errors(sarif)).isEmpty();
        JsonNode results = JSON.readTree(sarif).path("runs").path(0).path("results");
        assertThat(results).hasSize(sample.findings.size()).isNotEmpty();
        List<String> fingerprints = new ArrayList<>();
        results.forEach(r -> fingerprints.add(r.path("partialFingerprints").path(Sarif.FINGERPRINT).asText()));
        assertThat(fingerprints).containsExactlyElementsOf(sample.findings.stream().map(Finding::signature).toList());
        JsonNode first = results.path(0);
        assertThat(first.path("ruleId").asText()).isEqualTo(sample.findings.get(0).first().outcome().name());
        assertThat(first.path("properties").path("replay").asText()).startsWith("/opt/testbed/testbed replay ");
        assertThat(first.path("locations").path(0).path("physicalLocation").path("artifactLocation").path("uriBaseId").asText())
                .isEqualTo(Sarif.REPORT_DIR);
    }

    @Test
    void aCampaignWithoutFindingsIsAValidEmptyLog(@TempDir Path dir) throws IOException {
        SampleCampaign clean = SampleCampaign.small().with(SampleCampaign.small().records, List.of());
        clean.report().writeTo(dir);
        String sarif = Files.readString(dir.resolve(ContainmentReport.FINDINGS_SARIF));
        assertThat(errors(sarif)).isEmpty();
        assertThat(JSON.readTree(sarif).path("runs").path(0).path("results")).isEmpty();
    }

    /** The validator is not blind: the schema refuses a log with the wrong version or a result without a message. */
    @Test
    void theSchemaRefusesABrokenLog(@TempDir Path dir) throws IOException {
        SampleCampaign.small().report().writeTo(dir);
        String sarif = Files.readString(dir.resolve(ContainmentReport.FINDINGS_SARIF));
        assertThat(errors(sarif.replace("\"version\" : \"2.1.0\"", "\"version\" : \"2.0.0\""))).isNotEmpty();
        assertThat(errors(sarif.replaceFirst("\"message\"", "\"note\""))).isNotEmpty();
    }

    private static List<Error> errors(String sarif) throws IOException {
        try (InputStream schemaFile = SarifTest.class.getResourceAsStream("sarif/sarif-schema-2.1.0.json")) {
            Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(schemaFile);
            return schema.validate(sarif, InputFormat.JSON);
        }
    }
}
