package testbed.corpus;

/**
 * A class file (or reproducer file) discovery found where an entry should be, but that is not a
 * usable entry. Discovery reports these instead of skipping them, so a forgotten annotation is a
 * failing test, not a silently smaller corpus.
 *
 * @param className binary name of the class (of a reproducer: the class it would compile to)
 * @param source where the class file was found
 * @param kind what is wrong
 * @param detail the specifics, one line
 */
public record EntryDefect(String className, String source, Kind kind, String detail) {

    /** What is wrong with the class. */
    public enum Kind {
        /** No {@link Entry} annotation. */
        NO_METADATA,
        /** The annotation is there but incomplete or inconsistent (blank text, a mode named twice, unknown constant). */
        INVALID_METADATA,
        /** Not one public top-level class with a public no-arg constructor implementing exactly one hook interface. */
        NOT_AN_EXTENSION,
        /** In the entries package but not in the package of its family. */
        MISPLACED,
        /** Another class already has this entry name. */
        DUPLICATE_NAME,
        /** A reproducer file whose header or program is malformed, or whose program is not named after the file. */
        MALFORMED_REPRODUCER,
        /** A file that is not a class file this tool can parse (a newer class-file version, a truncated file). */
        UNREADABLE
    }

    /** One line: {@code class (source): kind: detail}. */
    @Override
    public String toString() {
        return className + " (" + source + "): " + kind + ": " + detail;
    }
}
