package testbed.sandbox;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * The wall-clock backstop for invocations that fuel cannot stop (a domain blocked in the host,
 * or code the rewrite could not meter). Arming and disarming cost two ordered writes, not a
 * timer per call: one daemon thread samples the armed invocation every {@code period} and fires
 * when the same invocation has been running for longer than its limit.
 */
final class Watchdog implements AutoCloseable {
    private static final VarHandle EPOCH;

    static {
        try {
            EPOCH = MethodHandles.lookup().findVarHandle(Watchdog.class, "epoch", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Odd while an invocation is armed; each arm and disarm moves it on. */
    @SuppressWarnings("unused")
    private volatile long epoch;
    private volatile long limitNanos;
    private volatile Runnable onFire;
    private final Thread sampler;
    private volatile boolean closed;

    Watchdog(String name, long periodMillis, Consumer<Throwable> onError) {
        sampler = new Thread(() -> sample(periodMillis, onError), "watchdog:" + name);
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts watching one invocation; {@code fire} runs on the watchdog thread if it overstays. */
    void arm(long limit, Runnable fire) {
        limitNanos = limit;
        onFire = fire;
        EPOCH.setRelease(this, (long) EPOCH.getOpaque(this) + 1);
    }

    void disarm() {
        EPOCH.setRelease(this, (long) EPOCH.getOpaque(this) + 1);
    }

    private void sample(long periodMillis, Consumer<Throwable> onError) {
        long seenEpoch = -1;
        long seenSince = 0;
        while (!closed) {
            try {
                Thread.sleep(periodMillis);
            } catch (InterruptedException e) {
                return;
            }
            long e = (long) EPOCH.getAcquire(this);
            long now = System.nanoTime();
            if ((e & 1) == 0) {
                seenEpoch = -1;
                continue;
            }
            if (e != seenEpoch) {
                seenEpoch = e;
                seenSince = now;
                continue;
            }
            if (now - seenSince >= limitNanos && (long) EPOCH.getAcquire(this) == e) {
                // Re-read: an invocation that ended meanwhile must not have its successor stopped.
                try {
                    onFire.run();
                } catch (RuntimeException | Error failure) {
                    onError.accept(failure);
                }
                seenEpoch = -1;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        sampler.interrupt();
    }
}
