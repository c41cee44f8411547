package testbed.faults;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import testbed.corpus.Outcome;
import testbed.kernel.KernelPanic;
import testbed.kernel.Trap;
import testbed.kernel.oracle.Verdict;
import testbed.kernel.oracle.Violation;
import testbed.sandbox.verify.Rejection;

/**
 * What happened in one run of a {@link TrialEngine}, before and after it is classified: the
 * rejection, host failure or trap that stopped it, the oracle's verdict, whether the kernel
 * refused the extension's answer, the digest of what the kernel produced, and the time of each
 * phase. {@link #outcome} is the one classification every trial and every fuzzed run gets.
 */
public final class Execution {
    static final int RESTORE = 0;
    static final int FAULT = 1;
    static final int LOAD = 2;
    static final int RUN = 3;
    static final int JUDGE = 4;
    static final int UNLOAD = 5;
    static final int REFERENCE = 6;

    /** Nanoseconds per phase, indexed as {@link TrialRecord#PHASES}. */
    final long[] phases = new long[TrialRecord.PHASES.size()];
    private final long start = System.nanoTime();
    private long mark = start;

    Rejection rejection;
    Throwable hostFailure;
    Trap trap;
    Verdict verdict;
    long digest;
    boolean badAnswer;
    boolean faultApplied;
    String faultSite = "";

    Execution() {
    }

    /** Ends the current phase, charging its time to {@code phase}. */
    void lap(int phase) {
        long now = System.nanoTime();
        phases[phase] += now - mark;
        mark = now;
    }

    /** Records what the run's fault did: whether it changed anything, and where, for the trial's detail. */
    public void faulted(boolean applied, String site) {
        faultApplied = applied;
        faultSite = site;
    }

    /**
     * The outcome, by the testbed's one ladder: refused at load, the host failed (a hang of the
     * simulated machine is {@code HUNG}), the oracle found damage, a trap stopped the domain (the
     * watchdog's is {@code HUNG}), the kernel refused the answer or the result differs from a
     * correct run's, else {@code OK}.
     *
     * @param asReference whether the run produced what a correct run does (true when there is no reference to compare with)
     */
    public Outcome outcome(boolean asReference) {
        if (rejection != null) {
            return Outcome.REJECTED;
        }
        if (hostFailure != null) {
            return hostFailure instanceof KernelPanic panic && panic.isHang() ? Outcome.HUNG : Outcome.CRASHED;
        }
        if (!verdict.violations().isEmpty()) {
            return Outcome.ESCAPED;
        }
        if (trap != null) {
            return trap.kind() == Trap.Kind.WATCHDOG ? Outcome.HUNG : Outcome.CONTAINED;
        }
        if (badAnswer || !asReference) {
            return Outcome.WRONG_RESULT;
        }
        return Outcome.OK;
    }

    /** The oracle's violations, one line each; none for a rejected load. */
    public List<String> violations() {
        List<String> out = new ArrayList<>();
        if (verdict != null) {
            for (Violation v : verdict.violations()) {
                out.add(v.toString());
            }
        }
        return out;
    }

    /** Whether the oracle saw a load or store outside the domain's segment. */
    public boolean wildAccess() {
        return verdict != null && (verdict.has(Violation.Kind.WILD_STORE) || verdict.has(Violation.Kind.WILD_LOAD));
    }

    /** What stopped the run, or the first violation, in a line for the reader: the rejection's, panic's, trap's message. */
    public String detail() {
        if (rejection != null) {
            return rejection.getMessage();
        }
        if (hostFailure instanceof KernelPanic panic) {
            return panic.getMessage();
        }
        if (hostFailure != null) {
            return "host failure: " + hostFailure;
        }
        if (verdict != null && !verdict.violations().isEmpty()) {
            return verdict.violations().get(0).toString();
        }
        if (trap != null) {
            String message = trap.getMessage();
            return trap.location().isEmpty() || message.contains(trap.location()) ? message : message + " at " + trap.location();
        }
        return badAnswer ? "the kernel rejected the extension's answer and used its default" : "";
    }

    /** Where it happened, without messages: a finding's deduplication key is its outcome and this. */
    public String site() {
        if (rejection != null) {
            return rejection.rule().name();
        }
        if (hostFailure instanceof KernelPanic panic) {
            return "panic@" + panic.reason().name();
        }
        if (hostFailure != null) {
            StackTraceElement[] frames = hostFailure.getStackTrace();
            return hostFailure.getClass().getName() + (frames.length > 0 ? "@" + frames[0].getClassName() + "." + frames[0].getMethodName() : "");
        }
        if (verdict != null && !verdict.violations().isEmpty()) {
            Violation v = verdict.violations().get(0);
            return v.kind() + "@" + v.region();
        }
        if (trap != null) {
            return trap.kind() + "@" + trap.location();
        }
        return badAnswer ? "bad-answer" : "result";
    }

    /** The trap that stopped the domain, or null. */
    public Trap trap() {
        return trap;
    }

    /** What a host failure or a trap threw out of the run, or null. */
    public Throwable failure() {
        return hostFailure != null ? hostFailure : trap;
    }

    /** Whether the load pipeline refused the class. */
    public boolean rejected() {
        return rejection != null;
    }

    /** Whether the kernel refused the extension's answer (and used its default). */
    public boolean answerRefused() {
        return badAnswer;
    }

    /** What the run's drive returned: the digest of what the kernel produced. */
    public long digest() {
        return digest;
    }

    /** Wall time of the run so far, from its restore. */
    public long micros() {
        return (System.nanoTime() - start) / 1000;
    }

    /** Microseconds per phase, by the names of {@link TrialRecord#PHASES}. */
    Map<String, Long> phaseMicros() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < phases.length; i++) {
            out.put(TrialRecord.PHASES.get(i), phases[i] / 1000);
        }
        return out;
    }
}
