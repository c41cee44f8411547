package testbed.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import testbed.corpus.Corpus;
import testbed.corpus.CorpusException;
import testbed.faults.Fault;
import testbed.faults.Faults;
import testbed.sandbox.Protection;
import testbed.sandbox.Protections;
import testbed.sfi.ProtectionMode;

/**
 * Turns command-line names into validated, typed lists, with one-line errors. This is where a
 * mode's name becomes a {@link Protection} (or a built-in {@link ProtectionMode}); inward of here
 * commands pass the type, and only trial ids and records carry the name again.
 */
final class Modes {
    /**
     * JVM options of worker processes: a bounded heap, room for deep unprotected recursion, and
     * the client compiler only. A worker defines a new class for almost every trial; the server
     * compiler's work on them is thrown away with them and took most of the second core
     * (measured in-process over 12,000 protected trials: 970 us of process CPU per trial with
     * tiered C2, 750 us with C1 only, for the same trial-thread work). An unprotected extension
     * that writes through {@code Unsafe} kills its worker on purpose; that JVM's fatal-error log
     * goes to the temporary directory, not into the user's working directory, and no core file.
     */
    static final List<String> WORKER_JVM = List.of("-Xmx512m", "-XX:+UseSerialGC", "-Xss2m", "-XX:TieredStopAtLevel=1",
            "-XX:+DisplayVMOutputToStderr", "-XX:-CreateCoredumpOnCrash",
            "-XX:ErrorFile=" + Path.of(System.getProperty("java.io.tmpdir"), "testbed-worker-hs_err_pid%p.log"));

    private Modes() {
    }

    /** Built-in protection modes by name, each once, in the order first named; all of them for none. */
    static List<ProtectionMode> builtIn(List<String> names) {
        List<ProtectionMode> out = new ArrayList<>();
        for (String n : names.isEmpty() ? Modes.names(builtIns()) : names) {
            ProtectionMode mode;
            try {
                mode = ProtectionMode.valueOf(n.trim());
            } catch (IllegalArgumentException e) {
                throw new Testbed.UserError("unknown protection mode '" + n + "' (known: " + String.join(", ", Modes.names(builtIns())) + ")");
            }
            if (!out.contains(mode)) {
                out.add(mode); // a mode named twice runs once: the plan stays balanced and every trial distinct
            }
        }
        return out;
    }

    /** The techniques {@code names} selects among {@code known} (its defaults when empty), each once, in the order given. */
    static List<Protection> modes(List<String> names, Protections known) {
        List<Protection> out = new ArrayList<>();
        for (String n : names.isEmpty() ? known.defaultNames() : names) {
            Protection p;
            try {
                p = known.byName(n.trim());
            } catch (IllegalArgumentException e) {
                throw new Testbed.UserError(e.getMessage() + (known.jars().isEmpty() ? "; a plug-in technique needs --technique-jar" : ""));
            }
            if (!out.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /** The names, as settings and trial ids record them. */
    static List<String> names(List<Protection> techniques) {
        return techniques.stream().map(Protection::name).toList();
    }

    /** Every built-in protection mode as a technique, in declaration order. */
    static List<Protection> builtIns() {
        return Protection.of(List.of(ProtectionMode.values()));
    }

    /** Fault kinds by name, each once, in the order first named; {@code none} and every kind for none. */
    static List<String> faults(List<String> names) {
        List<String> out = new ArrayList<>();
        if (names.isEmpty()) {
            out.add(Faults.none().name());
            for (Fault f : Faults.all()) {
                out.add(f.name());
            }
            return out;
        }
        for (String n : names) {
            String fault;
            try {
                fault = Faults.byName(n.trim()).name();
            } catch (IllegalArgumentException e) {
                throw new Testbed.UserError(e.getMessage());
            }
            if (!out.contains(fault)) {
                out.add(fault);
            }
        }
        return out;
    }

    /**
     * A temporary directory for a command's own scratch work (a replay's campaign, a compiled
     * candidate entry), which {@link #deleteTree} removes when the command is done.
     */
    static Path scratch(String prefix) throws IOException {
        return Files.createTempDirectory(prefix);
    }

    /** Removes a scratch directory and everything in it; what cannot be removed is left. */
    static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // an open file on a platform that forbids removing it: the OS's temp cleanup takes it
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // the directory is already gone
        }
    }

    static Corpus corpus(String location) {
        try {
            Corpus corpus = Corpus.open(location);
            if (corpus.entries().isEmpty()) {
                throw new Testbed.UserError("no corpus entries in " + location
                        + (corpus.defects().isEmpty() ? "" : ": " + corpus.defects().get(0)));
            }
            return corpus;
        } catch (CorpusException e) {
            throw new Testbed.UserError(e.getMessage());
        }
    }
}
