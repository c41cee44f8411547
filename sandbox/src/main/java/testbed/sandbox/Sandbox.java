package testbed.sandbox;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import testbed.kernel.Crossing;
import testbed.kernel.Domain;
import testbed.kernel.DomainSpec;
import testbed.kernel.Kernel;
import testbed.sandbox.verify.Rejection;
import testbed.sandbox.verify.VerifiedClass;
import testbed.sandbox.verify.Verifier;
import testbed.sfi.ProtectionMode;
import testbed.sfi.Rewrite;
import testbed.sfi.runtime.Meter;

/**
 * The load pipeline for one kernel and one protection mode: class bytes in, a bound
 * {@link FaultDomain} out.
 *
 * <ol>
 *   <li>verify (every mode but {@code NONE}, which trusts the extension by definition),</li>
 *   <li>allocate the domain's segment and rewrite the bytes for it (sfi),</li>
 *   <li>define the class in the domain's own loader,</li>
 *   <li>bind the budget, and construct the extension inside a first crossing so that even its
 *       constructor runs metered.</li>
 * </ol>
 * A sandbox owns one watchdog thread; close it when done.
 */
public final class Sandbox implements AutoCloseable {
    private static final MethodType NO_ARG_CONSTRUCTOR = MethodType.methodType(void.class);

    private final Kernel kernel;
    private final ProtectionMode mode;
    private final Budget budget;
    private final Verifier verifier;
    private final Watchdog watchdog;

    private Sandbox(Kernel kernel, ProtectionMode mode, Budget budget, Verifier verifier) {
        this.kernel = kernel;
        this.mode = mode;
        this.budget = budget;
        this.verifier = verifier;
        this.watchdog = new Watchdog(mode.name(), 20, failure -> { });
    }

    /** A sandbox on {@code kernel} in {@code mode} with the standard budget and verifier. */
    public static Sandbox on(Kernel kernel, ProtectionMode mode) {
        return on(kernel, mode, Budget.standard());
    }

    public static Sandbox on(Kernel kernel, ProtectionMode mode, Budget budget) {
        return new Sandbox(kernel, mode, budget, Verifier.standard());
    }

    public ProtectionMode mode() {
        return mode;
    }

    public Budget budget() {
        return budget;
    }

    /**
     * Runs the whole pipeline. The kernel is left untouched if this throws.
     *
     * @throws Rejection if the bytes are malformed, break a verifier rule, or fail the JVM's own verification
     * @throws Trap if the extension's initialiser or constructor had to be stopped (protected modes)
     */
    public FaultDomain load(String name, byte[] classBytes, DomainSpec spec) throws Rejection {
        VerifiedClass verified = mode == ProtectionMode.NONE ? verifier.inspect(classBytes) : verifier.verify(classBytes);
        Domain domain = kernel.createDomain(name, spec);
        boolean done = false;
        try {
            byte[] rewritten = Rewrite.of(mode).segment(domain.segment()).metered(true).apply(verified.bytes());
            DomainClassLoader loader = new DomainClassLoader(verified.className(), Sandbox.class.getClassLoader(),
                    mode == ProtectionMode.NONE);
            Class<?> type = define(loader, rewritten, verified);
            Meter meter = new Meter();
            Crossing crossing = mode == ProtectionMode.NONE
                    ? Crossing.DIRECT
                    : new TransactionalCrossing(kernel, meter, budget, watchdog);
            Object extension = construct(type, meter, domain, crossing, verified);
            done = true;
            return new FaultDomain(kernel, domain, mode, extension, crossing, verified.hook());
        } finally {
            if (!done) {
                kernel.destroyDomain(domain);
            }
        }
    }

    private static Class<?> define(DomainClassLoader loader, byte[] bytes, VerifiedClass verified) throws Rejection {
        try {
            return loader.define(bytes);
        } catch (LinkageError e) {
            throw Rejection.jvmVerification(verified.className(), e);
        }
    }

    /**
     * Links and initialises the class, then constructs the extension inside the domain, so a
     * constructor that loops or throws is stopped like any other invocation. Linking first
     * separates the JVM's own verification errors (a rejection: nothing ran) from faults of
     * code that ran. In protected modes the only static initialiser is the one the rewrite adds
     * (the verifier refuses the extension's own), and it only fetches the bound meter.
     */
    private Object construct(Class<?> type, Meter meter, Domain domain, Crossing crossing, VerifiedClass verified)
            throws Rejection {
        Meter.bind(type, meter);
        meter.refill(budget.fuel(), budget.bytes(), budget.depth());
        MethodHandle constructor;
        try {
            Class.forName(type.getName(), true, type.getClassLoader());
            constructor = MethodHandles.publicLookup().findConstructor(type, NO_ARG_CONSTRUCTOR);
        } catch (ExceptionInInitializerError e) {
            // Only an unverified (NONE) extension has an initialiser of its own: its failure is the kernel's.
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        } catch (LinkageError e) {
            throw Rejection.jvmVerification(verified.className(), e);
        } catch (ReflectiveOperationException e) {
            throw Rejection.shape(verified.className(), "no public no-argument constructor");
        }
        Object[] made = new Object[1];
        int previous = kernel.memory().actAs(domain.id());
        try {
            crossing.enter(domain, () -> {
                made[0] = invoke(constructor);
                return 0;
            });
        } finally {
            kernel.memory().actAs(previous);
        }
        return made[0];
    }

    private static Object invoke(MethodHandle constructor) {
        try {
            return constructor.invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable checked) {
            throw new IllegalStateException(checked);
        }
    }

    @Override
    public void close() {
        watchdog.close();
    }
}
