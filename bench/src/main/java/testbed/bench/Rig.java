package testbed.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import testbed.kernel.Domain;
import testbed.kernel.DomainSpec;
import testbed.kernel.Kernel;
import testbed.kernel.KernelConfig;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.Segment;
import testbed.kernel.api.Context;
import testbed.kernel.api.Memory;
import testbed.sandbox.Budget;
import testbed.sandbox.FaultDomain;
import testbed.sandbox.Protection;
import testbed.sandbox.Protections;
import testbed.sandbox.Sandbox;
import testbed.sandbox.verify.Rejection;
import testbed.sandbox.verify.VerifiedClass;
import testbed.sandbox.verify.Verifier;
import testbed.sfi.ProtectionMode;
import testbed.sfi.Rewrite;
import testbed.sfi.runtime.Meter;

/**
 * One kernel with one extension loaded in one isolation variant, for benchmarks that call the
 * extension instance directly (so they measure the rewritten code, not the crossing).
 *
 * <p>Variants ({@code variant}, {@code metered}):
 * <ul>
 *   <li>{@code NONE}, unmetered: the real {@link Sandbox} pipeline in {@code NONE} (inspected,
 *       not rewritten, not metered). {@code NONE} is never metered; asking for it throws.</li>
 *   <li>{@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS}, {@code VERIFIED}, metered: the real {@link Sandbox}
 *       pipeline (it always meters), with a fuel budget of {@code Long.MAX_VALUE / 2} so that
 *       direct calls never run dry.</li>
 *   <li>the same modes unmetered, and {@code SFI_MASK_STORES} (address masking of stores only)
 *       metered or not: the same stages by hand, since the sandbox has no switch for them:
 *       verify, {@code Rewrite.of(mode).segment(seg).metered(m)[.storesOnly()]}, define in a
 *       private one-class loader, {@link Meter#bind} and refill if metered.</li>
 *   <li>a plug-in technique's name (from the jars in {@value Protections#JARS_PROPERTY}): metered,
 *       the real {@link Sandbox} pipeline for the technique; unmetered, the technique's rewrite
 *       through its {@link Protection#rewriter()} without metering, defined by hand as above. A
 *       technique that needs a child process cannot be called directly, and is refused.</li>
 * </ul>
 * The memory monitor's principal is left set to the domain, as the kernel sets it around a
 * crossing, so every access is attributed as it would be in a real invocation.
 */
final class Rig implements AutoCloseable {
    static final long MEMORY = 16L << 20;
    static final long SEGMENT = 64 << 10;
    static final String EXTENSIONS = "testbed.bench.extensions.";
    /** Fuel and bytes that direct calls cannot use up in any benchmark's lifetime. */
    static final long PLENTY = Long.MAX_VALUE / 2;

    final Kernel kernel;
    final Domain domain;
    final Object extension;
    final Context context;
    private final Sandbox sandbox;

    private Rig(Kernel kernel, Sandbox sandbox, Domain domain, Object extension) {
        this.kernel = kernel;
        this.sandbox = sandbox;
        this.domain = domain;
        this.extension = extension;
        this.context = domain.context();
        kernel.memory().actAs(domain.id());
    }

    /**
     * Loads and stores back one byte of every page of the segment through the extension's
     * {@link Memory}, as the domain: the write monitor's first touches of the pages happen here,
     * before the JIT profiles the accesses, so that no fork compiles the extension's loops around
     * a slow path the measured calls never take.
     */
    void touchSegment() {
        Memory m = context.memory();
        Segment segment = domain.segment();
        for (long at = segment.base(); at < segment.base() + segment.size(); at += PhysicalMemory.PAGE_SIZE) {
            m.store8(at, m.load8(at));
        }
    }

    static Kernel boot() {
        return Kernel.boot(KernelConfig.defaults().withMemorySize(MEMORY));
    }

    static DomainSpec spec() {
        return DomainSpec.segment(SEGMENT).allowAll();
    }

    /**
     * Boots a kernel and loads extension {@code simpleName} (of {@link #EXTENSIONS}) in
     * {@code variant}: a {@link ProtectionMode} name or {@code SFI_MASK_STORES}.
     */
    static Rig load(String simpleName, String variant, boolean metered) {
        if (!Suite.MODES.contains(variant)) {
            return load(simpleName, Suite.technique(variant), metered);
        }
        boolean storesOnly = variant.equals("SFI_MASK_STORES");
        ProtectionMode mode = storesOnly ? ProtectionMode.SFI_MASK : ProtectionMode.valueOf(variant);
        if (mode == ProtectionMode.NONE && metered) {
            throw new IllegalArgumentException("skipped: NONE is never rewritten, so never metered;"
                    + " (mode=NONE, metered=true) is not a configuration");
        }
        Kernel kernel = boot();
        byte[] bytes = classBytes(simpleName);
        try {
            if (mode == ProtectionMode.NONE || (metered && !storesOnly)) {
                Sandbox sandbox = Sandbox.on(kernel, mode, Budget.standard().withFuel(PLENTY));
                FaultDomain fd = sandbox.load(simpleName, bytes, spec());
                return new Rig(kernel, sandbox, fd.domain(), fd.extension());
            }
            // A masked domain has its guard zone, as the sandbox gives it.
            Domain domain = kernel.createDomain(simpleName, mode == ProtectionMode.SFI_MASK ? spec().withGuardZone() : spec());
            Rewrite rewrite = Rewrite.of(mode).segment(domain.segment()).metered(metered);
            if (storesOnly) {
                rewrite = rewrite.storesOnly();
            }
            return new Rig(kernel, null, domain, defineByHand(Verifier.standard().verify(bytes), rewrite));
        } catch (Rejection e) {
            throw new IllegalStateException(e);
        }
    }

    /** Boots a kernel and loads extension {@code simpleName} with a plug-in technique. */
    static Rig load(String simpleName, Protection technique, boolean metered) {
        if (technique.pipeline() == ProtectionMode.PROCESS) {
            throw new IllegalArgumentException("technique '" + technique.name() + "' runs its extensions in a child process,"
                    + " which IsolationBench cannot call directly: a process's cost is its crossing (CrossingBench.processCrossing)");
        }
        Kernel kernel = boot();
        byte[] bytes = classBytes(simpleName);
        try {
            if (metered) {
                Sandbox sandbox = Sandbox.on(kernel, technique, Budget.standard().withFuel(PLENTY));
                FaultDomain fd = sandbox.load(simpleName, bytes, spec());
                return new Rig(kernel, sandbox, fd.domain(), fd.extension());
            }
            Domain domain = kernel.createDomain(simpleName, technique.guardZone() ? spec().withGuardZone() : spec());
            VerifiedClass verified = Verifier.standard().verify(bytes);
            byte[] rewritten = technique.rewriter().rewrite(verified.bytes(), domain.segment(), technique.pipeline(), false);
            return new Rig(kernel, null, domain, define(verified.className(), rewritten, false));
        } catch (Rejection e) {
            throw new IllegalStateException(e);
        }
    }

    /** Rewrite, define in a private loader, bind and fill the meter if metered, construct. */
    static Object defineByHand(VerifiedClass verified, Rewrite rewrite) {
        return define(verified.className(), rewrite.apply(verified.bytes()),
                rewrite.isMetered() && rewrite.mode() != ProtectionMode.NONE);
    }

    /** Defines rewritten bytes in a fresh private loader, binds and fills a meter if metered, constructs. */
    static Object define(String className, byte[] rewritten, boolean metered) {
        Class<?> type = new OneClassLoader(className).define(rewritten);
        if (metered) {
            Meter meter = new Meter();
            Meter.bind(type, meter);
            meter.refill(PLENTY, PLENTY, 1000);
        }
        try {
            return type.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The class file of an extension, read as a resource: the host never loads the class itself. */
    static byte[] classBytes(String simpleName) {
        String resource = "/" + (EXTENSIONS + simpleName).replace('.', '/') + ".class";
        try (InputStream in = Rig.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no class file " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    /**
     * Defines one class and resolves its own name to it (not to a same-named class of the parent),
     * delegating everything else to the benchmark's loader.
     */
    static final class OneClassLoader extends ClassLoader {
        private final String name;

        OneClassLoader(String name) {
            super("bench:" + name, Rig.class.getClassLoader());
            this.name = name;
        }

        Class<?> define(byte[] bytes) {
            return defineClass(name, bytes, 0, bytes.length);
        }

        @Override
        protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
            if (className.equals(name)) {
                Class<?> own = findLoadedClass(className);
                if (own != null) {
                    return own;
                }
                throw new ClassNotFoundException(className);
            }
            return super.loadClass(className, resolve);
        }
    }
}
