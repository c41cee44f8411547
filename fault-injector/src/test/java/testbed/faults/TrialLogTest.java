package testbed.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.corpus.Outcome;

class TrialLogTest {
    @TempDir
    Path dir;

    private Path log() {
        return dir.resolve("campaign").resolve(TrialLog.FILE_NAME);
    }

    private void append(List<TrialRecord> records) throws IOException {
        try (TrialLog log = TrialLog.appendTo(log())) {
            for (TrialRecord r : records) {
                log.append(r);
            }
        }
    }

    @Test
    void recordsRoundTripFieldForField() throws Exception {
        List<TrialRecord> records = new ArrayList<>(SampleTrials.some());
        records.add(SampleTrials.trial("evil/ünïcødé\"\n<x>", "wild-store", "memory", "BOUNDS", -9, Outcome.CRASHED, null,
                "line one\nline two \u0000 \uD83D\uDCA5", "v1", "v2"));
        append(records);

        assertThat(TrialLog.read(log())).containsExactlyElementsOf(records);
        assertThat(Files.readAllLines(log())).hasSize(records.size());
    }

    @Test
    void eachLineHoldsExactlyTheRecordsComponentsInOrder() throws Exception {
        append(SampleTrials.some().subList(0, 1));

        JsonNode line = new ObjectMapper().readTree(Files.readAllLines(log()).get(0));
        List<String> components = Arrays.stream(TrialRecord.class.getRecordComponents()).map(RecordComponent::getName).toList();
        assertThat(line.fieldNames()).toIterable().containsExactlyElementsOf(components);
        assertThat(line.get("outcome").asText()).isEqualTo("ESCAPED");
    }

    /**
     * A hostile trial (an exception message of tens of megabytes, sixteen thousand violations, a
     * trap site named by the extension) still gives a record small enough to pass between
     * processes and read back, and the record says how much was cut.
     */
    @Test
    void aHostileTrialsRecordIsBoundedAndCountsWhatWasCut() throws Exception {
        String[] violations = new String[16_347];
        for (int i = 0; i < violations.length; i++) {
            violations[i] = "WILD_STORE HEAP @0x" + Integer.toHexString(i * 8) + " domain 2: " + "x".repeat(i == 0 ? 5_000 : 100);
        }
        String message = "\uD83D\uDCA5".repeat(15_000_000); // 30 M chars of surrogate pairs: a cut must not split one
        TrialRecord hostile = SampleTrials.trial("memory/Hostile", "none", "none", "SFI_MASK", 3, Outcome.CONTAINED, Outcome.CONTAINED,
                message, violations);
        append(List.of(hostile));

        String line = Files.readAllLines(log()).get(0);
        assertThat(line.length()).as("record length").isLessThan(200_000);
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("violations").size()).isEqualTo(TrialRecord.MAX_VIOLATIONS);
        assertThat(json.get("violationsCut").asLong()).isEqualTo(violations.length - TrialRecord.MAX_VIOLATIONS);
        assertThat(json.get("charactersCut").asLong()).isGreaterThan(message.length() - TrialRecord.MAX_DETAIL);
        assertThat(json.get("detail").asText()).endsWith(TrialRecord.CUT_MARK).startsWith("\uD83D\uDCA5");
        assertThat(json.get("violations").get(0).asText()).hasSizeLessThanOrEqualTo(TrialRecord.MAX_VIOLATION);
        TrialRecord read = TrialLog.read(log()).get(0);
        assertThat(read).as("cutting a bounded record changes nothing").isEqualTo(hostile);
        assertThat(read.detail().chars().filter(c -> Character.isHighSurrogate((char) c)).count())
                .isEqualTo(read.detail().chars().filter(c -> Character.isLowSurrogate((char) c)).count());
    }

    @Test
    void eachRecordIsOnDiskAsSoonAsItIsAppended() throws Exception {
        List<TrialRecord> records = SampleTrials.some();
        try (TrialLog log = TrialLog.appendTo(log())) {
            log.append(records.get(0));
            log.append(records.get(1));
            assertThat(TrialLog.read(log())).containsExactly(records.get(0), records.get(1));
        }
    }

    @Test
    void aTornLastLineIsDropped() throws Exception {
        List<TrialRecord> records = SampleTrials.some();
        append(records.subList(0, 3));
        String whole = Files.readString(log());
        // the third line, cut short as by a kill mid-write
        String torn = whole.substring(0, whole.length() - 40);
        Files.writeString(log(), torn);

        assertThat(TrialLog.read(log())).containsExactlyElementsOf(records.subList(0, 2));
    }

    @Test
    void aTornLineEndingInsideAMultiByteCharacterIsDropped() throws Exception {
        TrialRecord wide = SampleTrials.trial("benign/Ünïcødé", "none", "none", "NONE", 1, Outcome.OK, Outcome.OK, "ééééé");
        append(List.of(wide, wide));
        byte[] bytes = Files.readAllBytes(log());
        int firstLineEnd = 0;
        while (bytes[firstLineEnd++] != '\n') {
            // find the byte after the first line feed
        }
        int cut = firstLineEnd + ("{\"id\":\"benign/").length() + 1; // one byte into 'Ü'
        Files.write(log(), Arrays.copyOf(bytes, cut));

        assertThat(TrialLog.read(log())).containsExactly(wide);
    }

    @Test
    void aBadLineBeforeTheLastIsAnErrorNamingTheLine() throws Exception {
        List<TrialRecord> records = SampleTrials.some();
        append(records.subList(0, 1));
        Files.writeString(log(), "{\"id\": broken\n", StandardOpenOption.APPEND);
        append(records.subList(1, 2));

        assertThatThrownBy(() -> TrialLog.read(log()))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(log() + ":2: not a trial record");
    }

    @Test
    void appendingAfterATornLineCutsItOffFirst() throws Exception {
        List<TrialRecord> records = SampleTrials.some();
        append(records.subList(0, 2));
        Files.writeString(log(), "{\"id\":\"half a rec", StandardOpenOption.APPEND);

        append(records.subList(2, 4));

        assertThat(TrialLog.read(log())).containsExactlyElementsOf(records.subList(0, 4));
        assertThat(Files.readString(log())).doesNotContain("half a rec").endsWith("\n");
    }

    @Test
    void appendingAfterAWholeLastLineWithoutItsLineFeedKeepsIt() throws Exception {
        List<TrialRecord> records = SampleTrials.some();
        append(records.subList(0, 2));
        String text = Files.readString(log());
        Files.writeString(log(), text.substring(0, text.length() - 1));

        append(records.subList(2, 3));

        assertThat(TrialLog.read(log())).containsExactlyElementsOf(records.subList(0, 3));
    }

    @Test
    void concurrentAppendsNeverInterleaveWithinALine() throws Exception {
        List<TrialRecord> records = SampleTrials.many(3000);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (TrialLog log = TrialLog.appendTo(log())) {
            List<Future<?>> done = new ArrayList<>();
            for (TrialRecord r : records) {
                done.add(pool.submit(() -> {
                    log.append(r);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }

        assertThat(TrialLog.read(log())).containsExactlyInAnyOrderElementsOf(records);
    }

    @Test
    void emptyAndBlankLogsHoldNoRecords() throws Exception {
        Files.createDirectories(log().getParent());
        Files.writeString(log(), "");
        assertThat(TrialLog.read(log())).isEmpty();
        Files.writeString(log(), "\n\n");
        assertThat(TrialLog.read(log())).isEmpty();
    }
}
