package testbed.faults;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import testbed.corpus.Corpus;
import testbed.corpus.Outcome;

/**
 * The supervised worker JVMs of a campaign, one supervising thread each: it feeds its worker
 * trials a few ahead, reads the answers, and replaces the worker when it dies, hangs or retires.
 * A worker that dies takes only its current trial with it (recorded {@code CRASHED}); one that
 * stops answering is killed (its trial {@code HUNG}); the trials queued behind are handed out
 * again. A standby worker boots while the current one works, so a replacement costs no wait.
 *
 * <p>An unprotected ({@code NONE}) trial may kill its worker on purpose, so its worker's death is
 * its outcome. A protected trial must not: a worker lost during one is an
 * {@link InfrastructureFailure} and the trial runs again on a fresh worker, up to
 * {@value #ATTEMPTS} attempts. Only when every attempt takes the worker down is the trial recorded
 * {@code CRASHED} (or {@code HUNG}), unless the last worker was killed by a signal from outside,
 * which no extension can send: then the trial is given up, not recorded.
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
    /** Attempts of a protected trial whose worker is lost before the loss is taken for the trial's doing. */
    static final int ATTEMPTS = 3;
    /** Exit statuses of a JVM killed by SIGKILL or SIGTERM (128 + signal), which come from outside the worker. */
    private static final Set<String> KILLED_FROM_OUTSIDE = Set.of("137", "143");
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final BriefRecordParser BRIEF = new BriefRecordParser(JSON.getFactory());

    /** Where finished trials go. */
    @FunctionalInterface
    interface Answers {
        /**
         * @param record the trial's record, in brief ({@link TrialRecord#brief()}) where the run allows it
         * @param line the worker's answer as the trial log holds the record, or null when the log must write {@code record} itself
         */
        void finished(TrialRecord record, String line);
    }

    private final Corpus corpus;
    private final List<String> javaOptions;
    private final int workers;
    private final List<Process> live = new ArrayList<>();
    private final Map<String, Integer> losses = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private volatile Throwable failure;

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
     * every answer goes to {@code finished} and every lost attempt to {@code lost}, from the
     * supervising threads. If either throws, or a worker cannot be started, the pool stops and
     * this rethrows the first such failure once every supervisor has ended.
     *
     * @param brief whether a trial that met its expectation may be answered in brief: its
     *     ordinary answer line is then read with the streaming parser, and handed on with its
     *     line, which the log takes as it is (reading whole records and writing them again was
     *     half of the supervisor's samples)
     */
    void run(Dispenser dispenser, boolean brief, Answers finished, Consumer<InfrastructureFailure> lost) {
        List<Thread> supervisors = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            Thread t = new Thread(() -> {
                try {
                    supervise(dispenser, brief, finished, lost);
                } catch (RuntimeException | Error e) {
                    synchronized (this) {
                        if (failure == null) {
                            failure = e;
                        }
                    }
                    stop();
                }
            }, "supervisor-" + w);
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
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }

    /** One worker's life cycle: feed it, read its answers, replace it when it dies, hangs or retires. */
    private void supervise(Dispenser dispenser, boolean brief, Answers finished, Consumer<InfrastructureFailure> lost) {
        Deque<TrialId> inFlight = new ArrayDeque<>();
        CompletableFuture<WorkerProcess> standby = boot();
        int failedStarts = 0;
        try {
            while (!stopping) {
                WorkerProcess worker;
                try {
                    worker = standby.join();
                    failedStarts = 0;
                } catch (CompletionException e) {
                    if (stopping) {
                        return;
                    }
                    // A worker killed while it boots is the host's doing too; a JVM that cannot start at all is not.
                    if (++failedStarts >= ATTEMPTS) {
                        throw new UncheckedIOException("cannot start a worker JVM: " + e.getCause().getMessage(), new IOException(e.getCause()));
                    }
                    standby = boot();
                    continue;
                }
                standby = boot();
                try {
                    if (!feed(worker, dispenser, brief, inFlight, finished, lost)) {
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
    private boolean feed(WorkerProcess worker, Dispenser dispenser, boolean brief, Deque<TrialId> inFlight, Answers finished,
            Consumer<InfrastructureFailure> lost) {
        boolean first = true;
        try {
            while (!stopping) {
                while (inFlight.size() < PIPELINE) {
                    List<TrialId> group = dispenser.takeGroup();
                    if (group.isEmpty()) {
                        break;
                    }
                    for (TrialId id : group) {
                        // In flight before it is sent: if the worker is already gone, the trial goes back with the others.
                        inFlight.add(id);
                        worker.send(id);
                    }
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
                if (line == null) {
                    lose(worker, inFlight, Outcome.HUNG, "no answer within " + limit.toMillis() + " ms: the worker was killed", asked,
                            finished, lost);
                    return true;
                }
                if (line == WorkerProcess.DIED) {
                    lose(worker, inFlight, Outcome.CRASHED, "the worker JVM died (exit status " + worker.exitStatus() + ")", asked,
                            finished, lost);
                    return true;
                }
                TrialRecord record = brief ? BRIEF.parse(line) : null;
                String logLine = record == null ? null : line;
                try {
                    if (record == null) {
                        record = JSON.readValue(line, TrialRecord.class);
                    }
                } catch (IOException unreadable) {
                    // A JVM that crashed in native code (an unprotected Unsafe write) may print its
                    // fatal-error banner where answers go: the trial killed its worker.
                    lose(worker, inFlight, Outcome.CRASHED, "the worker's answer could not be read (" + firstLine(unreadable)
                            + ", " + line.length() + " characters); the worker JVM died (exit status " + worker.exitStatus() + ")",
                            asked, finished, lost);
                    return true;
                }
                inFlight.poll();
                losses.remove(current.toString());
                finished.finished(record, logLine);
            }
            return false;
        } catch (IOException e) {
            return !stopping;
        }
    }

    /**
     * The running trial, the first in flight, gave no answer of its own. Unprotected, that is its
     * outcome; protected, it is an infrastructure failure and the trial stays first in flight, to
     * be handed out again, until {@value #ATTEMPTS} attempts show it is the trial's doing.
     */
    private void lose(WorkerProcess worker, Deque<TrialId> inFlight, Outcome outcome, String why, long asked,
            Answers finished, Consumer<InfrastructureFailure> lost) {
        if (stopping) {
            inFlight.poll(); // the campaign killed it; the trial is not done and a resume runs it
            return;
        }
        TrialId current = inFlight.peek();
        long micros = (System.nanoTime() - asked) / 1000;
        if (current.mode().equals("NONE")) {
            inFlight.poll();
            finished.finished(TrialRunner.unanswered(corpus, current, outcome, why, micros), null);
            return;
        }
        int attempt = losses.merge(current.toString(), 1, Integer::sum);
        if (attempt < ATTEMPTS) {
            lost.accept(new InfrastructureFailure(current.toString(), attempt, why, true));
            return;
        }
        inFlight.poll();
        losses.remove(current.toString());
        if (outcome == Outcome.CRASHED && KILLED_FROM_OUTSIDE.contains(worker.exitStatus())) {
            lost.accept(new InfrastructureFailure(current.toString(), attempt, why, false));
            return;
        }
        finished.finished(TrialRunner.unanswered(corpus, current, outcome, why + ", on each of " + attempt + " attempts", micros), null);
    }

    private static String firstLine(Exception e) {
        String message = e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage();
        message = message == null ? e.getClass().getSimpleName() : message;
        int cut = message.indexOf('\n');
        return cut < 0 ? message : message.substring(0, cut);
    }
}
