package testbed.program;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The readable text form of a {@link Program}: one operation per line, blocks in braces, what a
 * person reads in a reproducer and edits when shrinking one by hand.
 *
 * <pre>
 * program WildStore_1a2b
 * r2 = segment.base
 * r3 = 0x10000
 * r2 = r2 add r3
 * store32 [r2] = r5
 * loop 3 {
 *   r4 = load8 [r2]
 * }
 * loop r6 {
 *   r6 = r6 sub r1
 * }
 * loop forever {
 *   copy [r2] &lt;- [r3], r4
 * }
 * if r1 lt r2 {
 *   r5 = call alloc(r3)
 * }
 * r5 = recurse r4
 * try {
 *   throw illegal_state
 * } catch runtime {
 *   r0 = 0
 * }
 * </pre>
 *
 * <p>Operations: {@code rD = <number>}, {@code rD = segment.base|segment.size},
 * {@code rD = rA <add|sub|mul|div|rem|and|or|xor|shl|shr|ushr> rB},
 * {@code rD = load<8|16|32|64> [rA]}, {@code store<8|16|32|64> [rA] = rV},
 * {@code copy [rDst] <- [rSrc], rLen}, {@code rD = call <Context method>(rA, ...)},
 * {@code rD = recurse rN}, {@code throw <kind>}; blocks {@code loop <count>|rN|forever { }},
 * {@code if rA <eq|ne|lt|ge> rB { }} and {@code try { } catch <kind> { }}, where a kind is
 * {@code arithmetic}, {@code illegal_state}, {@code runtime} or {@code throwable}. Numbers are
 * decimal or {@code 0x} hexadecimal (up to 16 digits, two's complement), optionally negative;
 * {@link #print} writes small ones in decimal and the rest, addresses mostly, in hex. A loop whose
 * hidden fields do not fit these forms prints as {@code loop trips <n> register <r> {}}. Lines
 * starting with {@code #} are comments, blank lines are ignored, indentation is free.
 *
 * <p>{@code parse(print(p)).equals(p)} for every program.
 */
public final class ProgramText {
    private static final String INDENT = "  ";
    private static final String R = "r(\\d{1,9})";
    // Wider than 64 bits on purpose: an out-of-range number gets its own message, not "unknown operation".
    private static final String NUMBER = "(-?(?:0[xX][0-9a-fA-F]{1,40}|\\d{1,40}))";

    private static final Pattern PROGRAM = Pattern.compile("program\\s+(\\S+)");
    private static final Pattern CONST = Pattern.compile(R + "\\s*=\\s*" + NUMBER);
    private static final Pattern SEGMENT = Pattern.compile(R + "\\s*=\\s*segment\\.(base|size)");
    private static final Pattern ARITH = Pattern.compile(R + "\\s*=\\s*" + R + "\\s+([a-z]+)\\s+" + R);
    private static final Pattern LOAD = Pattern.compile(R + "\\s*=\\s*load(8|16|32|64)\\s*\\[\\s*" + R + "\\s*]");
    private static final Pattern STORE = Pattern.compile("store(8|16|32|64)\\s*\\[\\s*" + R + "\\s*]\\s*=\\s*" + R);
    private static final Pattern COPY = Pattern.compile("copy\\s*\\[\\s*" + R + "\\s*]\\s*<-\\s*\\[\\s*" + R + "\\s*]\\s*,\\s*" + R);
    private static final Pattern CALL = Pattern.compile(R + "\\s*=\\s*call\\s+([A-Za-z]+)\\s*\\(([^)]*)\\)");
    private static final Pattern RECURSE = Pattern.compile(R + "\\s*=\\s*recurse\\s+" + R);
    private static final Pattern THROW = Pattern.compile("throw\\s+([a-z_]+)");
    private static final Pattern LOOP = Pattern.compile("loop\\s+(forever|" + NUMBER + "|" + R + ")\\s*\\{");
    private static final Pattern RAW_LOOP = Pattern.compile("loop\\s+trips\\s+" + NUMBER + "\\s+register\\s+(-?\\d{1,9})\\s*\\{");
    private static final Pattern IF = Pattern.compile("if\\s+" + R + "\\s+([a-z]+)\\s+" + R + "\\s*\\{");
    private static final Pattern TRY = Pattern.compile("try\\s*\\{");
    private static final Pattern CATCH = Pattern.compile("}\\s*catch\\s+([a-z_]+)\\s*\\{");
    private static final Pattern CLOSE = Pattern.compile("}");
    private static final Pattern ARGUMENT = Pattern.compile("\\s*" + R + "\\s*");

    private static final Map<String, Op.Helper> HELPERS = helpers();

    private ProgramText() {
    }

    /** The text of {@code program}: a {@code program <name>} line, then one operation per line, ending in a newline. */
    public static String print(Program program) {
        StringBuilder out = new StringBuilder(32 * (program.size() + 1));
        out.append("program ").append(program.name()).append('\n');
        block(out, program.body(), 0);
        return out.toString();
    }

    /**
     * Reads a program. Comment lines ({@code #}) may come before the {@code program} line and
     * anywhere after it.
     *
     * @throws MalformedProgramException naming the first offending line
     */
    public static Program parse(String text) {
        return new Parser(text).program();
    }

    // ---- printing ----

    private static void block(StringBuilder out, List<Op> ops, int depth) {
        for (Op op : ops) {
            indent(out, depth);
            op(out, op, depth);
        }
    }

    private static void indent(StringBuilder out, int depth) {
        for (int i = 0; i < depth; i++) {
            out.append(INDENT);
        }
    }

    private static void op(StringBuilder out, Op op, int depth) {
        if (op instanceof Op.Const c) {
            out.append('r').append(c.dst()).append(" = ").append(number(c.value()));
        } else if (op instanceof Op.Segment s) {
            out.append('r').append(s.dst()).append(" = segment.").append(lower(s.field()));
        } else if (op instanceof Op.Arith a) {
            out.append('r').append(a.dst()).append(" = r").append(a.a()).append(' ').append(lower(a.kind()))
                    .append(" r").append(a.b());
        } else if (op instanceof Op.Load l) {
            out.append('r').append(l.dst()).append(" = load").append(l.width().bytes() * 8).append(" [r").append(l.address()).append(']');
        } else if (op instanceof Op.Store s) {
            out.append("store").append(s.width().bytes() * 8).append(" [r").append(s.address()).append("] = r").append(s.value());
        } else if (op instanceof Op.Copy c) {
            out.append("copy [r").append(c.destination()).append("] <- [r").append(c.source()).append("], r").append(c.length());
        } else if (op instanceof Op.Call c) {
            out.append('r').append(c.dst()).append(" = call ").append(ProgramCompiler.helperMethod(c.helper())).append('(');
            for (int i = 0; i < c.args().size(); i++) {
                out.append(i == 0 ? "r" : ", r").append(c.args().get(i));
            }
            out.append(')');
        } else if (op instanceof Op.Recurse r) {
            out.append('r').append(r.dst()).append(" = recurse r").append(r.depth());
        } else if (op instanceof Op.Throw t) {
            out.append("throw ").append(lower(t.kind()));
        } else if (op instanceof Op.Loop l) {
            out.append("loop ").append(loopCount(l)).append(" {\n");
            block(out, l.body(), depth + 1);
            indent(out, depth);
            out.append('}');
        } else if (op instanceof Op.If i) {
            out.append("if r").append(i.a()).append(' ').append(lower(i.cmp())).append(" r").append(i.b()).append(" {\n");
            block(out, i.then(), depth + 1);
            indent(out, depth);
            out.append('}');
        } else if (op instanceof Op.Try t) {
            out.append("try {\n");
            block(out, t.body(), depth + 1);
            indent(out, depth);
            out.append("} catch ").append(lower(t.caught())).append(" {\n");
            block(out, t.handler(), depth + 1);
            indent(out, depth);
            out.append('}');
        } else {
            throw new IllegalArgumentException("unknown operation " + op);
        }
        out.append('\n');
    }

    private static String loopCount(Op.Loop l) {
        if (l.tripsRegister() == -1) {
            return l.trips() == Op.Loop.UNBOUNDED ? "forever" : number(l.trips());
        }
        if (l.tripsRegister() >= 0 && l.trips() == 0) {
            return "r" + l.tripsRegister();
        }
        return "trips " + number(l.trips()) + " register " + l.tripsRegister();
    }

    /** Small numbers in decimal, the rest (addresses, masks) in hex. */
    static String number(long value) {
        if (value > -1024 && value < 1024) {
            return Long.toString(value);
        }
        // -Long.MIN_VALUE is Long.MIN_VALUE, whose unsigned hex reads back to the same value.
        return value < 0 ? "-0x" + Long.toHexString(-value) : "0x" + Long.toHexString(value);
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static Map<String, Op.Helper> helpers() {
        Map<String, Op.Helper> byName = new LinkedHashMap<>();
        for (Op.Helper h : Op.Helper.values()) {
            byName.put(ProgramCompiler.helperMethod(h), h);
        }
        return byName;
    }

    // ---- parsing ----

    /** How a block ended (at the 0-based {@code line}): at the end of the text, a closing brace, or {@code } catch <kind> {}. */
    private record End(int line, Op.Thrown caught, boolean eof) {
    }

    private record Block(List<Op> ops, End end) {
    }

    private static final class Parser {
        private final String[] lines;
        private int next;

        Parser(String text) {
            this.lines = text.split("\r?\n", -1);
        }

        Program program() {
            int line = nextLine();
            if (line < 0) {
                throw new MalformedProgramException(Math.max(1, lines.length), "no 'program <Name>' line");
            }
            Matcher m = PROGRAM.matcher(text(line));
            if (!m.matches()) {
                throw error(line, "expected 'program <Name>' but found '" + text(line) + "'");
            }
            String name = m.group(1);
            Block body = block();
            if (!body.end().eof()) {
                throw error(body.end().line(), "'}' closes no block");
            }
            try {
                return new Program(name, body.ops());
            } catch (IllegalArgumentException e) {
                throw error(line, e.getMessage());
            }
        }

        /** Index of the next line that is neither blank nor a comment, or -1 at the end. */
        private int nextLine() {
            while (next < lines.length) {
                String t = lines[next].strip();
                next++;
                if (!t.isEmpty() && !t.startsWith("#")) {
                    return next - 1;
                }
            }
            return -1;
        }

        private String text(int line) {
            return lines[line].strip();
        }

        private Block block() {
            List<Op> ops = new ArrayList<>();
            while (true) {
                int line = nextLine();
                if (line < 0) {
                    return new Block(ops, new End(lines.length - 1, null, true));
                }
                String t = text(line);
                if (CLOSE.matcher(t).matches()) {
                    return new Block(ops, new End(line, null, false));
                }
                Matcher m = CATCH.matcher(t);
                if (m.matches()) {
                    return new Block(ops, new End(line, thrown(line, m.group(1)), false));
                }
                try {
                    ops.add(op(line, t));
                } catch (MalformedProgramException e) {
                    throw e;
                } catch (IllegalArgumentException e) {
                    // An operation's own check (a register out of range, a helper's arity).
                    throw error(line, e.getMessage());
                }
            }
        }

        private Op op(int line, String t) {
            Matcher m;
            if ((m = CONST.matcher(t)).matches()) {
                return new Op.Const(register(m, 1), number(line, m.group(2)));
            }
            if ((m = SEGMENT.matcher(t)).matches()) {
                return new Op.Segment(register(m, 1), Op.Segment.Field.valueOf(m.group(2).toUpperCase(Locale.ROOT)));
            }
            if ((m = ARITH.matcher(t)).matches()) {
                return new Op.Arith(register(m, 1), constant(line, Op.Arith.Kind.class, m.group(3), "arithmetic operation"),
                        register(m, 2), register(m, 4));
            }
            if ((m = LOAD.matcher(t)).matches()) {
                return new Op.Load(register(m, 1), width(m.group(2)), register(m, 3));
            }
            if ((m = STORE.matcher(t)).matches()) {
                return new Op.Store(width(m.group(1)), register(m, 2), register(m, 3));
            }
            if ((m = COPY.matcher(t)).matches()) {
                return new Op.Copy(register(m, 1), register(m, 2), register(m, 3));
            }
            if ((m = CALL.matcher(t)).matches()) {
                Op.Helper helper = HELPERS.get(m.group(2));
                if (helper == null) {
                    throw error(line, "unknown helper '" + m.group(2) + "'; helpers are " + String.join(", ", HELPERS.keySet()));
                }
                return new Op.Call(register(m, 1), helper, arguments(line, m.group(3)));
            }
            if ((m = RECURSE.matcher(t)).matches()) {
                return new Op.Recurse(register(m, 1), register(m, 2));
            }
            if ((m = THROW.matcher(t)).matches()) {
                return new Op.Throw(thrown(line, m.group(1)));
            }
            if ((m = LOOP.matcher(t)).matches()) {
                String count = m.group(1);
                Block body = closed(line, "loop");
                if (count.equals("forever")) {
                    return new Op.Loop(Op.Loop.UNBOUNDED, -1, body.ops());
                }
                if (m.group(3) != null) {
                    return new Op.Loop(0, Integer.parseInt(m.group(3)), body.ops());
                }
                return new Op.Loop(number(line, m.group(2)), -1, body.ops());
            }
            if ((m = RAW_LOOP.matcher(t)).matches()) {
                long trips = number(line, m.group(1));
                int register = Integer.parseInt(m.group(2));
                return new Op.Loop(trips, register, closed(line, "loop").ops());
            }
            if ((m = IF.matcher(t)).matches()) {
                Op.If.Cmp cmp = constant(line, Op.If.Cmp.class, m.group(2), "comparison");
                return new Op.If(register(m, 1), cmp, register(m, 3), closed(line, "if").ops());
            }
            if (TRY.matcher(t).matches()) {
                Block body = block();
                if (body.end().eof()) {
                    throw error(line, "try is never closed");
                }
                if (body.end().caught() == null) {
                    throw error(body.end().line(), "try opened at line " + (line + 1) + " needs '} catch <kind> {' here");
                }
                Block handler = closed(line, "catch");
                return new Op.Try(body.ops(), body.end().caught(), handler.ops());
            }
            if (t.startsWith("program")) {
                throw error(line, "a second 'program' line: one program per text");
            }
            throw error(line, "unknown operation '" + t + "'");
        }

        /** The body of a block opened at {@code line}, which must end with a plain {@code }}. */
        private Block closed(int line, String what) {
            Block b = block();
            if (b.end().eof()) {
                throw error(line, what + " is never closed");
            }
            if (b.end().caught() != null) {
                throw error(b.end().line(), "'} catch' closes " + what + " opened at line " + (line + 1) + ", not a try");
            }
            return b;
        }

        private List<Integer> arguments(int line, String text) {
            List<Integer> args = new ArrayList<>();
            if (text.isBlank()) {
                return args;
            }
            for (String a : text.split(",", -1)) {
                Matcher m = ARGUMENT.matcher(a);
                if (!m.matches()) {
                    throw error(line, "helper argument '" + a.strip() + "' is not a register");
                }
                args.add(Integer.parseInt(m.group(1)));
            }
            return args;
        }

        private static int register(Matcher m, int group) {
            return Integer.parseInt(m.group(group));
        }

        private static Op.Width width(String bits) {
            return Op.Width.valueOf("W" + bits);
        }

        private Op.Thrown thrown(int line, String name) {
            return constant(line, Op.Thrown.class, name, "exception kind");
        }

        private <E extends Enum<E>> E constant(int line, Class<E> type, String name, String what) {
            for (E e : type.getEnumConstants()) {
                if (lower(e).equals(name)) {
                    return e;
                }
            }
            List<String> known = new ArrayList<>();
            for (E e : type.getEnumConstants()) {
                known.add(lower(e));
            }
            throw error(line, "unknown " + what + " '" + name + "'; expected one of " + String.join(", ", known));
        }

        private long number(int line, String text) {
            boolean negative = text.startsWith("-");
            String digits = negative ? text.substring(1) : text;
            try {
                if (digits.startsWith("0x") || digits.startsWith("0X")) {
                    long magnitude = Long.parseUnsignedLong(digits.substring(2), 16);
                    return negative ? -magnitude : magnitude;
                }
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw error(line, "number " + text + " does not fit in 64 bits");
            }
        }

        private static MalformedProgramException error(int line, String detail) {
            return new MalformedProgramException(line + 1, detail);
        }
    }
}
