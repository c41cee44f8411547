package testbed.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import testbed.reports.stats.Verdict;

/**
 * The page and the record of one classic experiment (E1 to E8): its question, its goals judged
 * on intervals, its tables, the published figure beside ours with one paragraph on why they
 * differ, and the machine and command that reproduce it. {@link #writeTo} writes
 * {@code <id>.html} (rendered from the template {@code src/main/jte/experiment.jte}, which
 * escapes every value) and {@code <id>.json} (the same content as data, plus the experiment's
 * raw samples under {@code data}).
 *
 * @param id {@code E3}
 * @param title a short title
 * @param question what the experiment answers, one or two sentences
 * @param quick whether this was a {@code --quick} run (the page says it decides nothing)
 * @param groupWord what the samples' groups are ({@code forks}, {@code rounds}), for the goals' wording
 * @param banners sentences the page must lead with (a mode that does not exist yet...)
 * @param checks the goals, each judged
 * @param tables the results
 * @param published the published figures beside ours
 * @param whyTheyDiffer one paragraph
 * @param notes further sentences about the run
 * @param provenance the machine, the JVM and its flags, the command
 * @param data the experiment's raw numbers, for the JSON record only
 */
public record ExperimentPage(String id, String title, String question, boolean quick, String groupWord, List<String> banners,
        List<Check> checks, List<Table> tables, List<Published> published, String whyTheyDiffer, List<String> notes,
        Provenance provenance, JsonNode data) {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(null, ContentType.Html,
            ExperimentPage.class.getClassLoader(), ExperimentPage.class.getPackageName());

    /**
     * One goal and how this run stands against it.
     *
     * @param verdictText the verdict in words, with the groups that would decide an inconclusive one
     */
    public record Check(String quantity, String target, String measured, Verdict verdict, String verdictText) {
    }

    /** A table: its caption, its column headings, and its rows (the first cell of each is the row's name). */
    public record Table(String caption, List<String> header, List<List<String>> rows) {
        public Table {
            header = List.copyOf(header);
            rows = rows.stream().map(List::copyOf).toList();
            for (List<String> r : rows) {
                if (r.size() != header.size()) {
                    throw new IllegalArgumentException("table '" + caption + "': a row of " + r.size() + " cells under "
                            + header.size() + " headings");
                }
            }
        }
    }

    /** A published figure and ours for the same quantity. */
    public record Published(String quantity, String published, String source, String ours) {
    }

    public ExperimentPage {
        Objects.requireNonNull(id, "id");
        banners = List.copyOf(banners);
        checks = List.copyOf(checks);
        tables = List.copyOf(tables);
        published = List.copyOf(published);
        notes = List.copyOf(notes);
        Objects.requireNonNull(provenance, "provenance");
        data = data == null ? JSON.createObjectNode() : data;
    }

    /** {@code e3.html}. */
    public String htmlName() {
        return id.toLowerCase(Locale.ROOT) + ".html";
    }

    /** {@code e3.json}. */
    public String jsonName() {
        return id.toLowerCase(Locale.ROOT) + ".json";
    }

    /** The machine's facts in display order, for the template. */
    public List<Map.Entry<String, String>> machine() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cores", Integer.toString(provenance.cores()));
        m.put("JVM", provenance.jdk());
        m.put("JVM flags", provenance.jvmFlags().isEmpty() ? "(none)" : String.join(" ", provenance.jvmFlags()));
        m.put("memory", provenance.memoryBytes() == 0 ? Provenance.UNKNOWN : (provenance.memoryBytes() >> 20) + " MiB");
        m.put("max heap", (provenance.maxHeapBytes() >> 20) + " MiB");
        m.put("tool", provenance.toolVersion() + ", commit " + provenance.gitCommit());
        m.put("date", provenance.date().toString());
        return List.copyOf(m.entrySet());
    }

    /** The HTML page. */
    public String html() {
        StringOutput out = new StringOutput();
        ENGINE.render("experiment.jte", this, out);
        return out.toString();
    }

    /** The JSON record. */
    public ObjectNode json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("experiment", id).put("title", title).put("question", question).put("quick", quick);
        root.set("banners", JSON.valueToTree(banners));
        ArrayNode cs = root.putArray("goals");
        for (Check c : checks) {
            cs.addObject().put("quantity", c.quantity()).put("target", c.target()).put("measured", c.measured())
                    .put("verdict", c.verdict().name()).put("verdictText", c.verdictText());
        }
        ArrayNode ts = root.putArray("tables");
        for (Table t : tables) {
            ObjectNode o = ts.addObject().put("caption", t.caption());
            o.set("header", JSON.valueToTree(t.header()));
            o.set("rows", JSON.valueToTree(t.rows()));
        }
        ArrayNode ps = root.putArray("published");
        for (Published p : published) {
            ps.addObject().put("quantity", p.quantity()).put("published", p.published()).put("source", p.source()).put("ours", p.ours());
        }
        root.put("whyTheyDiffer", whyTheyDiffer);
        root.set("notes", JSON.valueToTree(notes));
        ObjectNode machine = root.putObject("machine");
        machine.put("cores", provenance.cores()).put("jdk", provenance.jdk()).put("memoryBytes", provenance.memoryBytes())
                .put("maxHeapBytes", provenance.maxHeapBytes()).put("toolVersion", provenance.toolVersion())
                .put("gitCommit", provenance.gitCommit()).put("date", provenance.date().toString());
        machine.set("jvmFlags", JSON.valueToTree(provenance.jvmFlags()));
        root.put("command", provenance.commandLine());
        root.set("data", data);
        return root;
    }

    /** Writes {@link #htmlName()} and {@link #jsonName()} into {@code dir}, each beside its name first and then moved into place. */
    public void writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        write(dir, jsonName(), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json()) + "\n");
        write(dir, htmlName(), html());
    }

    private static void write(Path dir, String name, String content) throws IOException {
        Path target = dir.resolve(name);
        Path partial = dir.resolve(name + ".partial");
        Files.writeString(partial, content, StandardCharsets.UTF_8);
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
