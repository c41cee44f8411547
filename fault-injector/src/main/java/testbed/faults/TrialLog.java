package testbed.faults;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The campaign's trial log, {@value #FILE_NAME}: one {@link TrialRecord} per line as JSON, in
 * the order the trials finished. It is the campaign's primary record; every report is rendered
 * from it, and {@code --resume} reads it to skip trials already done.
 *
 * <p>Writing: {@link #appendTo(Path)} opens the log, {@link #append(TrialRecord)} writes one
 * whole line per call and hands it to the operating system before returning, so a campaign that
 * is killed loses at most the line it was writing. Reading: {@link #read(Path)} drops such a
 * torn last line and fails on any other line that is not a record.
 *
 * <pre>{@code
 * try (TrialLog log = TrialLog.appendTo(out.resolve(TrialLog.FILE_NAME))) {
 *     for (TrialRecord r : results) log.append(r);
 * }
 * List<TrialRecord> done = TrialLog.read(out.resolve(TrialLog.FILE_NAME));
 * }</pre>
 */
public final class TrialLog implements Closeable {
    /** The log's file name in a campaign's output directory. */
    public static final String FILE_NAME = "trials.jsonl";

    private static final ObjectMapper JSON = JsonMapper.builder()
            // a log written by a newer campaign, with fields this version does not know, still renders
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final FileChannel channel;

    private TrialLog(FileChannel channel) {
        this.channel = channel;
    }

    /**
     * Opens {@code file} for appending, creating it and its directory if needed. If the file ends
     * in a torn line (a previous campaign died mid-write), that line is cut off first so the
     * next record starts on a line of its own; a last line that is a whole record but merely
     * lacks its line feed gets one instead.
     *
     * @param file the log, normally {@code <campaign dir>/}{@value #FILE_NAME}
     * @return an open log; close it when the campaign ends
     * @throws IOException if the file cannot be opened or repaired
     */
    public static TrialLog appendTo(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            repairTail(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new TrialLog(channel);
    }

    /**
     * Writes {@code record} as one JSON line and passes it to the operating system before
     * returning (no buffering in the JVM; no {@code fsync}, so a kill loses nothing but a power
     * cut may). Safe to call from several threads.
     *
     * @param record a finished trial
     * @throws IOException if the write fails
     */
    public synchronized void append(TrialRecord record) throws IOException {
        write(RecordJson.bytes(record));
    }

    /**
     * Writes a record's line as {@link #append(TrialRecord)} would: {@code line} must be
     * {@link #line(TrialRecord)} of it, as a worker answers.
     */
    synchronized void append(String line) throws IOException {
        write(line.getBytes(StandardCharsets.UTF_8));
    }

    private void write(byte[] json) throws IOException {
        ByteBuffer line = ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip();
        while (line.hasRemaining()) {
            channel.write(line);
        }
    }

    /** Closes the file. */
    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }

    /**
     * Reads every record of a log, in file order. Blank lines are skipped. A last line that is
     * not a whole record is a write torn by an interrupted campaign and is dropped; any earlier
     * line that is not a record is an error naming the file and line.
     *
     * @param file a log written by {@link #appendTo(Path)}
     * @return the records; empty for an empty file
     * @throws IOException if the file cannot be read or a line before the last is not a record
     */
    public static List<TrialRecord> read(Path file) throws IOException {
        List<TrialRecord> records = new ArrayList<>();
        each(file, records::add);
        return records;
    }

    /**
     * Hands every record of a log to {@code action}, in file order, holding one line at a time:
     * how a log too long to keep in memory is counted or merged. Lines are judged as by
     * {@link #read(Path)}.
     *
     * @param file a log written by {@link #appendTo(Path)}
     * @param action called once per record
     * @throws IOException if the file cannot be read or a line before the last is not a record
     */
    public static void each(Path file, Consumer<TrialRecord> action) throws IOException {
        eachLine(file, (record, line) -> action.accept(record));
    }

    /**
     * As {@link #each(Path, Consumer)}, handing over each record with its line as written (without
     * the line feed), for copying a log without writing every record again.
     */
    public static void eachLine(Path file, BiConsumer<TrialRecord, String> action) throws IOException {
        // A lenient decoder: a torn line may end inside a multi-byte character.
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8))) {
            String line = in.readLine();
            int number = 1;
            while (line != null) {
                String next = in.readLine();
                if (!line.isBlank()) {
                    TrialRecord record;
                    try {
                        record = parse(line);
                    } catch (JacksonException | RuntimeException e) {
                        if (next != null) {
                            throw new IOException(file + ":" + number + ": not a trial record: " + firstLine(e), e);
                        }
                        record = null;
                    }
                    if (record != null) {
                        action.accept(record, line);
                    }
                }
                line = next;
                number++;
            }
        }
    }

    /**
     * Hands every record of a log to {@code action}, in file order, as {@link #each(Path, Consumer)}
     * does and judging lines as it does, but several times faster, for counting or merging logs
     * of millions of trials: lines are read as bytes, and a record that met its expectation comes
     * in {@linkplain TrialRecord#brief() brief} (its detail, violations and signature checked and
     * left out) while an unexpected one comes whole. Holds one line at a time.
     *
     * @param file a log written by {@link #appendTo(Path)}
     * @param action called once per record
     * @return how many leading bytes of the file are its records' lines exactly as
     *     {@link #eachLine(Path, BiConsumer)} hands them over, each followed by its line feed: so
     *     many bytes of the file copied as they are give every record once, and nothing else. That
     *     is the whole file, less a torn last line, for a log this class wrote; -1 when the lines
     *     must be copied one by one (a blank line, a carriage return, bytes that are not UTF-8, a
     *     last record without its line feed)
     * @throws IOException if the file cannot be read or a line before the last is not a record
     */
    public static long scan(Path file, Consumer<TrialRecord> action) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new LogScan(file, action, new BriefRecordParser(JSON.getFactory())).read(in);
        }
    }

    /** A record as the log's line holds it, without the line feed. */
    public static String line(TrialRecord record) {
        return RecordJson.string(record);
    }

    /** The record of one line, read the ordinary way; what {@link #eachLine(Path, BiConsumer)} and {@link #scan} agree on. */
    public static TrialRecord parse(String line) throws JacksonException {
        TrialRecord record = JSON.readValue(line, TrialRecord.class);
        if (record == null || record.id() == null || record.outcome() == null) {
            throw new IllegalArgumentException("missing id or outcome");
        }
        return record;
    }

    static String firstLine(Exception e) {
        String message = e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage();
        message = message == null ? e.getClass().getSimpleName() : message;
        int cut = message.indexOf('\n');
        return cut < 0 ? message : message.substring(0, cut);
    }

    /** Positions the channel at the end of the log, cutting a torn tail or ending a whole one. */
    private static void repairTail(FileChannel channel) throws IOException {
        long size = channel.size();
        long lineEnd = endOfLastLine(channel, size);
        if (lineEnd < size) {
            ByteBuffer tail = ByteBuffer.allocate(Math.toIntExact(size - lineEnd));
            readFully(channel, tail, lineEnd);
            if (isRecord(new String(tail.array(), StandardCharsets.UTF_8))) {
                channel.write(ByteBuffer.wrap(new byte[] {'\n'}), size);
            } else {
                channel.truncate(lineEnd);
            }
        }
        channel.position(channel.size());
    }

    /** The offset just after the last line feed, or 0. */
    private static long endOfLastLine(FileChannel channel, long size) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(4096);
        long end = size;
        while (end > 0) {
            long start = Math.max(0, end - chunk.capacity());
            chunk.clear().limit((int) (end - start));
            readFully(channel, chunk, start);
            for (int i = chunk.limit() - 1; i >= 0; i--) {
                if (chunk.get(i) == '\n') {
                    return start + i + 1;
                }
            }
            end = start;
        }
        return 0;
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long at) throws IOException {
        while (into.hasRemaining()) {
            if (channel.read(into, at + into.position()) < 0) {
                throw new IOException("log shrank while being opened");
            }
        }
    }

    private static boolean isRecord(String line) {
        try {
            parse(line);
            return true;
        } catch (JacksonException | RuntimeException e) {
            return false;
        }
    }
}
