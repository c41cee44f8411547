package testbed.faults.environment;

import testbed.faults.Fault;

/**
 * A fault in the extension's surroundings rather than its code: the kernel fails a helper, revokes
 * resources at an awkward moment, delivers malformed input or preempts the domain. The extension
 * runs unmodified; the fault tests that it, and the mechanisms around it, cope. Kinds hold no
 * state: one instance serves every trial, on any thread.
 */
public interface EnvironmentFault extends Fault {

    /**
     * Arms this fault in one trial.
     *
     * @param env the trial's environment
     * @param seed the trial's seed: it picks what is armed (which helper, which call, which status,
     *     which moment), so the same trial always arms the same thing
     * @return what was armed, or why nothing applies to this trial
     */
    Arming arm(TrialEnvironment env, long seed);
}
