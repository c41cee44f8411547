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
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import testbed.corpus.Corpus;
import testbed.corpus.Outcome;
import testbed.sandbox.Protections;

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
    private static final int WARM_UP_TRIALS = 20;
    /** Sent instead of dying silently when the worker ends itself after an answer. */
    static final String RETIRING = "retiring";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private Worker() {
    }

    /** {@code args[0]}: the corpus location ({@code bundled}, a directory or a jar). */
    public static void main(String[] args) throws Exception {
        // Ctrl-C reaches the whole terminal process group, and timeout(1) and batch schedulers
        // signal the whole group too; only the supervisor decides to stop workers, or a worker's
        // death would be taken for a crash of its trial. A worker whose supervisor is gone sees its
        // input end and exits.
        for (String signal : new String[] {"INT", "TERM"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), sun.misc.SignalHandler.SIG_IGN);
        }
        OutputStream protocol = new FileOutputStream(FileDescriptor.out);
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        System.setOut(quiet);
        System.setErr(quiet);
        Corpus corpus = Corpus.open(args.length == 0 ? Corpus.BUNDLED : args[0]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        // Plug-in techniques come from the jars the supervisor named (Protections.JARS_PROPERTY).
        try (TrialRunner runner = new TrialRunner(corpus, Protections.fromSystemProperty())) {
            TrialThread trials = new TrialThread(runner);
            write(protocol, READY);
            int threads = Thread.activeCount();
            int warm = 0;
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                TrialId id = TrialId.parse(line.trim());
                // A cold JVM interprets the whole pipeline for its first trials; give them room.
                TrialRecord record = trials.run(id, warm++ < WARM_UP_TRIALS ? 10 : 1);
                if (record == null) {
                    // Hung: stop the trial's thread, or failing that, this whole process.
                    long cpu = trials.cpuMillis();
                    boolean stopped = trials.stop();
                    write(protocol, JSON.writeValueAsString(TrialRunner.unanswered(corpus, id, Outcome.HUNG,
                            "no answer after " + cpu + " ms of CPU: the " + (stopped ? "trial's thread was stopped" : "worker was retired"),
                            trials.wallMicros())));
                    if (!stopped) {
                        write(protocol, RETIRING);
                        Runtime.getRuntime().halt(0);
                    }
                    runner.trialAbandoned();
                    trials = new TrialThread(runner);
                    threads = Thread.activeCount();
                    continue;
                }
                write(protocol, JSON.writeValueAsString(record));
                if (Thread.activeCount() > threads) {
                    write(protocol, RETIRING);
                    Runtime.getRuntime().halt(0);
                }
            }
        }
        Runtime.getRuntime().halt(0);
    }

    /**
     * The thread trials run on, watched by the worker's main thread. An unprotected trial is
     * judged hung by the simulated machine's lockup detector, from a count of its work (see
     * {@code Sandbox.unprotected}), which is deterministic; these limits are the backstop for
     * what the count cannot see (a class the metering rewrite refused, a thread blocked forever,
     * a JDK call that runs for seconds): {@value #CPU_LIMIT_MILLIS} ms of the thread's CPU or
     * {@value #WALL_LIMIT_MILLIS} ms of wall time. A protected trial stops itself (fuel,
     * watchdog), so its limits only catch a failure of the host and sit above the watchdog's.
     */
    private static final class TrialThread {
        static final long CPU_LIMIT_MILLIS = 1_000;
        static final long WALL_LIMIT_MILLIS = 4_000;
        static final long PROTECTED_LIMIT_MILLIS = 10_000;
        private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

        private final TrialRunner runner;
        private final SynchronousQueue<TrialId> next = new SynchronousQueue<>();
        private final BlockingQueue<Object> done = new LinkedBlockingQueue<>();
        private final Thread thread;
        private long cpuStart;
        private long wallStart;

        TrialThread(TrialRunner runner) {
            this.runner = runner;
            thread = new Thread(this::loop, "trial");
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            while (true) {
                TrialId id;
                try {
                    id = next.take();
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    done.add(runner.run(id));
                } catch (RuntimeException | Error e) {
                    done.add(e);
                }
            }
        }

        /** The trial's record, or null if it hung; {@code slack} multiplies the limits (a cold JVM's first trial). */
        TrialRecord run(TrialId id, int slack) throws InterruptedException {
            cpuStart = CPU.getThreadCpuTime(thread.getId());
            wallStart = System.nanoTime();
            next.put(id);
            while (true) {
                Object r = done.poll(5, TimeUnit.MILLISECONDS);
                if (r instanceof TrialRecord record) {
                    return record;
                }
                if (r instanceof RuntimeException e) {
                    throw e;
                }
                if (r instanceof Error e) {
                    throw e;
                }
                long wall = (System.nanoTime() - wallStart) / 1_000_000;
                boolean hung = id.mode().equals("NONE")
                        ? cpuMillis() > CPU_LIMIT_MILLIS * slack || wall > WALL_LIMIT_MILLIS * slack
                        : wall > PROTECTED_LIMIT_MILLIS * slack;
                if (hung) {
                    return null;
                }
            }
        }

        long cpuMillis() {
            return (CPU.getThreadCpuTime(thread.getId()) - cpuStart) / 1_000_000;
        }

        long wallMicros() {
            return (System.nanoTime() - wallStart) / 1000;
        }

        /**
         * Stops the hung thread: {@code Thread.stop}, which JDK 17 still honours (unprotected
         * extension code has no other way out; the kernel it was in is fully restored before the
         * next trial). From JDK 20 on it throws, and an extension may swallow the stop; either way
         * the answer is false and the process must go.
         */
        @SuppressWarnings({"deprecation", "removal"})
        boolean stop() throws InterruptedException {
            try {
                thread.stop();
            } catch (UnsupportedOperationException e) {
                return false;
            }
            thread.join(500);
            return !thread.isAlive();
        }
    }

    private static void write(OutputStream out, String line) throws java.io.IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
