package testbed.sandbox;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Objects;
import testbed.kernel.Crossing;
import testbed.kernel.Domain;
import testbed.kernel.DomainSpec;
import testbed.kernel.Kernel;
import testbed.kernel.Segment;
import testbed.sandbox.process.ExtensionProcess;
import testbed.sandbox.process.RemoteExtension;
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
 * Under {@code PROCESS} the last two steps happen in the sandbox's extension process, a child JVM
 * started on the first load and again on the first load after it died; the domain's extension
 * is then a stub that forwards each call there ({@link ExtensionProcess}).
 * A sandbox owns one watchdog thread (and under {@code PROCESS} one child process); close it when done.
 */
public final class Sandbox implements AutoCloseable {
    private static final MethodType NO_ARG_CONSTRUCTOR = MethodType.methodType(void.class);

    private final Kernel kernel;
    private final ProtectionMode mode;
    private final Budget budget;
    private final Verifier verifier;
    private final Watchdog watchdog;
    private final Rewriter rewriter;
    /** Under {@code NONE}: count the extension's work against the budget as the simulated machine's limits. */
    private final boolean machineLimits;
    /** Whether domains get a guard zone after their segment: the masking rewrites rely on one. */
    private final boolean guarded;
    private final LoadCache cache = new LoadCache();
    /** The child JVM of {@code PROCESS} mode, made on the first load; null in other modes. */
    private ExtensionProcess process;

    private Sandbox(Kernel kernel, ProtectionMode mode, Budget budget, Verifier verifier, Rewriter rewriter,
            boolean machineLimits) {
        this(kernel, mode.name(), mode, budget, verifier, rewriter, machineLimits, mode == ProtectionMode.SFI_MASK);
    }

    private Sandbox(Kernel kernel, String name, ProtectionMode mode, Budget budget, Verifier verifier, Rewriter rewriter,
            boolean machineLimits, boolean guarded) {
        this.kernel = kernel;
        this.guarded = guarded;
        this.rewriter = rewriter;
        this.mode = mode;
        this.budget = budget;
        this.verifier = verifier;
        this.machineLimits = machineLimits;
        this.watchdog = new Watchdog(name, 20, failure -> { });
    }

    /**
     * A sandbox running {@code protection}: a built-in mode as {@link #on(Kernel, ProtectionMode, Budget)}
     * does, or a plug-in technique's rewrite through the pipeline of the built-in mode it runs like
     * ({@link Protection#pipeline()}). A failure of the plug-in's rewrite is a rejection of that load.
     */
    public static Sandbox on(Kernel kernel, Protection protection, Budget budget) {
        return new Sandbox(kernel, protection.name(), protection.pipeline(), budget, Verifier.standard(), protection.rewriter(), false,
                protection.guardZone());
    }

    /** A sandbox on {@code kernel} in {@code mode} with the standard budget and verifier. */
    public static Sandbox on(Kernel kernel, ProtectionMode mode) {
        return on(kernel, mode, Budget.standard());
    }

    public static Sandbox on(Kernel kernel, ProtectionMode mode, Budget budget) {
        return on(kernel, mode, budget, Rewriter.STANDARD);
    }

    /**
     * A sandbox whose isolation rewrite is {@code rewriter} instead of the {@code sfi} module's:
     * how a new isolation technique, or a deliberately broken copy of one, is put under the same
     * campaigns, fuzzers and oracle as the built-in modes.
     */
    public static Sandbox on(Kernel kernel, ProtectionMode mode, Budget budget, Rewriter rewriter) {
        return new Sandbox(kernel, mode, budget, Verifier.standard(), rewriter, false);
    }

    /**
     * An unprotected ({@code NONE}) sandbox on a simulated machine with limits: the extension is
     * neither verified nor confined, and what it throws reaches the kernel, but its work is
     * counted (the rewrite meters it and confines nothing) against {@code machine}'s fuel and
     * bytes. Past them the simulated kernel hangs or crashes with a {@link testbed.kernel.KernelPanic}
     * instead of taking the host JVM with it, and the same run always ends the same way. A class
     * the metering rewrite cannot handle runs uncounted, as under {@link #on(Kernel, ProtectionMode)}.
     */
    public static Sandbox unprotected(Kernel kernel, Budget machine) {
        return new Sandbox(kernel, ProtectionMode.NONE, machine, Verifier.standard(), Rewriter.STANDARD, true);
    }

    /** The rewrite stage of the pipeline: verified class bytes in, the bytes to define for one domain out. */
    @FunctionalInterface
    public interface Rewriter {
        /** The {@code sfi} module's rewrite for the mode. */
        Rewriter STANDARD = (bytes, segment, mode, metered) -> Rewrite.of(mode).segment(segment).metered(metered).apply(bytes);

        /**
         * @param verifiedClass the class as the verifier passed it
         * @param segment the domain's segment, whose constants the rewrite bakes in
         * @param mode the sandbox's protection mode
         * @param metered whether fuel, allocation and depth metering is wanted (always, in a sandbox)
         */
        byte[] rewrite(byte[] verifiedClass, Segment segment, ProtectionMode mode, boolean metered);
    }

    public ProtectionMode mode() {
        return mode;
    }

    public Budget budget() {
        return budget;
    }

    /**
     * Runs the whole pipeline. The kernel is left untouched if this throws. Under {@code SFI_MASK}
     * (and a plug-in technique that masks) the domain gets a guard zone after its segment
     * ({@link DomainSpec#withGuardZone()}), whatever {@code spec} says: the mask relies on it.
     *
     * @throws Rejection if the bytes are malformed, break a verifier rule, or fail the JVM's own verification
     * @throws Trap if the extension's initialiser or constructor had to be stopped (protected modes)
     */
    public FaultDomain load(String name, byte[] classBytes, DomainSpec spec) throws Rejection {
        VerifiedClass verified = LoadCache.verified(classBytes, verifier, mode != ProtectionMode.NONE);
        Domain domain = kernel.createDomain(name, guarded ? spec.withGuardZone() : spec);
        boolean done = false;
        try {
            byte[] rewritten = rewrite(verified, domain.segment());
            FaultDomain loaded = mode == ProtectionMode.PROCESS
                    ? loadInProcess(domain, rewritten, verified)
                    : loadHere(domain, rewritten, verified);
            done = true;
            return loaded;
        } finally {
            if (!done) {
                kernel.destroyDomain(domain);
            }
        }
    }

    /**
     * The rewrite stage. Whatever goes wrong in it (the rewriter is code the sandbox runs on the
     * extension's behalf, and may be a user's) is a rejection, never a failure of the host; only an
     * unprotected sandbox falls back to the bytes as they are, since it confines nothing anyway.
     */
    private byte[] rewrite(VerifiedClass verified, Segment segment) throws Rejection {
        byte[] bytes = verified.bytes();
        if (mode == ProtectionMode.NONE && !machineLimits) {
            return bytes;
        }
        try {
            return cache.rewritten(bytes, segment, () -> Objects.requireNonNull(rewriter.rewrite(bytes, segment, mode, true),
                    "the rewrite returned no class bytes"));
        } catch (Throwable e) { // any failure: a refusal, a bug, an Error of a user's rewriter, a sneaky checked exception
            if (mode == ProtectionMode.NONE) {
                return bytes;
            }
            throw Rejection.rewrite(verified.className(), e);
        }
    }

    /**
     * Defines the class in a loader of its own, or takes the one defined for the same bytes
     * before if no live domain uses it and the class holds no state of its own (see {@link LoadCache}).
     */
    private FaultDomain loadHere(Domain domain, byte[] rewritten, VerifiedClass verified) throws Rejection {
        // Unprotected, a class is shared only if it has no class state (the verifier, which rules
        // that out in the protected modes, does not run); a counted one is defined with its meter.
        boolean shared = mode != ProtectionMode.NONE || machineLimits && !ClassState.present(verified.bytes());
        LoadCache.Defined defined = shared ? cache.take(rewritten) : null;
        if (defined == null) {
            DomainClassLoader loader = new DomainClassLoader(verified.className(), Sandbox.class.getClassLoader(),
                    mode == ProtectionMode.NONE);
            Class<?> type = define(loader, rewritten, verified);
            Meter meter = new Meter();
            defined = new LoadCache.Defined(type, meter, link(type, meter, verified));
            if (shared) {
                cache.put(rewritten, defined);
            }
        }
        Crossing crossing = mode != ProtectionMode.NONE
                ? new TransactionalCrossing(kernel, defined.meter, budget, watchdog)
                : machineLimits ? new MachineLimitCrossing(defined.meter, budget) : Crossing.DIRECT;
        if (mode != ProtectionMode.NONE || machineLimits) {
            domain.meterHelpers(new HelperFuel(defined.meter));
        }
        LoadCache.Defined taken = defined;
        Runnable release = shared ? taken::release : () -> { };
        Object extension;
        try {
            extension = construct(taken.constructor, domain, crossing);
        } catch (RuntimeException | Error e) {
            release.run();
            throw e;
        }
        return new FaultDomain(kernel, domain, mode, extension, crossing, verified.hook(), release);
    }

    /**
     * The class is defined and constructed in the sandbox's extension process; here the domain
     * gets a stub and a crossing whose meter records what the process's meter is given and
     * leaves, and whose watchdog kills the process.
     */
    private FaultDomain loadInProcess(Domain domain, byte[] rewritten, VerifiedClass verified) throws Rejection {
        if (process == null) {
            process = new ExtensionProcess();
        }
        Meter meter = new Meter();
        Crossing crossing = new TransactionalCrossing(kernel, meter, budget, watchdog, process::kill);
        RemoteExtension remote = process.define(kernel.memory(), domain, verified.className(), verified.hook(),
                rewritten, meter, budget);
        int previous = kernel.memory().actAs(domain.id());
        try {
            crossing.enter(domain, () -> {
                remote.construct();
                return 0;
            });
        } catch (RuntimeException | Error e) {
            remote.drop();
            throw e;
        } finally {
            kernel.memory().actAs(previous);
        }
        return new FaultDomain(kernel, domain, mode, remote.stub(), crossing, verified.hook(), remote::drop);
    }

    private static Class<?> define(DomainClassLoader loader, byte[] bytes, VerifiedClass verified) throws Rejection {
        try {
            return loader.define(bytes);
        } catch (LinkageError e) {
            throw Rejection.jvmVerification(verified.className(), e);
        }
    }

    /**
     * Binds the meter, then links and initialises the class and finds its constructor. Linking
     * first separates the JVM's own verification errors (a rejection: nothing ran) from faults of
     * code that ran. In protected modes the only static initialiser is the one the rewrite adds
     * (the verifier refuses the extension's own), and it only fetches the bound meter.
     */
    private MethodHandle link(Class<?> type, Meter meter, VerifiedClass verified) throws Rejection {
        Meter.bind(type, meter);
        meter.refill(budget.fuel(), budget.bytes(), machineLimits ? Integer.MAX_VALUE : budget.depth());
        try {
            Class.forName(type.getName(), true, type.getClassLoader());
            return MethodHandles.publicLookup().findConstructor(type, NO_ARG_CONSTRUCTOR);
        } catch (ExceptionInInitializerError e) {
            // Only an unverified (NONE) extension has an initialiser of its own: its failure is the kernel's.
            if (machineLimits) {
                throw MachineLimitCrossing.panicIfStopped(meter, e.getCause() == null ? e : e.getCause());
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        } catch (LinkageError e) {
            throw Rejection.jvmVerification(verified.className(), e);
        } catch (ReflectiveOperationException e) {
            throw Rejection.shape(verified.className(), "no public no-argument constructor");
        }
    }

    /** Constructs the extension inside the domain, so a constructor that loops or throws is stopped like any other invocation. */
    private Object construct(MethodHandle constructor, Domain domain, Crossing crossing) {
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

    /** Stops the watchdog thread and, under {@code PROCESS}, kills the extension process. */
    @Override
    public void close() {
        watchdog.close();
        if (process != null) {
            process.close();
        }
    }
}
