package testbed.program;

/**
 * Text that is not a well-formed program or reproducer. The message is one line,
 * {@code line N: what is wrong}, so a person can fix the file from it.
 */
public final class MalformedProgramException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int line;

    /** A malformed line {@code line} (1-based); {@code detail} says what is wrong with it. */
    public MalformedProgramException(int line, String detail) {
        super("line " + line + ": " + detail);
        this.line = line;
    }

    /** The 1-based number of the offending line. */
    public int line() {
        return line;
    }
}
