package testbed.sandbox;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Future;
import testbed.technique.Technique;

/**
 * A plug-in technique's rewrite, run as the untrusted code it is: on a thread of its own, under
 * a time bound, with whatever it throws (an exception, a {@code LinkageError} from a badly built
 * jar, a stack overflow) turned into a {@link TechniqueFailure}, which the load pipeline makes a
 * rejection of that one load. A rewrite that does not return in {@link #LIMIT} is given up: its
 * thread is stopped where the JVM still allows it and abandoned otherwise, and a fresh thread
 * serves the next rewrite.
 *
 * <p>The thread exists from the start, before any trial: a campaign's worker takes a thread that
 * appears during a trial for one the extension left behind. It ends after a while without work
 * and is made again for the next rewrite.
 */
final class PlugInRewrite {
    /** How long one rewrite may take; a cold JVM's first rewrite loads the technique's classes. */
    static final Duration LIMIT = Duration.ofSeconds(5);
    /** How long the thread waits for the next rewrite before it ends. */
    private static final Duration IDLE = Duration.ofSeconds(30);

    private final String name;
    private final Technique technique;
    private Worker worker;

    PlugInRewrite(String name, Technique technique) {
        this.name = name;
        this.technique = technique;
        this.worker = new Worker(name);
    }

    /** The technique's rewrite of a copy of {@code bytes}. */
    byte[] apply(byte[] bytes, Technique.Segment segment) {
        byte[] input = bytes.clone();
        Worker w;
        synchronized (this) {
            w = worker;
        }
        Future<byte[]> result = w.pool.submit(() -> technique.rewrite(input, segment));
        try {
            byte[] out = result.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            if (out == null || out.length == 0) {
                throw new TechniqueFailure("technique '" + name + "' returned no class");
            }
            return out;
        } catch (TimeoutException e) {
            result.cancel(true);
            synchronized (this) {
                if (worker == w) {
                    w.abandon();
                    worker = new Worker(name);
                }
            }
            throw new TechniqueFailure("technique '" + name + "' did not return from its rewrite within " + LIMIT.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new TechniqueFailure("technique '" + name + "' failed while rewriting: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TechniqueFailure("interrupted while technique '" + name + "' was rewriting");
        }
    }

    /** What a plug-in technique did wrong: the message names the technique and the cause. */
    static final class TechniqueFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TechniqueFailure(String message) {
            super(message);
        }

        TechniqueFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** One daemon thread, started at once. */
    private static final class Worker {
        final ThreadPoolExecutor pool;
        private Thread thread;

        Worker(String name) {
            pool = new ThreadPoolExecutor(1, 1, IDLE.toMillis(), TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "technique-" + name);
                t.setDaemon(true);
                synchronized (this) {
                    thread = t;
                }
                return t;
            });
            // An idle thread ends, so a sandbox dropped without close leaves none behind; a busy
            // worker JVM keeps its thread, whose count it watches.
            pool.allowCoreThreadTimeOut(true);
            pool.prestartCoreThread();
        }

        @SuppressWarnings({"deprecation", "removal"})
        void abandon() {
            pool.shutdownNow();
            Thread t;
            synchronized (this) {
                t = thread;
            }
            try {
                t.stop();
            } catch (UnsupportedOperationException e) {
                // JDK 20 and later: the thread keeps spinning as a daemon; a campaign's worker sees
                // the extra thread and retires after this trial.
            }
        }
    }
}
