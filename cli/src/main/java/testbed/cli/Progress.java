package testbed.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import testbed.corpus.Outcome;
import testbed.faults.Campaign;

/**
 * Shows a running campaign: a progress bar on a terminal, a plain line every few seconds
 * otherwise (a log file or CI must not fill with control codes).
 */
final class Progress implements AutoCloseable {
    private static final long LINE_EVERY_NANOS = 3_000_000_000L;

    private final PrintWriter out;
    private final String task;
    private final ProgressBar bar;
    private long lastLine = System.nanoTime();
    private volatile Campaign.Progress last;

    Progress(PrintWriter out, String task, long total) {
        this.out = out;
        this.task = task;
        this.bar = System.console() != null
                ? new ProgressBarBuilder().setTaskName(task).setInitialMax(Math.max(total, 0)).setStyle(ProgressBarStyle.ASCII)
                        .setUpdateIntervalMillis(250).continuousUpdate()
                        // the campaign's own estimate, which leaves out the workers' start-up
                        .setEtaFunction(state -> Optional.ofNullable(last == null ? null : last.remaining()))
                        .build()
                : null;
    }

    void update(Campaign.Progress p) {
        last = p;
        if (bar != null) {
            bar.stepTo(p.done());
            bar.setExtraMessage(String.format(" %.0f/s escapes %d " + (task.equals("trials") ? "unexpected" : "failing") + " %d", p.trialsPerSecond(), p.escapes(), p.unexpected())
                    + bound(p));
            return;
        }
        long now = System.nanoTime();
        if (now - lastLine >= LINE_EVERY_NANOS) {
            lastLine = now;
            out.println(line(p, task));
        }
    }

    static String line(Campaign.Progress p) {
        return line(p, "trials");
    }

    /** One plain progress line; {@code task} names what is counted ("trials", "programs"). */
    static String line(Campaign.Progress p, String task) {
        StringBuilder s = new StringBuilder();
        s.append(p.total() > 0 ? p.done() + "/" + p.total() : Long.toString(p.done())).append(' ').append(task).append(", ")
                .append(String.format("%.0f", p.trialsPerSecond())).append(' ').append(task).append("/s, escapes ").append(p.escapes())
                .append(task.equals("trials") ? ", unexpected " : ", failing ").append(p.unexpected()).append(bound(p))
                .append(", left ").append(human(p.remaining())).append(" |");
        for (Outcome o : Outcome.values()) {
            long n = p.outcomes().getOrDefault(o, 0L);
            if (n > 0) {
                s.append(' ').append(o).append('=').append(n);
            }
        }
        return s.toString();
    }

    /** The protected modes' escapes and what they bound the rate to, once there are protected trials. */
    private static String bound(Campaign.Progress p) {
        return p.protectedTrials() == 0 ? ""
                : String.format(Locale.ROOT, ", protected escapes %d in %d (rate < %.2g)", p.protectedEscapes(), p.protectedTrials(),
                        p.protectedEscapeBound());
    }

    /** A duration as {@code 1m05s} or {@code 42s}; {@code ?} for one not known yet. */
    static String human(Duration d) {
        if (d == null) {
            return "?";
        }
        long s = d.toSeconds();
        return s >= 60 ? (s / 60) + "m" + String.format("%02d", s % 60) + "s" : s + "s";
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
        if (last != null) {
            out.println(line(last, task));
        }
    }
}
