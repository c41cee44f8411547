package testbed.kernel;

/**
 * How the kernel enters a fault domain. The kernel attributes memory accesses to the domain
 * around every crossing itself (the oracle must not depend on the crossing); the crossing adds
 * whatever protection its mode provides: transaction, budgets, abort.
 *
 * <p>A protected crossing that stops the domain calls {@link Kernel#abort(Domain, Trap)} and
 * then throws the {@link Trap}; the kernel catches it at the hook and continues with its
 * default policy. {@link #DIRECT} is the unprotected baseline: anything the extension throws
 * propagates into the kernel, as a fault in trusted kernel code would.
 */
@FunctionalInterface
public interface Crossing {
    /** No protection: call straight through. */
    Crossing DIRECT = (domain, call) -> call.run();

    /**
     * Runs {@code call} inside {@code domain}.
     *
     * @return the call's result
     * @throws Trap if the domain was stopped and aborted
     */
    long enter(Domain domain, DomainCall call);
}
