package testbed.corpus;

import java.util.Locale;

/**
 * The kind of misbehaviour an entry represents. Each family is one package under
 * {@value Corpus#ENTRIES_PACKAGE}, named by {@link #directory()}, and the first part of every
 * entry name ({@code memory/WildStoreFrameTable}).
 */
public enum Family {
    /** Loads, stores and bulk copies that leave the segment: wild pointers, overruns, straddles. */
    MEMORY,
    /** Control flow that never returns or unwinds: loops, recursion, exceptions, swallowed traps. */
    CONTROL,
    /** Kernel resources taken and not given back: locks, frames, heap, the transmit ring. */
    RESOURCE,
    /** Misuse of the kernel interface: bad helper arguments and bad answers to the kernel. */
    KERNEL_INTERFACE,
    /** Routes out of the language sandbox that the verifier must refuse: reflection, threads, native code. */
    JVM_ESCAPE,
    /** Well-behaved controls: OK in every mode, so any other outcome is a false alarm. */
    BENIGN,
    /**
     * Programs the fuzzer generated and shrank, kept as regression cases: text reproducers
     * ({@code .program} files, see {@link testbed.corpus.Reproducer}) compiled into
     * classes of this family's package when the corpus is scanned.
     */
    GENERATED;

    /** The package (and directory) of this family's entries, and the first part of their names. */
    public String directory() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The family whose {@link #directory()} is {@code directory}, or {@code null}. */
    static Family ofDirectory(String directory) {
        for (Family f : values()) {
            if (f.directory().equals(directory)) {
                return f;
            }
        }
        return null;
    }
}
