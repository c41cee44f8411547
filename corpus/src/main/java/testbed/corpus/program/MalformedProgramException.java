package testbed.corpus.program;

/**
 * Text that is not a well-formed program or reproducer. The message is one line,
 * {@code line N: what is wrong}, so a person can fix the file from it.
 */
public final class MalformedProgramException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int line;

    MalformedProgramException(int line, String detail) {
        super("line " + line + ": " + detail);
        this.line = line;
    }

    /** The 1-based number of the offending line. */
    public int line() {
        return line;
    }
}
