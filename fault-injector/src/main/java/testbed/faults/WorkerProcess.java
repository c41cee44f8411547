package testbed.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link Worker} JVM and the thread that reads its answers. */
final class WorkerProcess {
    /** The answer that says the worker is gone (compared by identity). */
    static final String DIED = new String("<died>");
    final Process process;
    private final OutputStream to;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

    private WorkerProcess(Process process) {
        this.process = process;
        this.to = process.getOutputStream();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    answers.add(line);
                }
            } catch (IOException e) {
                // the worker went away; DIED below says so
            }
            answers.add(DIED);
        }, "worker-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a worker over the corpus at {@code corpusOrigin} and waits for it to say it is ready. */
    static WorkerProcess start(List<String> javaOptions, String corpusOrigin, Duration startTimeout) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Worker.class.getName());
        command.add(corpusOrigin);
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        WorkerProcess w = new WorkerProcess(p);
        String hello = w.answer(startTimeout);
        if (!Worker.READY.equals(hello)) {
            p.destroyForcibly();
            throw new IOException("worker did not start" + (hello == DIED ? " (exit status " + w.exitStatus() + ")" : ""));
        }
        return w;
    }

    void send(TrialId id) throws IOException {
        to.write((id + "\n").getBytes(StandardCharsets.UTF_8));
        to.flush();
    }

    /** The next answer line, {@link #DIED} if the worker is gone, or null if none came in time. */
    String answer(Duration limit) {
        try {
            return answers.poll(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DIED;
        }
    }

    String exitStatus() {
        try {
            return process.waitFor(2, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
