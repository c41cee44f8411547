package testbed.reports;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.EnumSet;
import java.util.Set;
import testbed.corpus.Outcome;
import testbed.faults.Finding;
import testbed.faults.TrialRecord;

/**
 * {@code findings.sarif}: the campaign's findings as a SARIF 2.1.0 log, so that code-scanning
 * tools list them beside a static analyser's. One rule per outcome a finding can have, one result
 * per deduplicated finding. A result's location is the corpus entry (a logical location: the
 * class is not a source file) and the finding's input class in its folder, relative to the
 * campaign's output directory ({@value #REPORT_DIR}); its fingerprint is the finding's
 * signature, so a code-scanning tool follows the same finding across campaigns.
 */
final class Sarif {
    /** The uriBaseId of every artifact: the campaign's output directory. */
    static final String REPORT_DIR = "REPORTDIR";
    static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
    /** The key of the signature in a result's partialFingerprints. */
    static final String FINGERPRINT = "testbedSignature/v1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Damage a protected mode should have prevented: an error, not a warning. */
    private static final Set<Outcome> DAMAGE = EnumSet.of(Outcome.ESCAPED, Outcome.HUNG, Outcome.CRASHED);

    private Sarif() {
    }

    static String render(ContainmentReport report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", SCHEMA);
        root.put("version", "2.1.0");
        ObjectNode run = root.putArray("runs").addObject();
        ObjectNode driver = run.putObject("tool").putObject("driver");
        driver.put("name", "testbed");
        driver.put("version", report.provenance.toolVersion());
        driver.put("semanticVersion", report.provenance.toolVersion());
        ArrayNode rules = driver.putArray("rules");
        for (Outcome o : Outcome.values()) {
            ObjectNode rule = rules.addObject();
            rule.put("id", o.name());
            rule.put("name", ruleName(o));
            rule.putObject("shortDescription").put("text", description(o));
            rule.putObject("defaultConfiguration").put("level", level(o));
        }
        run.putObject("originalUriBaseIds").putObject(REPORT_DIR).putObject("description")
                .put("text", "the campaign's output directory");
        ObjectNode invocation = run.putArray("invocations").addObject();
        invocation.put("executionSuccessful", true);
        invocation.put("commandLine", report.provenance.commandLine());
        ArrayNode results = run.putArray("results");
        for (Finding f : report.findings) {
            results.add(result(f, report));
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write SARIF", e);
        }
    }

    private static ObjectNode result(Finding f, ContainmentReport report) {
        TrialRecord r = f.first();
        ObjectNode result = JSON.createObjectNode();
        result.put("ruleId", r.outcome().name());
        result.put("ruleIndex", r.outcome().ordinal());
        result.put("level", level(r.outcome()));
        String expected = r.expected() == null ? "" : " (expected " + r.expected() + ")";
        String detail = r.detail() == null || r.detail().isEmpty() ? "" : ": " + Escape.printable(r.detail());
        result.putObject("message").put("text", r.outcome() + expected + " under " + r.mode() + " for " + r.entry()
                + " with fault " + r.fault() + detail);
        ObjectNode location = result.putArray("locations").addObject();
        location.putArray("logicalLocations").addObject()
                .put("fullyQualifiedName", r.entry())
                .put("kind", "module");
        if (f.folder() != null && !f.folder().isEmpty()) {
            ObjectNode artifact = location.putObject("physicalLocation").putObject("artifactLocation");
            artifact.put("uri", f.folder().replace('\\', '/') + "/");
            artifact.put("uriBaseId", REPORT_DIR);
        }
        result.putObject("partialFingerprints").put(FINGERPRINT, f.signature());
        ObjectNode properties = result.putObject("properties");
        properties.put("trialId", r.id());
        properties.put("mode", r.mode());
        properties.put("fault", r.fault());
        properties.put("trials", f.count());
        properties.put("replay", Escape.replayCommand(r, report.provenance));
        if (r.trapKind() != null) {
            properties.put("trap", r.trapKind());
        }
        ArrayNode violations = properties.putArray("violations");
        r.violations().forEach(v -> violations.add(Escape.printable(v)));
        return result;
    }

    private static String level(Outcome o) {
        return DAMAGE.contains(o) ? "error" : "warning";
    }

    private static String ruleName(Outcome o) {
        StringBuilder out = new StringBuilder();
        for (String part : o.name().toLowerCase(java.util.Locale.ROOT).split("_")) {
            out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return "Unexpected" + out;
    }

    private static String description(Outcome o) {
        return switch (o) {
            case OK -> "The extension ran to a correct answer where another outcome was expected.";
            case REJECTED -> "The load pipeline refused the extension where another outcome was expected.";
            case CONTAINED -> "The domain was aborted and the kernel stayed intact, where another outcome was expected.";
            case WRONG_RESULT -> "The kernel stayed intact but the extension's answer was wrong.";
            case ESCAPED -> "The oracle found damage outside the extension's fault domain.";
            case HUNG -> "The watchdog or the lockup detector had to stop the extension.";
            case CRASHED -> "The host itself failed.";
        };
    }
}
