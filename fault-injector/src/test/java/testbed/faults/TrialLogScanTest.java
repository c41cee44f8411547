package testbed.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.corpus.Outcome;

/** {@link TrialLog#scan} reads what {@link TrialLog#eachLine} reads, whatever the log holds, and says truly how much of it a copy may take as it is. */
class TrialLogScanTest {
    /** What a generated log's lines may be besides ordinary records. */
    enum Line { ORDINARY, UNEXPECTED, LONG_TEXTS, OVERSIZE, UNICODE, BLANK, CRLF, LONE_CR, NOT_UTF8, REORDERED, UNKNOWN_FIELD, WRONG_TYPE, GARBAGE, TORN_LAST, NO_LAST_FEED }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    @TempDir
    Path dir;

    @Test
    void scanHandsOverTheRecordsEachLineDoesBriefUnlessUnexpectedAndCopiesOnlyWhatALineByLineCopyWrites() throws IOException {
        Map<Line, Integer> generated = new EnumMap<>(Line.class);
        int verbatim = 0;
        for (int seed = 0; seed < 400; seed++) {
            Random random = new Random(seed);
            byte[] log = log(random, generated);
            Path file = dir.resolve("log-" + seed + ".jsonl");
            Files.write(file, log);

            List<TrialRecord> expected = new ArrayList<>();
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            String expectedError = null;
            try {
                TrialLog.eachLine(file, (r, line) -> {
                    expected.add(r.unexpected() ? r : r.brief());
                    copy.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
                });
            } catch (IOException e) {
                expectedError = e.getMessage();
            }
            List<TrialRecord> scanned = new ArrayList<>();
            long prefix;
            try {
                prefix = TrialLog.scan(file, scanned::add);
            } catch (IOException e) {
                assertThat(e.getMessage()).as("seed %d", seed).isEqualTo(expectedError);
                continue;
            }
            assertThat(expectedError).as("seed %d", seed).isNull();
            assertThat(scanned).as("seed %d", seed).containsExactlyElementsOf(expected);
            if (prefix >= 0) {
                verbatim++;
                assertThat(Arrays.copyOf(log, (int) prefix)).as("seed %d", seed).isEqualTo(copy.toByteArray());
            }
        }
        assertThat(generated.keySet()).as("every kind of line generated").containsExactlyInAnyOrder(Line.values());
        assertThat(verbatim).as("logs copied as they are").isGreaterThan(50);
    }

    @Test
    void anOrdinaryLineIsReadWithoutTheOrdinaryReader() throws IOException {
        BriefRecordParser brief = new BriefRecordParser(JSON.getFactory());
        Random random = new Random(1);
        for (int i = 0; i < 200; i++) {
            TrialRecord r = record(random, false, random.nextBoolean() ? 20 : 2_000);
            byte[] line = line(r);
            assertThat(brief.parse(line, 0, line.length)).as("%s", r).isEqualTo(r.brief());
        }
        TrialRecord unexpected = record(random, true, 20);
        byte[] line = line(unexpected);
        assertThat(brief.parse(line, 0, line.length)).as("an unexpected trial is read whole, by the ordinary reader").isNull();
    }

    /** A log of a few lines of random kinds, each kind counted in {@code generated}. */
    private static byte[] log(Random random, Map<Line, Integer> generated) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int lines = 1 + random.nextInt(6);
        Line[] kinds = Line.values();
        for (int i = 0; i < lines; i++) {
            Line kind = random.nextInt(3) == 0 ? kinds[random.nextInt(kinds.length)] : Line.ORDINARY;
            boolean last = i == lines - 1;
            if (!last && (kind == Line.TORN_LAST || kind == Line.NO_LAST_FEED)) {
                kind = Line.ORDINARY;
            }
            generated.merge(kind, 1, Integer::sum);
            String json = new String(line(record(random, kind == Line.UNEXPECTED, kind == Line.LONG_TEXTS ? 5_000 : 30)),
                    StandardCharsets.UTF_8);
            switch (kind) {
                case OVERSIZE -> json = json.replace("\"detail\":\"", "\"detail\":\"" + "y".repeat(TrialRecord.MAX_DETAIL));
                case UNICODE -> json = json.replace("\"detail\":\"", "\"detail\":\"ünïcødé \uD83D\uDCA5 \u2028 ");
                case BLANK -> out.writeBytes(" \t\n".getBytes(StandardCharsets.US_ASCII));
                case CRLF -> json = json + "\r";
                case LONE_CR -> json = json.replace(",\"entry\"", ",\r\"entry\"");
                case REORDERED -> json = json.replaceFirst("\\{(\"id\":\"[^\"]*\"),(\"entry\":\"[^\"]*\")", "{$2,$1");
                case UNKNOWN_FIELD -> json = json.replace(",\"micros\"", ",\"later\":{\"x\":[1,2]},\"micros\"");
                case WRONG_TYPE -> json = json.replaceFirst("\"violationsCut\":(\\d+)", "\"violationsCut\":$1.0");
                case GARBAGE -> json = "{\"id\": oops";
                case TORN_LAST -> json = json.substring(0, random.nextInt(json.length()));
                default -> {
                }
            }
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            if (kind == Line.NOT_UTF8) {
                String text = new String(bytes, StandardCharsets.ISO_8859_1).replace("\"detail\":\"", "\"detail\":\"\u00ff\u00fe");
                bytes = text.getBytes(StandardCharsets.ISO_8859_1);
            }
            out.writeBytes(bytes);
            if (kind != Line.NO_LAST_FEED && !(kind == Line.TORN_LAST && random.nextBoolean())) {
                out.write('\n');
            }
        }
        return out.toByteArray();
    }

    private static TrialRecord record(Random random, boolean unexpected, int textLength) {
        Outcome[] outcomes = Outcome.values();
        String mode = List.of("NONE", "SFI_MASK", "BOUNDS", "PROCESS").get(random.nextInt(4));
        String entry = "memory/Entry" + random.nextInt(9);
        long seed = random.nextLong() & Long.MAX_VALUE;
        Map<String, Long> phases = new LinkedHashMap<>();
        if (random.nextInt(4) > 0) {
            TrialRecord.PHASES.forEach(p -> phases.put(p, (long) random.nextInt(5_000)));
        }
        List<String> violations = new ArrayList<>();
        for (int v = random.nextInt(random.nextInt(10) == 0 ? 90 : 3); v > 0; v--) {
            violations.add("page " + v + " " + "x".repeat(random.nextInt(textLength)));
        }
        Outcome outcome = outcomes[random.nextInt(outcomes.length)];
        return new TrialRecord(new TrialId(entry, "bit-flip-constant", mode, seed).toString(), entry, "memory", "bit-flip-constant", "memory",
                mode, seed, outcome, random.nextBoolean() ? null : outcome, unexpected, random.nextBoolean() ? null : "SEGMENT_VIOLATION",
                "d".repeat(random.nextInt(textLength)) + "\"\\\n\u0001", violations, outcome + "@" + "s".repeat(random.nextInt(textLength)),
                random.nextInt(100_000), phases);
    }

    /** A record's line as {@link TrialLog} writes it. */
    private static byte[] line(TrialRecord r) throws IOException {
        return JSON.writeValueAsBytes(r);
    }
}
