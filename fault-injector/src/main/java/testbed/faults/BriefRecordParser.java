package testbed.faults;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import testbed.corpus.Outcome;

/**
 * Reads one line of a trial log, as UTF-8 bytes, straight into {@link TrialRecord#brief()}
 * form with Jackson's streaming parser: the detail, the violations and the signature are
 * checked for their type and size and skipped, never turned into strings, which is most of what
 * reading a long log costs. It only answers for the ordinary line, one this version wrote for a
 * trial that met its expectation (its fields in the record's order, matched as bytes); for
 * anything else (an unexpected trial, a field missing, unknown, out of order or of another type, a
 * text the record would cut, a line that is not JSON) it answers null and the caller reads the
 * line the ordinary way, which also words any error.
 */
final class BriefRecordParser {
    private static final Outcome[] OUTCOMES = Outcome.values();
    private static final SerializedString[] FIELDS = Arrays.stream(TrialRecord.class.getRecordComponents())
            .map(c -> new SerializedString(c.getName())).toArray(SerializedString[]::new);
    private static final SerializedString[] PHASES = TrialRecord.PHASES.stream().map(SerializedString::new).toArray(SerializedString[]::new);

    private final JsonFactory factory;

    BriefRecordParser(JsonFactory factory) {
        this.factory = factory;
    }

    /** {@code line} as a brief record, or null when the ordinary reader must judge it. */
    TrialRecord parse(String line) {
        // A character of the line is at least one character of any text in it, as a byte is below.
        try (JsonParser p = factory.createParser(line)) {
            return parse(p, line.length());
        } catch (IOException | RuntimeException | Unusual e) {
            return null;
        }
    }

    /** The line {@code bytes[offset, offset + length)} as a brief record, or null when the ordinary reader must judge it. */
    TrialRecord parse(byte[] bytes, int offset, int length) {
        try (JsonParser p = factory.createParser(bytes, offset, length)) {
            return parse(p, length);
        } catch (IOException | RuntimeException | Unusual e) {
            return null;
        }
    }

    private static TrialRecord parse(JsonParser p, int length) throws IOException, Unusual {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new Unusual();
        }
        // No text of a line this short can be longer than a record keeps (a character takes at least a byte).
        boolean shortLine = length <= Math.min(TrialRecord.MAX_VIOLATION, TrialRecord.MAX_SIGNATURE);
        String id = text(p, 0);
        String entry = text(p, 1);
        String family = text(p, 2);
        String fault = text(p, 3);
        String faultFamily = text(p, 4);
        String mode = text(p, 5);
        long seed = number(p, 6);
        Outcome outcome = outcome(p, value(p, 7));
        JsonToken t = value(p, 8);
        Outcome expected = t == JsonToken.VALUE_NULL ? null : outcome(p, t);
        if (value(p, 9) != JsonToken.VALUE_FALSE) {
            throw new Unusual(); // an unexpected trial is kept whole: the ordinary reader reads it
        }
        t = value(p, 10);
        String trapKind = t == JsonToken.VALUE_NULL ? null : text(p, t);
        skipText(p, value(p, 11), shortLine, TrialRecord.MAX_DETAIL);
        skipViolations(p, value(p, 12), shortLine);
        skipText(p, value(p, 13), shortLine, TrialRecord.MAX_SIGNATURE);
        long micros = number(p, 14);
        Map<String, Long> phases = phases(p, value(p, 15));
        long violationsCut = number(p, 16);
        long charactersCut = number(p, 17);
        if (p.nextToken() != JsonToken.END_OBJECT) {
            throw new Unusual();
        }
        return new TrialRecord(id, entry, family, fault, faultFamily, mode, seed, outcome, expected, false, trapKind, "", List.of(), "",
                micros, phases, violationsCut, charactersCut);
    }

    /** The value of the record's {@code field}-th component, which must come next. */
    private static JsonToken value(JsonParser p, int field) throws IOException, Unusual {
        if (!p.nextFieldName(FIELDS[field])) {
            throw new Unusual();
        }
        return p.nextToken();
    }

    private static String text(JsonParser p, int field) throws IOException, Unusual {
        return text(p, value(p, field));
    }

    private static String text(JsonParser p, JsonToken t) throws IOException, Unusual {
        if (t != JsonToken.VALUE_STRING) {
            throw new Unusual();
        }
        return p.getText();
    }

    /** A whole number the record holds as a long. */
    private static long number(JsonParser p, int field) throws IOException, Unusual {
        return number(p, value(p, field));
    }

    private static long number(JsonParser p, JsonToken t) throws IOException, Unusual {
        if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw new Unusual();
        }
        return p.getLongValue();
    }

    private static Outcome outcome(JsonParser p, JsonToken t) throws IOException, Unusual {
        String name = text(p, t);
        for (Outcome o : OUTCOMES) {
            if (o.name().equals(name)) {
                return o;
            }
        }
        throw new Unusual();
    }

    /** A text (or null) that the record keeps as it is, passed over without reading it into a string. */
    private static void skipText(JsonParser p, JsonToken t, boolean shortLine, int max) throws IOException, Unusual {
        if (t != JsonToken.VALUE_NULL && (t != JsonToken.VALUE_STRING || !shortLine && p.getTextLength() > max)) {
            throw new Unusual();
        }
    }

    private static void skipViolations(JsonParser p, JsonToken t, boolean shortLine) throws IOException, Unusual {
        if (t != JsonToken.START_ARRAY) {
            throw new Unusual();
        }
        int count = 0;
        for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
            if (v != JsonToken.VALUE_STRING || ++count > TrialRecord.MAX_VIOLATIONS) {
                throw new Unusual();
            }
            skipText(p, v, shortLine, TrialRecord.MAX_VIOLATION);
        }
    }

    /** The phases' times; their names are matched as bytes while they come in their usual order. */
    private static Map<String, Long> phases(JsonParser p, JsonToken t) throws IOException, Unusual {
        if (t == JsonToken.VALUE_NULL) {
            return Map.of();
        }
        if (t != JsonToken.START_OBJECT) {
            throw new Unusual();
        }
        Map<String, Long> phases = new LinkedHashMap<>();
        for (int i = 0; ; i++) {
            // nextFieldName(name) moves to the next token whether or not it is that name
            boolean usual = i < PHASES.length && p.nextFieldName(PHASES[i]);
            if (!usual && (i < PHASES.length ? p.currentToken() : p.nextToken()) != JsonToken.FIELD_NAME) {
                break;
            }
            String name = usual ? TrialRecord.PHASES.get(i) : p.currentName();
            if (phases.put(name, number(p, p.nextToken())) != null) {
                throw new Unusual();
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT) {
            throw new Unusual();
        }
        return phases;
    }

    /** The line is not the ordinary one: the ordinary reader judges it. */
    private static final class Unusual extends Exception {
        private static final long serialVersionUID = 1L;

        Unusual() {
            super(null, null, false, false);
        }
    }
}
