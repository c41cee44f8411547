package testbed.corpus;

/**
 * Why the corpus could not answer: an unknown or malformed entry name, or a source that cannot be
 * read. Messages are one line and start with the kind's stable {@link Kind#prefix()}.
 */
public final class CorpusException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** The name is well formed but no entry has it. */
        UNKNOWN_ENTRY("unknown corpus entry"),
        /** The name is not {@code <family>/<ClassName>}. */
        MALFORMED_NAME("malformed corpus entry name"),
        /** A directory, jar or class file could not be read or parsed. */
        UNREADABLE("unreadable corpus");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }

        /** Stable message prefix for this kind. */
        public String prefix() {
            return prefix;
        }
    }

    private final Kind kind;

    CorpusException(Kind kind, String detail) {
        super(kind.prefix() + ": " + detail);
        this.kind = kind;
    }

    CorpusException(Kind kind, String detail, Throwable cause) {
        super(kind.prefix() + ": " + detail, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
