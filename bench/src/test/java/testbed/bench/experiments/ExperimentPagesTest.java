package testbed.bench.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import testbed.reports.ExperimentPage;
import testbed.reports.Provenance;
import testbed.reports.stats.Verdict;

/**
 * Every in-process experiment, run in its quick configuration: it writes its page and its JSON
 * record, the record parses and carries what the page promises (goals, the published figure,
 * the machine and the command), and a quick run decides no goal. Correctness only: no timing is
 * checked.
 */
class ExperimentPagesTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static List<String> ids() {
        return Experiments.all().stream().map(Experiment::id).toList();
    }

    @ParameterizedTest
    @MethodSource("ids")
    void aQuickRunWritesItsPageAndRecordAndDecidesNothing(String id, @TempDir Path dir) throws IOException {
        Experiment e = Experiments.byId(id).orElseThrow();
        Provenance provenance = Provenance.ofThisRun(List.of("testbed"), List.of("experiment", id, "--quick"), "bundled", "-");
        ExperimentPage page = e.run(new Experiment.Run(true, dir, provenance, new PrintWriter(new StringWriter()), List.of("-Xmx512m", "-XX:+UseSerialGC", "-Xss2m", "-XX:TieredStopAtLevel=1")));
        page.writeTo(dir);

        JsonNode record = JSON.readTree(dir.resolve(page.jsonName()).toFile());
        assertThat(record.path("experiment").asText()).isEqualTo(id);
        assertThat(record.path("quick").asBoolean()).isTrue();
        assertThat(record.path("command").asText()).isEqualTo("testbed experiment " + id + " --quick");
        assertThat(record.path("machine").path("cores").asInt()).isPositive();
        assertThat(record.path("published")).isNotEmpty();
        assertThat(record.path("whyTheyDiffer").asText()).isNotBlank();
        assertThat(record.path("tables")).isNotEmpty();
        for (JsonNode goal : record.path("goals")) {
            assertThat(goal.path("verdict").asText()).isNotEqualTo(Verdict.MET.name()).isNotEqualTo(Verdict.MISSED.name());
        }

        String html = Files.readString(dir.resolve(page.htmlName()));
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<h1>" + id + ": ").contains("testbed experiment " + id + " --quick")
                .contains("Why they differ").doesNotContain("class=\"MET\"").doesNotContain("class=\"MISSED\"");
    }
}
