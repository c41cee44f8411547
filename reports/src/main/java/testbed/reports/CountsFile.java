package testbed.reports;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;
import testbed.corpus.Outcome;
import testbed.faults.TrialLog;
import testbed.faults.TrialRecord;

/**
 * {@value #FILE_NAME}: a campaign's {@link TrialCounts} as it wrote its report, stamped with the
 * length and CRC-32C of the trial log they were counted from. Merging shards reads a shard's
 * counts from here instead of parsing its whole log when the stamp still matches the log: the
 * campaign that wrote both ran each trial of its part of the plan once (a resume skips the ids
 * already logged), so the log need not be checked again id by id, and the cost of a merge becomes
 * that of checksumming and copying the logs. A stamp that does not match (the log was appended to
 * or edited since), a format this version does not know, or an unreadable file means the log is
 * read whole, as without this file.
 *
 * <p>The cells are arrays (the five names as indexes into {@code names}, then the outcome counts
 * in the order of {@code outcomes}, the unexpected count, the times, and the phase sums in the
 * order of {@code phases}); the unexpected trials are their log records.
 */
public final class CountsFile {
    /** The file's name in a campaign's directory. */
    public static final String FILE_NAME = "trial-counts.json";
    private static final String FORMAT = "testbed-trial-counts/1";
    /** A factory with a codec: the unexpected trials are read as trees and then as log lines. */
    private static final JsonFactory JSON = JsonMapper.builder().build().getFactory();

    private CountsFile() {
    }

    /** A trial log's length and CRC-32C: what the counts were counted from. */
    public record Stamp(long bytes, long crc32c) {
        /** The stamp of {@code log} as it is now; a missing log is empty. */
        public static Stamp of(Path log) throws IOException {
            CRC32C crc = new CRC32C();
            long bytes = 0;
            try (FileChannel in = FileChannel.open(log, StandardOpenOption.READ)) {
                ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    buffer.flip();
                    bytes += buffer.remaining();
                    crc.update(buffer);
                    buffer.clear();
                }
            } catch (NoSuchFileException e) {
                return new Stamp(0, new CRC32C().getValue());
            }
            return new Stamp(bytes, crc.getValue());
        }
    }

    /** Writes {@code counts}, counted from {@code dir}'s trial log as it is now, into {@code dir} (replacing the file whole). */
    public static void write(Path dir, TrialCounts counts) throws IOException {
        Stamp stamp = Stamp.of(dir.resolve(TrialLog.FILE_NAME));
        Path partial = dir.resolve(FILE_NAME + ".partial");
        try (OutputStream out = Files.newOutputStream(partial); JsonGenerator g = JSON.createGenerator(out)) {
            Map<String, Integer> index = new HashMap<>();
            List<String> names = new ArrayList<>();
            for (TrialCounts.Cell c : counts.cells()) {
                for (String name : new String[] {c.entry, c.family, c.fault, c.faultFamily, c.mode}) {
                    index.computeIfAbsent(name, n -> {
                        names.add(n);
                        return names.size() - 1;
                    });
                }
            }
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeObjectFieldStart("log");
            g.writeNumberField("bytes", stamp.bytes());
            g.writeNumberField("crc32c", stamp.crc32c());
            g.writeEndObject();
            g.writeNumberField("trials", counts.trials());
            writeStrings(g, "names", names);
            writeStrings(g, "outcomes", Arrays.stream(Outcome.values()).map(Outcome::name).toList());
            writeStrings(g, "phases", TrialRecord.PHASES);
            g.writeArrayFieldStart("cells");
            for (TrialCounts.Cell c : counts.cells()) {
                g.writeStartArray();
                for (String name : new String[] {c.entry, c.family, c.fault, c.faultFamily, c.mode}) {
                    g.writeNumber(index.get(name));
                }
                for (Outcome o : Outcome.values()) {
                    g.writeNumber(c.outcomes.get(o));
                }
                g.writeNumber(c.outcomes.unexpected());
                g.writeNumber(c.micros);
                g.writeNumber(c.metMicros);
                g.writeNumber(c.met);
                g.writeNumber(c.phased);
                g.writeNumber(c.phasedMicros);
                for (long p : c.phaseMicros) {
                    g.writeNumber(p);
                }
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("unexpected");
            for (TrialRecord r : counts.unexpected()) {
                g.writeRawValue(TrialLog.line(r));
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        Files.move(partial, dir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The counts {@code dir}'s {@value #FILE_NAME} holds, when it was written from the trial log
     * exactly as it is now; empty when there is no such file, it cannot be read, its format is
     * another version's, or the log has changed since.
     */
    public static Optional<TrialCounts> readIfCurrent(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Read read;
        try (InputStream in = Files.newInputStream(file); JsonParser p = JSON.createParser(in)) {
            read = read(p);
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // an unreadable counts file costs only time: the log is read instead
        }
        if (read == null || !read.stamp.equals(Stamp.of(dir.resolve(TrialLog.FILE_NAME)))) {
            return Optional.empty();
        }
        return Optional.of(read.counts);
    }

    private record Read(Stamp stamp, TrialCounts counts) {
    }

    /** The file's contents, or null when it is not this version's format. */
    private static Read read(JsonParser p) throws IOException {
        expect(p.nextToken(), JsonToken.START_OBJECT);
        long bytes = -1;
        long crc = -1;
        long trials = -1;
        List<String> names = null;
        List<int[]> rawCells = null;
        List<long[]> rawTimes = null;
        List<TrialRecord> unexpected = new ArrayList<>();
        int outcomes = Outcome.values().length;
        int phases = TrialRecord.PHASES.size();
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "format" -> {
                    if (!FORMAT.equals(p.getValueAsString())) {
                        return null;
                    }
                }
                case "log" -> {
                    expect(value, JsonToken.START_OBJECT);
                    for (JsonToken u = p.nextToken(); u == JsonToken.FIELD_NAME; u = p.nextToken()) {
                        String name = p.currentName();
                        p.nextToken();
                        if (name.equals("bytes")) {
                            bytes = p.getLongValue();
                        } else if (name.equals("crc32c")) {
                            crc = p.getLongValue();
                        } else {
                            p.skipChildren();
                        }
                    }
                }
                case "trials" -> trials = p.getLongValue();
                case "names" -> names = strings(p, value);
                case "outcomes" -> {
                    if (!strings(p, value).equals(Arrays.stream(Outcome.values()).map(Outcome::name).toList())) {
                        return null;
                    }
                }
                case "phases" -> {
                    if (!strings(p, value).equals(TrialRecord.PHASES)) {
                        return null;
                    }
                }
                case "cells" -> {
                    expect(value, JsonToken.START_ARRAY);
                    rawCells = new ArrayList<>();
                    rawTimes = new ArrayList<>();
                    while (p.nextToken() == JsonToken.START_ARRAY) {
                        int[] counts = new int[5 + outcomes + 1];
                        for (int i = 0; i < counts.length; i++) {
                            expect(p.nextToken(), JsonToken.VALUE_NUMBER_INT);
                            counts[i] = p.getIntValue();
                        }
                        long[] times = new long[5 + phases];
                        for (int i = 0; i < times.length; i++) {
                            expect(p.nextToken(), JsonToken.VALUE_NUMBER_INT);
                            times[i] = p.getLongValue();
                        }
                        expect(p.nextToken(), JsonToken.END_ARRAY);
                        rawCells.add(counts);
                        rawTimes.add(times);
                    }
                }
                case "unexpected" -> {
                    expect(value, JsonToken.START_ARRAY);
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        unexpected.add(TrialLog.parse(p.readValueAsTree().toString()));
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (bytes < 0 || crc < 0 || trials < 0 || names == null || rawCells == null) {
            return null;
        }
        List<TrialCounts.Cell> cells = new ArrayList<>(rawCells.size());
        for (int k = 0; k < rawCells.size(); k++) {
            int[] c = rawCells.get(k);
            long[] times = rawTimes.get(k);
            TrialCounts.Cell cell = new TrialCounts.Cell(names.get(c[0]), names.get(c[1]), names.get(c[2]), names.get(c[3]), names.get(c[4]));
            for (Outcome o : Outcome.values()) {
                cell.outcomes.add(o, c[5 + o.ordinal()]);
            }
            cell.outcomes.addUnexpected(c[5 + outcomes]);
            cell.micros = times[0];
            cell.metMicros = times[1];
            cell.met = Math.toIntExact(times[2]);
            cell.phased = times[3];
            cell.phasedMicros = times[4];
            System.arraycopy(times, 5, cell.phaseMicros, 0, phases);
            cells.add(cell);
        }
        return new Read(new Stamp(bytes, crc), TrialCounts.restored(trials, cells, unexpected));
    }

    private static void writeStrings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private static List<String> strings(JsonParser p, JsonToken start) throws IOException {
        expect(start, JsonToken.START_ARRAY);
        List<String> values = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            expect(t, JsonToken.VALUE_STRING);
            values.add(p.getText());
        }
        return values;
    }

    private static void expect(JsonToken actual, JsonToken expected) throws IOException {
        if (actual != expected) {
            throw new IOException("expected " + expected + ", found " + actual);
        }
    }
}
