package testbed.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import testbed.faults.CampaignSettings;
import testbed.faults.Shard;

/**
 * A campaign directory's {@value #NAME}: the settings it runs with, the wall time spent so far,
 * and what identifies the campaign across machines (the corpus's digest, the tool's version and
 * commit), so that {@code --resume} continues the same plan and {@code merge} can tell whether
 * shards belong to one campaign.
 *
 * @param settings the campaign's settings, its shard included
 * @param elapsed wall time of all its runs so far
 * @param corpusDigest {@code Provenance.digest} of the corpus the trials ran over
 * @param toolVersion the tool's version
 * @param gitCommit the commit the tool was built from, or {@code unknown}
 * @param started when the campaign's first run started, or null if not recorded
 * @param finished when its last run so far ended, or null while the first one runs
 */
record CampaignFile(CampaignSettings settings, Duration elapsed, String corpusDigest, String toolVersion, String gitCommit,
                    Instant started, Instant finished) {
    static final String NAME = "campaign.json";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** The same campaign after a run that ended now, with {@code spent} in all. */
    CampaignFile ended(Duration spent) {
        return new CampaignFile(settings, spent, corpusDigest, toolVersion, gitCommit, started, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    void write(Path dir) throws IOException {
        CampaignSettings s = settings;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("corpus", s.corpus());
        m.put("modes", s.modes());
        m.put("faults", s.faults());
        m.put("trials", s.trials());
        m.put("timeLimit", s.timeLimit() == null ? null : s.timeLimit().toString());
        m.put("seed", s.seed());
        m.put("workers", s.workers());
        m.put("shard", s.shard().toString());
        m.put("elapsed", elapsed.toString());
        m.put("corpusDigest", corpusDigest);
        m.put("toolVersion", toolVersion);
        m.put("gitCommit", gitCommit);
        m.put("started", started == null ? null : started.toString());
        m.put("finished", finished == null ? null : finished.toString());
        Path partial = dir.resolve(NAME + ".partial");
        Files.writeString(partial, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n");
        Files.move(partial, dir.resolve(NAME), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Whether {@code dir} holds a campaign's settings. */
    static boolean isIn(Path dir) {
        return Files.isRegularFile(dir.resolve(NAME));
    }

    /**
     * Reads {@code dir}'s file. Fields a campaign of an earlier version did not write read as
     * the whole campaign, no time spent, and {@code unknown} identity.
     *
     * @throws IllegalArgumentException with the reason, when the file is missing or unreadable
     */
    @SuppressWarnings("unchecked")
    static CampaignFile read(Path dir) {
        Path file = dir.resolve(NAME);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no " + NAME + " there (is it a campaign directory?)");
        }
        try {
            Map<String, Object> m = JSON.readValue(file.toFile(), Map.class);
            Object limit = m.get("timeLimit");
            Object shard = m.get("shard");
            Object elapsed = m.get("elapsed");
            CampaignSettings settings = new CampaignSettings((String) m.get("corpus"), (List<String>) m.get("modes"),
                    (List<String>) m.get("faults"), ((Number) m.get("trials")).longValue(),
                    limit == null ? null : Duration.parse((String) limit), ((Number) m.get("seed")).longValue(),
                    ((Number) m.get("workers")).intValue(), shard == null ? Shard.WHOLE : Shard.parse((String) shard));
            return new CampaignFile(settings, elapsed == null ? Duration.ZERO : Duration.parse((String) elapsed),
                    text(m, "corpusDigest"), text(m, "toolVersion"), text(m, "gitCommit"), instant(m, "started"), instant(m, "finished"));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("unreadable " + NAME + " (" + e.getMessage() + ")");
        }
    }

    private static Instant instant(Map<String, Object> m, String key) {
        Object value = m.get(key);
        return value == null ? null : Instant.parse(value.toString());
    }

    private static String text(Map<String, Object> m, String key) {
        Object value = m.get(key);
        return value == null ? "unknown" : value.toString();
    }
}
