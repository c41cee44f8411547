package testbed.bpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The forms in which users hold classic BPF programs, and their loader.
 *
 * <ul>
 *   <li>{@link #DDD}: {@code tcpdump -ddd}: a line with the instruction count, then one
 *       {@code code jt jf k} line (decimal) per instruction;</li>
 *   <li>{@link #DD}: {@code tcpdump -dd}: C initialisers {@code { 0x28, 0, 0, 0x0000000c },},
 *       optionally inside a {@code struct sock_filter ...[] = { ... };} declaration;</li>
 *   <li>{@link #RAW}: the {@code struct sock_filter} array as bytes, 8 per instruction
 *       (16-bit code, 8-bit jt, 8-bit jf, 32-bit k), little-endian as on x86-64 and arm64.</li>
 * </ul>
 * In the text forms, blank lines and lines starting with {@code #} or {@code //} are ignored
 * (the corpus keeps its metadata in {@code #} lines). Every opcode must be one Linux knows.
 */
public enum ProgramFormat {
    DDD, DD, RAW;

    private static final Pattern INITIALISER = Pattern.compile(
            "\\{\\s*([^,{}\\s]+)\\s*,\\s*([^,{}\\s]+)\\s*,\\s*([^,{}\\s]+)\\s*,\\s*([^,{}\\s]+)\\s*}");
    private static final Pattern DECLARATION = Pattern.compile("^(?:static\\s+)?(?:const\\s+)?struct\\s+sock_filter\\b.*=\\s*\\{?\\s*$");
    private static final int RAW_SIZE = 8;

    /**
     * Guesses the form: bytes that are not printable text are {@link #RAW}; text with a
     * {@code {} is {@link #DD}; any other text is {@link #DDD}.
     */
    public static ProgramFormat detect(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0x09 || b > 0x7e || (b > 0x0d && b < 0x20)) {
                return RAW;
            }
        }
        return new String(bytes, StandardCharsets.US_ASCII).indexOf('{') >= 0 ? DD : DDD;
    }

    /** Reads {@code bytes} in the {@linkplain #detect detected} form. */
    public static FilterProgram load(String name, byte[] bytes) throws FormatException {
        return detect(bytes).read(name, bytes);
    }

    /**
     * Reads a program in this form.
     *
     * @param name the program's name, also the prefix of every error message (a file name)
     * @throws FormatException naming the line and instruction of the first problem
     */
    public FilterProgram read(String name, byte[] bytes) throws FormatException {
        List<Instruction> program = switch (this) {
            case DDD -> ddd(name, lines(bytes));
            case DD -> dd(name, lines(bytes));
            case RAW -> raw(name, bytes);
        };
        if (program.isEmpty()) {
            throw new FormatException(name + ": no instructions");
        }
        return new FilterProgram(programName(name), program);
    }

    private static String programName(String fileName) {
        String base = fileName.substring(fileName.lastIndexOf('/') + 1);
        int dot = base.lastIndexOf('.');
        return dot > 0 ? base.substring(0, dot) : base;
    }

    private static String[] lines(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8).split("\r?\n", -1);
    }

    private static boolean ignored(String line) {
        String t = line.strip();
        return t.isEmpty() || t.startsWith("#") || t.startsWith("//");
    }

    private static List<Instruction> ddd(String name, String[] lines) throws FormatException {
        List<Instruction> program = new ArrayList<>();
        int count = -1;
        int countLine = 0;
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            if (ignored(line)) {
                continue;
            }
            String where = name + ": line " + (n + 1);
            String[] fields = line.strip().split("\\s+");
            if (count < 0) {
                if (fields.length != 1) {
                    throw new FormatException(where + ": expected the instruction count first, found '" + line.strip() + "'");
                }
                count = (int) number(where, fields[0], 0, Codes.MAXINSNS * 16L);
                countLine = n + 1;
                continue;
            }
            where += ", instruction " + program.size();
            if (program.size() == count) {
                throw new FormatException(where + ": more instructions than the count " + count + " on line " + countLine);
            }
            if (fields.length != 4) {
                throw new FormatException(where + ": expected 'code jt jf k', found '" + line.strip() + "'");
            }
            program.add(instruction(where, fields));
        }
        if (count < 0) {
            throw new FormatException(name + ": empty: expected the instruction count");
        }
        if (program.size() != count) {
            throw new FormatException(name + ": line " + lines.length + ": truncated: the count on line " + countLine
                    + " says " + count + " instructions, found " + program.size());
        }
        return program;
    }

    private static List<Instruction> dd(String name, String[] lines) throws FormatException {
        List<Instruction> program = new ArrayList<>();
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (ignored(line) || DECLARATION.matcher(line).matches() || line.equals("};") || line.equals("{")) {
                continue;
            }
            String where = name + ": line " + (n + 1) + ", instruction " + program.size();
            Matcher m = INITIALISER.matcher(line);
            if (!m.find() || m.start() != 0) {
                throw new FormatException(where + ": expected '{ code, jt, jf, k },', found '" + line + "'");
            }
            program.add(instruction(where, new String[] {m.group(1), m.group(2), m.group(3), m.group(4)}));
            String rest = line.substring(m.end()).strip();
            if (!rest.isEmpty() && !rest.equals(",") && !rest.equals("};") && !rest.equals(",};")) {
                throw new FormatException(where + ": one instruction per line, found '" + rest + "' after it");
            }
        }
        return program;
    }

    private static List<Instruction> raw(String name, byte[] bytes) throws FormatException {
        if (bytes.length % RAW_SIZE != 0) {
            throw new FormatException(name + ": instruction " + bytes.length / RAW_SIZE + ": truncated: "
                    + bytes.length + " bytes is not a whole number of 8-byte sock_filter entries");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<Instruction> program = new ArrayList<>();
        while (in.hasRemaining()) {
            int code = Short.toUnsignedInt(in.getShort());
            int jt = Byte.toUnsignedInt(in.get());
            int jf = Byte.toUnsignedInt(in.get());
            int k = in.getInt();
            String where = name + ": instruction " + program.size() + " (byte " + (in.position() - RAW_SIZE) + ")";
            program.add(known(where, new Instruction(code, jt, jf, k)));
        }
        return program;
    }

    private static Instruction instruction(String where, String[] fields) throws FormatException {
        int code = (int) number(where, fields[0], 0, 0xffff);
        int jt = (int) number(where, fields[1], 0, 0xff);
        int jf = (int) number(where, fields[2], 0, 0xff);
        int k = (int) number(where, fields[3], Integer.MIN_VALUE, 0xffffffffL);
        return known(where, new Instruction(code, jt, jf, k));
    }

    private static Instruction known(String where, Instruction i) throws FormatException {
        if (!Checker.knownOpcode(i.code())) {
            throw new FormatException(where + ": unknown opcode 0x" + Integer.toHexString(i.code()));
        }
        return i;
    }

    private static long number(String where, String text, long min, long max) throws FormatException {
        String t = text.toLowerCase(Locale.ROOT);
        long value;
        try {
            value = t.startsWith("0x") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new FormatException(where + ": not a number: '" + text + "'");
        }
        if (value < min || value > max) {
            throw new FormatException(where + ": " + text + " is out of range [" + min + ", " + max + "]");
        }
        return value;
    }
}
