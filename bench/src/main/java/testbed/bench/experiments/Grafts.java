package testbed.bench.experiments;

import java.util.ArrayList;
import java.util.List;
import testbed.bench.Suite;
import testbed.kernel.DomainSpec;
import testbed.kernel.Kernel;
import testbed.kernel.KernelConfig;
import testbed.kernel.api.Status;
import testbed.sandbox.Budget;
import testbed.sandbox.FaultDomain;
import testbed.sandbox.Sandbox;
import testbed.sandbox.verify.Rejection;
import testbed.sfi.ProtectionMode;

/**
 * A kernel with bench extensions loaded through the real pipeline (verify, rewrite, define,
 * bind, attach) in one protection mode, for the in-process experiments. Closing it unloads them.
 */
final class Grafts implements AutoCloseable {
    static final long SEGMENT = 64 << 10;

    final Kernel kernel;
    final Sandbox sandbox;
    final List<FaultDomain> loaded = new ArrayList<>();

    Grafts(KernelConfig config, ProtectionMode mode, Budget budget) {
        this.kernel = Kernel.boot(config);
        this.sandbox = Sandbox.on(kernel, mode, budget);
    }

    Grafts(ProtectionMode mode) {
        this(KernelConfig.defaults().withMemorySize(16L << 20), mode, Budget.standard());
    }

    /** Loads and attaches extension {@code simpleName} of {@code testbed.bench.extensions}, then lets {@code prepare} set it up. */
    FaultDomain load(String simpleName, java.util.function.Consumer<FaultDomain> prepare) {
        try {
            FaultDomain fd = sandbox.load(simpleName + "-" + loaded.size(), Suite.extensionClass(simpleName),
                    DomainSpec.segment(SEGMENT).allowAll().frames(64));
            int status = kernel.attach(fd.domain(), fd.extension(), fd.crossing());
            if (status != Status.OK) {
                throw new IllegalStateException("cannot attach " + simpleName + ": " + Status.name(status));
            }
            loaded.add(fd);
            prepare.accept(fd);
            return fd;
        } catch (Rejection e) {
            throw new IllegalStateException("bench extension " + simpleName + " does not load: " + e.getMessage(), e);
        }
    }

    /** Writes a word into a domain's segment as the kernel (the host setting an extension's switch). */
    void poke(FaultDomain fd, int offset, long value) {
        int prev = kernel.memory().actAs(0);
        try {
            kernel.memory().store64(fd.domain().segment().base() + offset, value);
        } finally {
            kernel.memory().actAs(prev);
        }
    }

    @Override
    public void close() {
        sandbox.close();
    }
}
