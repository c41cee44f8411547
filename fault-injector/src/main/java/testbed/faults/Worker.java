package testbed.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
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
    /** How often the main thread looks at the running trial. */
    private static final long WATCH_MILLIS = 5;

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
        TrialRunner runner = new TrialRunner(corpus, Protections.fromSystemProperty());
        Answers answers = new Answers(protocol);
        answers.write(READY);
        TrialThread trials = new TrialThread(runner, in, answers, new AtomicInteger());
        while (true) {
            Thread.sleep(WATCH_MILLIS);
            if (!trials.overstayed()) {
                continue;
            }
            // Hung: stop the trial's thread, or failing that, this whole process.
            TrialId id = trials.current;
            long cpu = trials.cpuMillis();
            long wall = trials.wallMicros();
            boolean stopped = trials.stop();
            answers.write(JSON.writeValueAsString(TrialRunner.unanswered(corpus, id, Outcome.HUNG,
                    "no answer after " + cpu + " ms of CPU: the " + (stopped ? "trial's thread was stopped" : "worker was retired"),
                    wall)));
            if (!stopped) {
                answers.write(RETIRING);
                Runtime.getRuntime().halt(0);
            }
            runner.trialAbandoned();
            trials = new TrialThread(runner, in, answers, trials.warm);
        }
    }

    /** The protocol stream, one whole line at a time from either thread. */
    private static final class Answers {
        private final OutputStream out;

        Answers(OutputStream out) {
            this.out = out;
        }

        synchronized void write(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    /**
     * The thread trials run on: it reads each id, runs the trial and writes its answer itself, so
     * that a trial costs no hand-off between threads; the worker's main thread only watches it.
     * An unprotected trial is judged hung by the simulated machine's lockup detector, from a
     * count of its work (see {@code Sandbox.unprotected}), which is deterministic; these limits
     * are the backstop for what the count cannot see (a class the metering rewrite refused, a
     * thread blocked forever, a JDK call that runs for seconds): {@value #CPU_LIMIT_MILLIS} ms of
     * the thread's CPU or {@value #WALL_LIMIT_MILLIS} ms of wall time. A protected trial stops
     * itself (fuel, watchdog), so its limits only catch a failure of the host and sit above the
     * watchdog's.
     *
     * <p>Whether a trial finished or hung is decided once, by whichever thread first moves its
     * state from running: the trial thread to answer it, or the main thread to stop it.
     */
    private static final class TrialThread {
        static final long CPU_LIMIT_MILLIS = 1_000;
        static final long WALL_LIMIT_MILLIS = 4_000;
        static final long PROTECTED_LIMIT_MILLIS = 10_000;
        private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
        private static final int IDLE = 0;
        private static final int RUNNING = 1;
        private static final int HUNG = 2;

        private final TrialRunner runner;
        private final BufferedReader in;
        private final Answers answers;
        /** Trials begun by this worker so far, over every trial thread it had. */
        private final AtomicInteger warm;
        private final AtomicInteger state = new AtomicInteger(IDLE);
        private final Thread thread;
        private volatile TrialId current;
        private volatile long cpuStart;
        private volatile long wallStart;
        /** Multiplies the limits: a cold JVM interprets the whole pipeline for its first trials. */
        private volatile int slack;

        TrialThread(TrialRunner runner, BufferedReader in, Answers answers, AtomicInteger warm) {
            this.runner = runner;
            this.in = in;
            this.answers = answers;
            this.warm = warm;
            thread = new Thread(this::loop, "trial");
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            try {
                int threads = Thread.activeCount();
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.isBlank()) {
                        continue;
                    }
                    TrialId id = TrialId.parse(line.trim());
                    current = id;
                    slack = warm.getAndIncrement() < WARM_UP_TRIALS ? 10 : 1;
                    cpuStart = CPU.getCurrentThreadCpuTime();
                    wallStart = System.nanoTime();
                    state.set(RUNNING);
                    TrialRecord record = runner.run(id);
                    if (!state.compareAndSet(RUNNING, IDLE)) {
                        return; // the main thread judged it hung and answered for it
                    }
                    answers.write(RecordJson.string(record));
                    if (Thread.activeCount() > threads) {
                        answers.write(RETIRING);
                        Runtime.getRuntime().halt(0);
                    }
                }
                runner.close();
                Runtime.getRuntime().halt(0);
            } catch (IOException | RuntimeException | Error e) {
                if (state.get() == HUNG) {
                    return; // stopped: the main thread carries on with a new trial thread
                }
                // A failure of the worker itself, not of a trial: the supervisor sees it die.
                Runtime.getRuntime().halt(1);
            }
        }

        /** Whether the running trial passed its limits; if so, it is now the main thread's to stop. */
        boolean overstayed() {
            if (state.get() != RUNNING) {
                return false;
            }
            long wall = (System.nanoTime() - wallStart) / 1_000_000;
            int s = slack;
            boolean hung = current.mode().equals("NONE")
                    ? cpuMillis() > CPU_LIMIT_MILLIS * s || wall > WALL_LIMIT_MILLIS * s
                    : wall > PROTECTED_LIMIT_MILLIS * s;
            return hung && state.compareAndSet(RUNNING, HUNG);
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
         * next trial), again while it lives for half a second, since an extension that catches
         * the stop or blocks again in its next call outlives one. From JDK 20 on it throws; either
         * way, a thread still alive means the answer is false and the process must go.
         */
        @SuppressWarnings({"deprecation", "removal"})
        boolean stop() throws InterruptedException {
            for (int attempt = 0; attempt < 10 && thread.isAlive(); attempt++) {
                try {
                    thread.stop();
                } catch (UnsupportedOperationException e) {
                    return false;
                }
                thread.join(50);
            }
            return !thread.isAlive();
        }
    }
}
