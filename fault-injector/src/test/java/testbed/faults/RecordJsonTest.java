package testbed.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import testbed.corpus.Corpus;
import testbed.corpus.CorpusEntry;
import testbed.corpus.Outcome;

/** The streaming writer of trial records writes what data binding writes, byte for byte, and reads back to the same record. */
class RecordJsonTest {
    private static final ObjectMapper BINDING = JsonMapper.builder().build();

    @Test
    void writesWhatDataBindingWritesForRecordsOfEveryShape() throws Exception {
        List<TrialRecord> records = new ArrayList<>(SampleTrials.some());
        records.addAll(SampleTrials.many(200));
        Map<String, Long> phases = new LinkedHashMap<>();
        for (String p : TrialRecord.PHASES) {
            phases.put(p, (long) p.length() * 1000);
        }
        // Texts a hostile extension supplies: quotes, control characters, non-ASCII, surrogate pairs, and cuts.
        String hostile = "\"quoted\" \\ back\tslash\n\u0000\u001f caf\u00e9 \ud83d\ude00 " + "x".repeat(TrialRecord.MAX_DETAIL);
        records.add(new TrialRecord("e~f~M~1", "e", "fam", "f", "ff", "M", Long.MIN_VALUE, Outcome.CONTAINED, null, true, null,
                hostile, List.of(hostile, "", "\u2028"), hostile, Long.MAX_VALUE, phases));
        records.add(new TrialRecord("e~f~M~2", "e", "fam", "f", "ff", "M", 0, Outcome.HUNG, Outcome.OK, false, "WATCHDOG", "",
                List.of(), "", 0, Map.of()));
        try (TrialRunner runner = new TrialRunner(Corpus.bundled())) {
            for (CorpusEntry e : Corpus.bundled().entries().subList(0, 12)) {
                records.add(runner.run(new TrialId(e.name(), "corrupt-address", "SFI_CHECK", 3)));
                records.add(runner.run(new TrialId(e.name(), "none", "BOUNDS", 0)));
            }
        }
        for (TrialRecord r : records) {
            String streamed = RecordJson.string(r);
            assertThat(streamed).isEqualTo(BINDING.writeValueAsString(r));
            assertThat(BINDING.readValue(streamed, TrialRecord.class)).isEqualTo(r);
        }
    }
}
