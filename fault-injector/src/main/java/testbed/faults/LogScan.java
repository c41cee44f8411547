package testbed.faults;

import com.fasterxml.jackson.core.JacksonException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * One pass of {@link TrialLog#scan} over a log's bytes. Lines are cut at line feeds in a buffer
 * that grows only for a line longer than itself; the ordinary line goes to the
 * {@link BriefRecordParser}, and every other line is decoded and judged exactly as
 * {@link TrialLog#eachLine} judges it (a carriage return ends a line there too; a line that is not
 * a record is an error once another line follows it, and dropped as torn when it is the last).
 */
final class LogScan {
    private static final int BUFFER = 1 << 16;
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private final Path file;
    private final Consumer<TrialRecord> action;
    private final BriefRecordParser brief;
    /** The offset after the last line copied byte for byte so far, or -1 once some line cannot be. */
    private long verbatim;
    private int number;
    /** A line that is not a record: an error if any line follows it. */
    private IOException torn;
    /** Whether the bytes {@link #lineFeed} last passed over hold a carriage return or a byte that is not ASCII. */
    private boolean marked;

    LogScan(Path file, Consumer<TrialRecord> action, BriefRecordParser brief) {
        this.file = file;
        this.action = action;
        this.brief = brief;
    }

    /** Reads {@code in} to its end; the result is {@link TrialLog#scan}'s. */
    long read(InputStream in) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long base = 0; // the file offset of buffer[0]
        int start = 0;
        int end = 0;
        int seen = 0; // buffer[start, seen) holds no line feed
        boolean odd = false; // buffer[start, seen) holds a carriage return or a byte that is not ASCII
        while (true) {
            if (end == buffer.length) {
                if (start == 0) {
                    buffer = Arrays.copyOf(buffer, buffer.length * 2);
                } else {
                    System.arraycopy(buffer, start, buffer, 0, end - start);
                    base += start;
                    end -= start;
                    seen -= start;
                    start = 0;
                }
            }
            int n = in.read(buffer, end, buffer.length - end);
            if (n < 0) {
                break;
            }
            end += n;
            for (int i = seen; i < end; ) {
                int feed = lineFeed(buffer, i, end);
                odd |= marked;
                if (feed == end) {
                    break;
                }
                line(buffer, start, feed - start, !odd, base + feed + 1);
                start = feed + 1;
                i = start;
                odd = false;
            }
            seen = end;
        }
        if (start < end) {
            // A last line without its line feed: a copy would have to add one.
            line(buffer, start, end - start, !odd, -1);
        }
        return verbatim;
    }

    /**
     * The index of the first line feed in {@code bytes[from, to)}, or {@code to}; sets {@link #marked}
     * for the bytes before it. Eight bytes at a time: a log is mostly long ASCII lines.
     */
    private int lineFeed(byte[] bytes, int from, int to) {
        long marks = 0;
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long word = (long) WORDS.get(bytes, i);
            if (zeroByte(word ^ ONES * '\n') != 0) {
                break;
            }
            marks |= zeroByte(word ^ ONES * '\r') | word & HIGHS;
        }
        for (; i < to && bytes[i] != '\n'; i++) {
            marks |= bytes[i] == '\r' ? HIGHS : bytes[i] & 0x80;
        }
        marked = marks != 0;
        return i;
    }

    /** Non-zero exactly when some byte of {@code word} is zero. */
    private static long zeroByte(long word) {
        return (word - ONES) & ~word & HIGHS;
    }

    /** One line up to its line feed ({@code endOffset} past it, -1 for none); {@code ascii}: nothing but ASCII and no carriage return. */
    private void line(byte[] bytes, int offset, int length, boolean ascii, long endOffset) throws IOException {
        if (ascii || !contains(bytes, offset, length, (byte) '\r') && utf8(bytes, offset, length)) {
            followed();
            number++;
            TrialRecord r = length > 0 && bytes[offset] == '{' ? brief.parse(bytes, offset, length) : null;
            if (r != null) {
                action.accept(r);
                keep(endOffset);
            } else {
                judge(new String(bytes, offset, length, StandardCharsets.UTF_8), endOffset);
            }
            return;
        }
        // Decoded leniently, as a torn line may end inside a character, and written back re-encoded.
        verbatim = -1;
        String text = new String(bytes, offset, length, StandardCharsets.UTF_8);
        // As BufferedReader.readLine: a carriage return ends a line, and one before the line feed adds none.
        String[] parts = text.split("\r", -1);
        int count = text.endsWith("\r") ? parts.length - 1 : parts.length;
        for (int i = 0; i < count; i++) {
            followed();
            number++;
            judge(parts[i], endOffset);
        }
    }

    /** The ordinary judgement of one line, as {@link TrialLog#eachLine} makes it. */
    private void judge(String line, long endOffset) {
        if (line.isBlank()) {
            verbatim = -1;
            return;
        }
        TrialRecord r;
        try {
            r = TrialLog.parse(line);
        } catch (JacksonException | RuntimeException e) {
            torn = new IOException(file + ":" + number + ": not a trial record: " + TrialLog.firstLine(e), e);
            return; // the copy can stop before it: it is torn if last, and an error otherwise
        }
        action.accept(r.unexpected() ? r : r.brief());
        keep(endOffset);
    }

    /** Another line comes after the last one: a line before it that was not a record is an error. */
    private void followed() throws IOException {
        if (torn != null) {
            throw torn;
        }
    }

    private void keep(long endOffset) {
        if (endOffset < 0) {
            verbatim = -1;
        } else if (verbatim >= 0) {
            verbatim = endOffset;
        }
    }

    private static boolean contains(byte[] bytes, int offset, int length, byte b) {
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] == b) {
                return true;
            }
        }
        return false;
    }

    private static boolean utf8(byte[] bytes, int offset, int length) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, length));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
