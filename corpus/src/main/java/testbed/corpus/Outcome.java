package testbed.corpus;

/**
 * What a trial of one extension under one protection mode ends in, as judged by the oracle.
 * Corpus entries state the outcome each mode should give; the trial machinery reports the one
 * it observed, and a mismatch is a finding about the mechanism, the oracle or the entry.
 */
public enum Outcome {
    /** The extension ran, the kernel is intact and the extension's answers were right. */
    OK,
    /** The verifier refused the extension at load time, naming the rule it broke; it never ran. */
    REJECTED,
    /** A fault was detected, the domain was aborted (undo, release, unbind) and the kernel is intact. */
    CONTAINED,
    /**
     * The kernel is intact but the extension's answer was wrong, or the kernel rejected it as a
     * bad answer (a packet length outside {@code [0, length]}, an eviction victim out of range,
     * a revocation not honoured) and fell back to its default policy.
     */
    WRONG_RESULT,
    /**
     * The oracle found damage outside the domain: a store or load outside the segment, a
     * corrupted kernel structure, lost data, or a leaked lock or frame.
     */
    ESCAPED,
    /** The extension never returned: the watchdog had to fire, or nothing could stop it. */
    HUNG,
    /** The host itself failed: an exception out of trusted code, or the JVM died. */
    CRASHED
}
