package testbed.kernel;

/**
 * A minimal protected crossing for tests, shaped like the sandbox's: each call runs in a
 * transaction that commits on return; an exception or trap aborts the domain and surfaces as a
 * {@link Trap}.
 */
public final class ProtectedCrossing implements Crossing {
    private final Kernel kernel;

    public ProtectedCrossing(Kernel kernel) {
        this.kernel = kernel;
    }

    @Override
    public long enter(Domain domain, DomainCall call) {
        Transaction t = kernel.begin(domain);
        try {
            long r = call.run();
            t.commit();
            return r;
        } catch (Trap trap) {
            kernel.abort(domain, trap.inDomain(domain.id()));
            throw trap;
        } catch (RuntimeException | StackOverflowError e) {
            Trap trap = new Trap(Trap.Kind.UNCAUGHT_EXCEPTION, domain.id(), "", e.toString());
            kernel.abort(domain, trap);
            throw trap;
        }
    }
}
