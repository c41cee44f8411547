package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import testbed.faults.TrialLog;
import testbed.faults.TrialRecord;

/** What two runs of one campaign (on one machine, or as merged shards) must agree on. */
final class SameCampaign {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SameCampaign() {
    }

    /** summary.json less what differs between any two runs: time, provenance, and the worker count. */
    static JsonNode comparable(Path campaign) throws IOException {
        ObjectNode summary = (ObjectNode) JSON.readTree(campaign.resolve("summary.json").toFile());
        summary.remove(List.of("elapsedSeconds", "trialsPerSecond", "phaseMicros", "provenance"));
        ((ObjectNode) summary.get("settings")).remove("workers");
        return summary;
    }

    /** Each trial's outcome by id; a trial logged twice fails. */
    static Map<String, String> outcomes(Path campaign) throws IOException {
        Map<String, String> byId = new TreeMap<>();
        for (TrialRecord r : TrialLog.read(campaign.resolve(TrialLog.FILE_NAME))) {
            assertThat(byId.put(r.id(), r.outcome().name())).as("%s logged once", r.id()).isNull();
        }
        return byId;
    }
}
