package testbed.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import testbed.corpus.Corpus;

/**
 * The worker process of a campaign: reads trial ids, one per line, from standard input and
 * answers each with its {@link TrialRecord} as one JSON line on the real standard output. An
 * unprotected trial may hang this process or kill it; the {@link Campaign} that supervises it
 * then records the trial as {@code HUNG} or {@code CRASHED} and starts a new worker.
 *
 * <p>Extensions never see the protocol stream: {@code System.out} and {@code System.err} are
 * pointed elsewhere before any trial runs. A trial that leaves threads running (an unprotected
 * extension that started one) ends the worker after its answer, since the thread could damage
 * the next trial's kernel.
 */
public final class Worker {
    static final String READY = "ready";
    /** Sent instead of dying silently when the worker ends itself after an answer. */
    static final String RETIRING = "retiring";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private Worker() {
    }

    /** {@code args[0]}: the corpus location ({@code bundled}, a directory or a jar). */
    public static void main(String[] args) throws Exception {
        OutputStream protocol = new FileOutputStream(FileDescriptor.out);
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        System.setOut(quiet);
        System.setErr(quiet);
        Corpus corpus = CorpusLocation.open(args.length == 0 ? CorpusLocation.BUNDLED : args[0]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (TrialRunner runner = new TrialRunner(corpus)) {
            write(protocol, READY);
            int threads = Thread.activeCount();
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                TrialRecord record = runner.run(TrialId.parse(line.trim()));
                write(protocol, JSON.writeValueAsString(record));
                if (Thread.activeCount() > threads) {
                    write(protocol, RETIRING);
                    Runtime.getRuntime().halt(0);
                }
            }
        }
        Runtime.getRuntime().halt(0);
    }

    private static void write(OutputStream out, String line) throws java.io.IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Where a corpus comes from, as the command line names it. */
    static final class CorpusLocation {
        static final String BUNDLED = "bundled";

        private CorpusLocation() {
        }

        static Corpus open(String location) {
            if (location.equals(BUNDLED)) {
                return Corpus.bundled();
            }
            Path path = Path.of(location);
            return location.endsWith(".jar") ? Corpus.fromJar(path) : Corpus.fromDirectory(path);
        }
    }
}
