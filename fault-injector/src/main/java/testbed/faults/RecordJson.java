package testbed.faults;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A {@link TrialRecord} as the JSON line workers answer with and the trial log holds, written
 * field by field with Jackson's streaming generator. It is exactly the JSON data binding writes
 * for the record (RecordJsonTest holds the two to that), at a fraction of the cost: the record
 * is written once per trial in the worker and once more in the supervisor's log, and binding's
 * reflective walk over the record was 5% of a worker's samples.
 */
final class RecordJson {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private RecordJson() {
    }

    /** The record as one line of JSON in UTF-8, without the line end. */
    static byte[] bytes(TrialRecord r) {
        return string(r).getBytes(StandardCharsets.UTF_8);
    }

    /** The record as one line of JSON, without the line end. */
    static String string(TrialRecord r) {
        // A writer, as data binding's writeValueAsString uses: the byte generator would escape surrogate pairs.
        StringWriter out = new StringWriter(512);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", r.id());
            g.writeStringField("entry", r.entry());
            g.writeStringField("family", r.family());
            g.writeStringField("fault", r.fault());
            g.writeStringField("faultFamily", r.faultFamily());
            g.writeStringField("mode", r.mode());
            g.writeNumberField("seed", r.seed());
            g.writeStringField("outcome", r.outcome() == null ? null : r.outcome().name());
            g.writeStringField("expected", r.expected() == null ? null : r.expected().name());
            g.writeBooleanField("unexpected", r.unexpected());
            g.writeStringField("trapKind", r.trapKind());
            g.writeStringField("detail", r.detail());
            g.writeFieldName("violations");
            if (r.violations() == null) {
                g.writeNull();
            } else {
                g.writeStartArray();
                for (String v : r.violations()) {
                    g.writeString(v);
                }
                g.writeEndArray();
            }
            g.writeStringField("signature", r.signature());
            g.writeNumberField("micros", r.micros());
            g.writeFieldName("phases");
            g.writeStartObject();
            for (Map.Entry<String, Long> p : r.phases().entrySet()) {
                g.writeFieldName(p.getKey());
                if (p.getValue() == null) {
                    g.writeNull();
                } else {
                    g.writeNumber(p.getValue());
                }
            }
            g.writeEndObject();
            g.writeNumberField("violationsCut", r.violationsCut());
            g.writeNumberField("charactersCut", r.charactersCut());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a string writer takes any write
        }
        return out.toString();
    }
}
