package testbed.sandbox;

import testbed.kernel.Crossing;
import testbed.kernel.Domain;
import testbed.kernel.Kernel;
import testbed.kernel.api.Hook;
import testbed.sfi.ProtectionMode;

/**
 * One loaded extension instance, bound to its segment, budget and capabilities, ready for the
 * kernel to call through its {@link #crossing() crossing}. {@link #unload()} detaches it, gives
 * its segment back, and drops its class loader so its classes can be unloaded.
 */
public final class FaultDomain implements AutoCloseable {
    private final Kernel kernel;
    private final Domain domain;
    private final ProtectionMode mode;
    private final Object extension;
    private final Crossing crossing;
    private final Hook hook;
    private final Runnable onUnload;
    private boolean unloaded;

    FaultDomain(Kernel kernel, Domain domain, ProtectionMode mode, Object extension, Crossing crossing, Hook hook,
            Runnable onUnload) {
        this.kernel = kernel;
        this.domain = domain;
        this.mode = mode;
        this.extension = extension;
        this.crossing = crossing;
        this.hook = hook;
        this.onUnload = onUnload;
    }

    /** The kernel's view of this domain: id, segment, context. */
    public Domain domain() {
        return domain;
    }

    public ProtectionMode mode() {
        return mode;
    }

    /**
     * The extension instance (of its rewritten class, in its own loader); under {@code PROCESS}, a
     * stub implementing the same hook that forwards each call to the instance in its process.
     */
    public Object extension() {
        return extension;
    }

    /** How the kernel must enter this domain: direct under {@code NONE}, transactional otherwise. */
    public Crossing crossing() {
        return crossing;
    }

    /** The hook the extension implements. */
    public Hook hook() {
        return hook;
    }

    /**
     * Preempts the domain once it has used {@code fuel} units of fuel from now on, across
     * invocations, as if its budget ran out there: an environment fault.
     *
     * @return false under {@code NONE}, which has no fuel meter to cut
     */
    public boolean preemptAfter(long fuel) {
        if (crossing instanceof TransactionalCrossing t) {
            t.preemptAfter(fuel);
            return true;
        }
        return false;
    }

    /** Attaches the extension to its hook; the capability check is the kernel's. */
    public FaultDomain attach() {
        kernel.attach(domain, extension, crossing);
        return this;
    }

    /** Detaches and destroys the domain; idempotent. */
    public void unload() {
        if (!unloaded) {
            unloaded = true;
            try {
                kernel.destroyDomain(domain);
            } finally {
                onUnload.run();
            }
        }
    }

    @Override
    public void close() {
        unload();
    }

    @Override
    public String toString() {
        return domain.name() + "#" + domain.id() + "[" + mode + ", " + domain.segment() + "]";
    }
}
