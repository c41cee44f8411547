package testbed.reports;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import testbed.faults.TrialRecord;

/**
 * Escapes for text that comes from extensions and trials (entry names, trap messages, oracle
 * violations, ids). Everything such a string contains must reach the reader as text: it must
 * never open a tag, an attribute, a table cell or a link.
 */
final class Escape {
    /** Characters a POSIX shell takes literally inside a word (no tilde at the start: ids cannot start with one). */
    private static final Pattern SHELL_WORD = Pattern.compile("[A-Za-z0-9_./~:+=@%,-]+");

    /** The built-in protection modes: any other mode is a plug-in, whose replay needs its jar. */
    private static final java.util.Set<String> BUILT_IN = java.util.Arrays.stream(testbed.sfi.ProtectionMode.values())
            .map(Enum::name).collect(java.util.stream.Collectors.toUnmodifiableSet());

    private Escape() {
    }

    /**
     * The trial's replay command as a reader can paste it into a shell in any directory: the
     * campaign's {@link Provenance#launcher() launcher} (an absolute command) in place of
     * {@code ./testbed}, the corpus named when it was not the bundled one, and the id
     * single-quoted when it holds anything the shell would interpret ({@code <}, {@code $},
     * {@code ;}, a quote), so an entry named like a command substitution replays instead of running.
     */
    static String replayCommand(TrialRecord trial, Provenance provenance) {
        String command = trial.replayCommand();
        String local = "./testbed ";
        String arguments = command.startsWith(local) ? command.substring(local.length()) : command;
        String id = trial.id();
        if (arguments.endsWith(id)) {
            arguments = arguments.substring(0, arguments.length() - id.length()) + shellWord(id);
        }
        String corpus = provenance.corpus();
        if (arguments.startsWith("replay ") && !(corpus == null || corpus.equals("bundled"))) {
            arguments = "replay --corpus " + shellWord(corpus) + arguments.substring("replay".length());
        }
        if (arguments.startsWith("replay ") && !BUILT_IN.contains(trial.mode())) {
            StringBuilder jars = new StringBuilder();
            provenance.techniqueJars().forEach(jar -> jars.append(" --technique-jar ").append(shellWord(jar)));
            arguments = "replay" + jars + arguments.substring("replay".length());
        }
        return provenance.launcher() + " " + arguments;
    }

    /** One shell word: as it is when the shell takes it literally, else single-quoted. */
    static String shellWord(String word) {
        return SHELL_WORD.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    /**
     * The text with the characters XML 1.0 forbids even as references (C0 controls other than
     * tab, line feed and carriage return; lone surrogates; U+FFFE, U+FFFF) replaced by U+FFFD,
     * for a page whose template escapes markup itself: a terminal escape in a trap message
     * shows as a replacement character instead of reaching the reader's copy and paste.
     */
    static String printable(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || Character.isSurrogate(c) || c == '\uFFFE' || c == '\uFFFF') {
                out.append('\uFFFD');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * Text for HTML or XML 1.0, safe both between tags and inside a double- or single-quoted
     * attribute. Characters that XML 1.0 forbids even as references (C0 controls other than tab,
     * line feed and carriage return; lone surrogates; U+FFFE, U+FFFF) become U+FFFD, so a
     * hostile message can neither break the markup nor make the document unparseable.
     * Tab, line feed and carriage return are written as references so that attribute values
     * keep them through attribute-value normalisation.
     */
    static String markup(String text) {
        String printable = printable(text);
        StringBuilder out = new StringBuilder(printable.length() + 16);
        for (int i = 0; i < printable.length(); i++) {
            char c = printable.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case '\t' -> out.append("&#9;");
                case '\n' -> out.append("&#10;");
                case '\r' -> out.append("&#13;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * A relative link to a path below the report's directory: each segment percent-encoded and
     * the whole prefixed with {@code ./}, so no value can become a {@code javascript:} or other
     * scheme link, or leave the attribute.
     */
    static String relativeHref(String path) {
        StringBuilder out = new StringBuilder("./");
        byte[] bytes = (path == null ? "" : path).getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c == '/' || c == '-' || c == '.' || c == '_' || c == '~'
                    || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /**
     * Text for one cell of a GitHub-flavoured Markdown table: {@code |} cannot end the cell,
     * line breaks become spaces, and Markdown and inline-HTML syntax characters are
     * backslash-escaped or written as entities so that they print as themselves.
     */
    static String markdown(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\', '|', '`', '*', '[', ']', '~' -> out.append('\\').append(c);
                case '_' -> {
                    // GFM never emphasises an underscore between two word characters (SFI_MASK).
                    boolean inWord = i > 0 && i + 1 < text.length()
                            && Character.isLetterOrDigit(text.charAt(i - 1)) && Character.isLetterOrDigit(text.charAt(i + 1));
                    out.append(inWord ? "_" : "\\_");
                }
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '\r', '\n', '\t' -> out.append(' ');
                default -> out.append(c < 0x20 ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    /**
     * A Markdown code span for a table cell (a replay command): the fence is longer than any
     * run of backticks inside, and {@code |} is escaped, which GFM tables honour even in code.
     */
    static String markdownCode(String text) {
        String body = (text == null ? "" : text).replaceAll("[\\r\\n\\t]", " ").replace("|", "\\|");
        int longest = 0;
        int run = 0;
        for (int i = 0; i < body.length(); i++) {
            run = body.charAt(i) == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        String fence = "`".repeat(longest + 1);
        String pad = body.startsWith("`") || body.endsWith("`") ? " " : "";
        return fence + pad + body + pad + fence;
    }
}
