package testbed.corpus;

import java.util.Map;
import testbed.kernel.api.Hook;

/**
 * One discovered corpus entry: the extension's class bytes and the metadata read from its
 * {@link Entry} annotation. The class is never loaded by discovery; {@link #classBytes()} is what a
 * sandbox verifies, rewrites and defines in a fault domain of its own.
 */
public final class CorpusEntry {
    private static final String VERIFIED = "VERIFIED";
    private static final String BOUNDS = "BOUNDS";
    private static final String VERIFIED_STRICT = "VERIFIED_STRICT";
    private final String name;
    private final Family family;
    private final String threat;
    private final String reference;
    private final String className;
    private final Hook hook;
    private final Map<String, Outcome> expectations;
    private final Outcome otherwise;
    private final byte[] classBytes;
    private final String source;

    CorpusEntry(String name, Family family, String threat, String reference, String className, Hook hook,
            Map<String, Outcome> expectations, Outcome otherwise, byte[] classBytes, String source) {
        this.name = name;
        this.family = family;
        this.threat = threat;
        this.reference = reference;
        this.className = className;
        this.hook = hook;
        this.expectations = Map.copyOf(expectations);
        this.otherwise = otherwise;
        this.classBytes = classBytes.clone();
        this.source = source;
    }

    /** Stable id, {@code <family directory>/<simple class name>}, e.g. {@code memory/WildStoreFrameTable}. */
    public String name() {
        return name;
    }

    public Family family() {
        return family;
    }

    /** What the extension does wrong (or, for a benign control, what it does). */
    public String threat() {
        return threat;
    }

    /** The published fault model or attack the entry represents. */
    public String reference() {
        return reference;
    }

    /** Binary name of the extension class, e.g. {@code testbed.corpus.entries.memory.WildStoreFrameTable}. */
    public String className() {
        return className;
    }

    /** The hook the extension implements. */
    public Hook hook() {
        return hook;
    }

    /** A copy of the class file as discovered. */
    public byte[] classBytes() {
        return classBytes.clone();
    }

    /** The outcomes named explicitly, by mode name. */
    public Map<String, Outcome> expectations() {
        return expectations;
    }

    /** The outcome for modes not named in {@link #expectations()}. */
    public Outcome otherwise() {
        return otherwise;
    }

    /**
     * The outcome expected under protection mode {@code mode} (an enum constant's name). An entry
     * that does not name {@code VERIFIED} expects there what it expects under {@code BOUNDS}: the
     * proof removes checks BOUNDS would pass and keeps the BOUNDS check everywhere else, so the two
     * differ only where an entry says so. An entry that does not name {@code VERIFIED_STRICT}, the
     * variant that refuses what the proof cannot show, expects there what it expects under
     * {@code VERIFIED}: it names {@code REJECTED} there when the proof leaves an access guarded.
     */
    public Outcome expected(String mode) {
        Outcome named = expectations.get(mode);
        if (named != null) {
            return named;
        }
        return mode.equals(VERIFIED) ? expected(BOUNDS) : mode.equals(VERIFIED_STRICT) ? expected(VERIFIED) : otherwise;
    }

    /** Where the class file was found: a file path, or {@code jar!/entry}. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return name;
    }
}
