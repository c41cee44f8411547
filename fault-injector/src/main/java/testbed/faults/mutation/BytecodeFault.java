package testbed.faults.mutation;

import testbed.faults.Fault;

/**
 * A fault injected into an extension's code: a mutation of its class bytes, applied before the
 * sandbox's load pipeline (verify, rewrite, define) sees them, as the Rio and Nooks injectors
 * mutated a driver's text before running it.
 *
 * <p>A mutant is a class file the JVM loads if it loads the original: every kind keeps the stack
 * map frames valid and recomputes only the maximum stack and locals. A kind works in one ASM pass
 * to count its candidate sites and one to mutate the chosen site, picked as
 * {@code floorMod(Fault.draw(seed, 0), candidates)}; methods without the chosen site are copied
 * unchanged. Kinds hold no state: one instance serves every trial, on any thread.
 */
public interface BytecodeFault extends Fault {

    /**
     * Mutates one site of the class, chosen by {@code seed}.
     *
     * @param classBytes the extension's class file; not modified
     * @param seed the trial's seed: the same bytes and seed always give the same mutant
     * @return the mutant and the site changed, or the original bytes if the class has no site for
     *     this kind (the trial then runs the unmutated class and records that)
     * @throws IllegalArgumentException if {@code classBytes} is not a class file ASM can read
     */
    Mutant mutate(byte[] classBytes, long seed);
}
