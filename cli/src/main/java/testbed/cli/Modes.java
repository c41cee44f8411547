package testbed.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import testbed.corpus.Corpus;
import testbed.corpus.CorpusException;
import testbed.faults.Fault;
import testbed.faults.Faults;
import testbed.sfi.ProtectionMode;

/** Turns command-line names into validated lists, with one-line errors. */
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

    static List<String> modes(List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names.isEmpty() ? all() : names) {
            try {
                out.add(ProtectionMode.valueOf(n.trim()).name());
            } catch (IllegalArgumentException e) {
                throw new Testbed.UserError("unknown protection mode '" + n + "' (known: " + String.join(", ", all()) + ")");
            }
        }
        return out;
    }

    static List<String> all() {
        List<String> out = new ArrayList<>();
        for (ProtectionMode m : ProtectionMode.values()) {
            out.add(m.name());
        }
        return out;
    }

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
            try {
                out.add(Faults.byName(n.trim()).name());
            } catch (IllegalArgumentException e) {
                throw new Testbed.UserError(e.getMessage());
            }
        }
        return out;
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
