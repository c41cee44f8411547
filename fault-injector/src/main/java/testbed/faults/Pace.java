package testbed.faults;

import java.time.Duration;

/**
 * The time a campaign has left, estimated from its pace since its first answer: booting the
 * workers and warming them up is paid once, before that answer, and must not be spread over the
 * trials still to run (a 500-trial campaign whose first trial took five seconds to come back is
 * not 41 minutes from its end). No estimate until {@value #MIN_SAMPLE} trials have been timed.
 */
final class Pace {
    /** Trials timed after the first answer before an estimate is given. */
    static final int MIN_SAMPLE = 10;

    private long firstNanos = -1;
    private long firstDone;

    /** Notes that {@code done} trials of this run have finished at {@code nanos}. */
    void finished(long done, long nanos) {
        if (firstNanos < 0) {
            firstNanos = nanos;
            firstDone = done;
        }
    }

    /** Trials per second since the first answer, or 0 before there is a pace. */
    double rate(long done, long nanos) {
        long timed = done - firstDone;
        return firstNanos < 0 || timed < MIN_SAMPLE || nanos <= firstNanos ? 0 : timed / ((nanos - firstNanos) / 1e9);
    }

    /** The time {@code left} trials take at the pace so far, or null while it is not known. */
    Duration remaining(long done, long left, long nanos) {
        double rate = rate(done, nanos);
        return rate <= 0 ? null : Duration.ofMillis((long) (left / rate * 1000));
    }
}
