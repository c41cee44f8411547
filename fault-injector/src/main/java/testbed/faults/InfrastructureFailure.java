package testbed.faults;

/**
 * A trial attempt lost to the host rather than to the extension: the worker running a protected
 * trial was killed from outside (an out-of-memory killer, an operator's {@code kill -9}), died, or
 * gave an answer that could not be read. It is no outcome of the trial and never a finding: the
 * trial is run again on a fresh worker, and only a trial that takes its worker down on every
 * attempt in a way the host cannot explain is recorded {@code CRASHED}. Written one per line to
 * {@value #FILE_NAME} in the campaign's output directory.
 *
 * @param id the trial's id
 * @param attempt which attempt of the trial this was, from 1
 * @param reason what happened to the worker, one line
 * @param rerun whether the trial was handed out again; false when it was given up (it is then not in
 *     the trial log, so {@code --resume} runs it again)
 */
public record InfrastructureFailure(String id, int attempt, String reason, boolean rerun) {
    /** The log of infrastructure failures in a campaign's output directory. */
    public static final String FILE_NAME = "infrastructure.jsonl";
}
