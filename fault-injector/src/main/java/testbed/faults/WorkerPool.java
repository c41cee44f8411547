package testbed.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import testbed.corpus.Corpus;
import testbed.corpus.Outcome;

/**
 * The supervised worker JVMs of a campaign, one supervising thread each: it feeds its worker
 * trials a few ahead, reads the answers, and replaces the worker when it dies, hangs or retires.
 * A worker that dies takes only its current trial with it (recorded {@code CRASHED}); one that
 * stops answering is killed (its trial {@code HUNG}); the trials queued behind are handed out
 * again. A standby worker boots while the current one works, so a replacement costs no wait.
 */
final class WorkerPool {
    /** Trials sent to a worker ahead of its answers: enough to hide the pipe's latency. */
    private static final int PIPELINE = 8;
    private static final Duration PROTECTED_TIMEOUT = Duration.ofSeconds(120);
    /** The worker judges hangs itself; this backstop catches a worker that cannot even do that. */
    private static final Duration UNPROTECTED_TIMEOUT = Duration.ofSeconds(60);
    /** A freshly booted worker's first trial also loads and compiles the machinery. */
    private static final Duration FIRST_TRIAL_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final Corpus corpus;
    private final List<String> javaOptions;
    private final int workers;
    private final List<Process> live = new ArrayList<>();
    private volatile boolean stopping;

    WorkerPool(Corpus corpus, List<String> javaOptions, int workers) {
        this.corpus = corpus;
        this.javaOptions = List.copyOf(javaOptions);
        this.workers = workers;
    }

    /** Whether {@link #stop()} was called. */
    boolean stopping() {
        return stopping;
    }

    /** Stops dispatching and kills the workers. Safe from a shutdown hook or a signal handler. */
    void stop() {
        stopping = true;
        synchronized (live) {
            live.forEach(Process::destroyForcibly);
        }
    }

    /**
     * Runs the dispenser's trials on the workers until it has none left or {@link #stop()};
     * every answer goes to {@code finished}, from the supervising threads.
     */
    void run(Dispenser dispenser, Consumer<TrialRecord> finished) {
        List<Thread> supervisors = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            Thread t = new Thread(() -> supervise(dispenser, finished), "supervisor-" + w);
            t.start();
            supervisors.add(t);
        }
        for (Thread t : supervisors) {
            try {
                t.join();
            } catch (InterruptedException e) {
                stop();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One worker's life cycle: feed it, read its answers, replace it when it dies, hangs or retires. */
    private void supervise(Dispenser dispenser, Consumer<TrialRecord> finished) {
        Deque<TrialId> inFlight = new ArrayDeque<>();
        CompletableFuture<WorkerProcess> standby = boot();
        try {
            while (!stopping) {
                WorkerProcess worker;
                try {
                    worker = standby.join();
                } catch (CompletionException e) {
                    if (stopping) {
                        return;
                    }
                    throw new UncheckedIOException("cannot start a worker JVM: " + e.getCause().getMessage(), new IOException(e.getCause()));
                }
                standby = boot();
                try {
                    if (!feed(worker, dispenser, inFlight, finished)) {
                        return;
                    }
                } finally {
                    dispenser.giveBack(List.copyOf(inFlight));
                    inFlight.clear();
                    retire(worker);
                }
            }
        } finally {
            standby.thenAccept(this::retire);
        }
    }

    private CompletableFuture<WorkerProcess> boot() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                WorkerProcess w = WorkerProcess.start(javaOptions, corpus.origin(), START_TIMEOUT);
                synchronized (live) {
                    live.add(w.process);
                }
                if (stopping) {
                    retire(w);
                }
                return w;
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
    }

    private void retire(WorkerProcess worker) {
        worker.process.destroyForcibly();
        synchronized (live) {
            live.remove(worker.process);
        }
    }

    /**
     * Feeds one worker until the plan is exhausted (false) or the worker must be replaced (true).
     * Trials are answered in the order sent, so the first unanswered one is the one running.
     */
    private boolean feed(WorkerProcess worker, Dispenser dispenser, Deque<TrialId> inFlight, Consumer<TrialRecord> finished) {
        boolean first = true;
        try {
            while (!stopping) {
                while (inFlight.size() < PIPELINE) {
                    TrialId id = dispenser.take();
                    if (id == null) {
                        break;
                    }
                    worker.send(id);
                    inFlight.add(id);
                }
                if (inFlight.isEmpty()) {
                    return false;
                }
                TrialId current = inFlight.peek();
                Duration limit = first ? FIRST_TRIAL_TIMEOUT : current.mode().equals("NONE") ? UNPROTECTED_TIMEOUT : PROTECTED_TIMEOUT;
                first = false;
                long asked = System.nanoTime();
                String line = worker.answer(limit);
                if (Worker.RETIRING.equals(line)) {
                    return true;
                }
                if (line == null || line == WorkerProcess.DIED) {
                    inFlight.poll();
                    boolean hung = line == null;
                    if (!stopping) {
                        finished.accept(TrialRunner.unanswered(corpus, current, hung ? Outcome.HUNG : Outcome.CRASHED,
                                hung ? "no answer within " + limit.toMillis() + " ms: the worker was killed"
                                     : "the worker JVM died (exit status " + worker.exitStatus() + ")",
                                (System.nanoTime() - asked) / 1000));
                    }
                    return true;
                }
                TrialRecord record;
                try {
                    record = JSON.readValue(line, TrialRecord.class);
                } catch (IOException garbled) {
                    // A JVM that crashed in native code (an unprotected Unsafe write) may print its
                    // fatal-error banner where answers go: the trial killed its worker.
                    inFlight.poll();
                    if (!stopping) {
                        finished.accept(TrialRunner.unanswered(corpus, current, Outcome.CRASHED,
                                "the worker JVM died (exit status " + worker.exitStatus() + ")", (System.nanoTime() - asked) / 1000));
                    }
                    return true;
                }
                inFlight.poll();
                finished.accept(record);
            }
            return false;
        } catch (IOException e) {
            return !stopping;
        }
    }
}
