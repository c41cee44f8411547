package testbed.sandbox.verify;

import java.util.List;

/**
 * The rules the {@link Verifier} enforces, each named after the escape route it closes.
 *
 * <p>The allowlist ({@code allowlist.txt}) is what makes the verifier sound: anything an extension
 * names that the allowlist does not grant is refused. Most rules below are <em>diagnoses</em> on
 * top of it: they say why a refused type or member is dangerous ({@link #REFLECTION},
 * {@link #THREADS}, ...) so that the message tells a user what to change; anything refused that no
 * diagnosis claims is {@link #NOT_ALLOWLISTED}. The remaining rules check what no allowlist can
 * express: the class file's integrity, the extension's shape, declarations, monitors and
 * exception handlers.
 */
public enum Rule {
    /**
     * The bytes are not a class file this verifier can read exactly as the JVM would: empty or
     * truncated, bad magic, a corrupt constant pool, invalid modified UTF-8, attribute lengths that
     * overrun, an unsupported class file version (Java 8 to 25 are supported; preview features are
     * not), {@code jsr}/{@code ret}. Closes parser differentials (the verifier checking one class
     * while the JVM loads another) and crashes or exhaustion of the load pipeline itself.
     */
    MALFORMED("malformed class file"),

    /** The class file exceeds the size limit. Closes resource exhaustion of the verifier and the rewrite. */
    TOO_LARGE("class file too large"),

    /**
     * The class is not an extension: it must be a public, concrete, non-enum class extending
     * {@code Object} directly, implement exactly one hook interface of {@code testbed.kernel.api}
     * and every method of it, have a public no-argument constructor, and live outside the JDK's
     * and the testbed's own packages. Closes inheriting host behaviour (a superclass's code runs
     * outside the verifier's view), shadowing a trusted class by name, and a kernel calling into a
     * method that is not there.
     */
    SHAPE("not an extension"),

    /** A {@code native} method. Closes the JNI escape: native code is outside every JVM guarantee. */
    NATIVE("native code"),

    /**
     * Reflection and method handles: {@code java.lang.Class}, {@code getClass()}, class literals,
     * {@code java.lang.reflect}, {@code java.lang.invoke}, method handle and method type constants,
     * dynamic constants, and every {@code invokedynamic} except javac's string concatenation.
     * Closes calls the verifier cannot see (the target is chosen at run time) and the road from a
     * {@code Class} object to its loader and to the host's classes.
     */
    REFLECTION("reflection", "java/lang/Class", "java/lang/ClassValue", "java/lang/StackWalker",
            "java/lang/reflect/", "java/lang/invoke/", ".getClass"),

    /**
     * Lambdas and method references ({@code LambdaMetafactory}). Closes code the verifier never
     * sees: the metafactory spins a hidden class at run time whose call targets the isolation
     * rewrite cannot confine. Use a named method of the extension instead.
     */
    LAMBDA("lambdas and method references"),

    /**
     * Class loaders, modules and service loading. Closes defining new, unverified code and
     * reaching host classes through another loader.
     */
    CLASS_LOADER("class loading", "java/lang/ClassLoader", "java/lang/Module", "java/lang/ModuleLayer",
            "java/lang/ServiceLoader", "java/lang/Package", "java/security/SecureClassLoader",
            "java/net/URLClassLoader", "java/lang/instrument/"),

    /**
     * {@code sun.misc.Unsafe} and the JDK's internal packages. Closes raw host memory access and
     * every JVM invariant with it.
     */
    UNSAFE("JDK internals", "sun/", "jdk/internal/", "com/sun/"),

    /**
     * Threads, executors, timers, thread locals and {@code Object.wait/notify/notifyAll}. Closes
     * code that outlives the domain crossing (no budget, no abort reaches it) and blocking the
     * kernel's thread.
     */
    THREADS("threads and blocking", "java/lang/Thread", "java/lang/ThreadGroup", "java/lang/ThreadLocal",
            "java/lang/InheritableThreadLocal", "java/lang/ThreadDeath", "java/lang/Runnable", "java/lang/VirtualThread",
            "java/util/concurrent/", "java/util/Timer", "java/util/TimerTask", ".wait", ".notify", ".notifyAll"),

    /**
     * A {@code monitorenter} or {@code monitorexit} (a {@code synchronized} block, on any object), or a
     * {@code synchronized} static method (it locks the {@code Class}). Closes deadlocking or stalling
     * other domains and the kernel through a shared object, and a trap that could not unwind as a
     * trap: the isolation rewrite makes a block's clean-up handler rethrow an abort before its
     * {@code monitorexit}, and the JVM then replaces the trap with an
     * {@code IllegalMonitorStateException} a caller could catch. Synchronized instance methods are
     * allowed: nobody else can reach the instance, and the JVM releases their monitor on every exit.
     */
    MONITOR("locking a shared object"),

    /**
     * The host process and its environment: {@code System} (exit, properties, environment, the
     * standard streams, clocks), {@code Runtime}, processes. Closes stopping the host, spawning
     * programs, reading secrets, and non-determinism that breaks replay of a trial.
     */
    SYSTEM("host process and environment", "java/lang/System", "java/lang/Runtime", "java/lang/Process",
            "java/lang/ProcessBuilder", "java/lang/ProcessHandle", "java/lang/Shutdown",
            "java/lang/SecurityManager"),

    /**
     * Java serialization: implementing {@code Serializable} or {@code Externalizable}, declaring
     * {@code readObject}, {@code writeObject}, {@code readResolve}, {@code writeReplace},
     * {@code readObjectNoData}, {@code readExternal} or {@code writeExternal}, or using object
     * streams. Closes code the host's serialization machinery would run with the host's rights.
     */
    SERIALIZATION("serialization", "java/io/Serializable", "java/io/Externalizable", "java/io/ObjectInputStream",
            "java/io/ObjectOutputStream", "java/io/ObjectInput", "java/io/ObjectOutput",
            "java/io/ObjectStreamClass", "java/io/ObjectStreamField", "java/io/ObjectInputFilter"),

    /**
     * Files, channels, buffers and the network ({@code java.io}, {@code java.nio}, {@code java.net}).
     * Closes I/O outside the kernel: an extension's only I/O is the kernel helpers
     * ({@code Context.log}, {@code Context.sendPacket}).
     */
    IO("files and network", "java/io/", "java/nio/", "java/net/", "javax/net/"),

    /**
     * Finalizers ({@code finalize()} declared or called) and reference processing
     * ({@code java.lang.ref}, cleaners). Closes code that the garbage collector runs later, on its
     * own thread, outside any domain crossing, and resurrection of an aborted domain's objects.
     */
    FINALIZER("finalization", "java/lang/ref/", ".finalize", ".runFinalization"),

    /**
     * Static state that is not a constant: a static field that is not final, or a static final
     * field of a type other than a primitive or {@code String}, or a write to a static field.
     * Closes a channel between domains that share the class, and state that survives an abort.
     */
    STATIC_STATE("state shared between domains"),

    /**
     * A static initialiser ({@code <clinit>}). Closes code that runs once for every domain that
     * shares the class, charged to whichever touched it first; if that domain is aborted mid-way
     * the class is unusable for all of them. Constant static fields need no initialiser.
     */
    STATIC_INIT("code shared between domains"),

    /**
     * An exception handler whose catch type is not marked catchable in the allowlist (for
     * example {@code Error}, {@code StackOverflowError}). Closes an extension that swallows the
     * JVM's errors and the kernel's traps to keep running after it should have been stopped.
     * ({@code catch (Throwable)} and {@code finally} are allowed: the isolation rewrite makes those
     * handlers rethrow a trap, and {@link VerifiedClass.MethodFacts#trapHandlers()} counts them.)
     */
    CATCH("catching errors and traps"),

    /**
     * An exception handler that control can reach again from the code it protects, other than
     * javac's {@code synchronized} clean-up handler. Closes loops without a backward jump: fuel
     * is metered on backward jumps and calls, so a handler that jumps back into its own range
     * would spin unmetered.
     */
    HANDLER_LOOP("loop without a backward jump"),

    /**
     * A type, call or field access that the allowlist does not grant and no other rule claims.
     * The allowlist is the default-deny boundary: everything the extension may touch is listed
     * there member by member.
     */
    NOT_ALLOWLISTED("not on the allowlist"),

    /**
     * The JVM's own verifier or linker refused the (rewritten) class when the sandbox defined or
     * linked it ({@code VerifyError}, {@code ClassFormatError}, {@code NoClassDefFoundError}...).
     * This verifier does not re-implement the JVM's type checking; it relies on it, so every
     * class is defined with verification on.
     */
    JVM_VERIFICATION("refused by the JVM"),

    /**
     * The isolation rewrite could not confine or meter the class the verifier passed (a method
     * too large once guarded, a construct the rewrite does not support). The load stops before
     * anything is defined, so a rewrite's refusal is a rejection like any other, never a failure
     * of the host.
     */
    REWRITE("refused by the isolation rewrite");

    private final String reason;
    private final List<String> diagnoses;

    Rule(String reason, String... diagnoses) {
        this.reason = reason;
        this.diagnoses = List.of(diagnoses);
    }

    /** A few words saying what the rule forbids; the end of every message about it. */
    public String reason() {
        return reason;
    }

    /**
     * The rule that explains why {@code owner.member} (or the type {@code owner} when
     * {@code member} is null) is dangerous, or {@link #NOT_ALLOWLISTED} when none does. Only
     * called for what the allowlist already refused: this picks the message, not the verdict.
     */
    static Rule diagnose(String owner, String member) {
        String element = element(owner);
        for (Rule rule : values()) {
            for (String pattern : rule.diagnoses) {
                if (pattern.startsWith(".")) {
                    if (member != null && member.equals(pattern.substring(1))) {
                        return rule;
                    }
                } else if (pattern.endsWith("/")) {
                    if (element.startsWith(pattern)) {
                        return rule;
                    }
                } else if (element.equals(pattern) || element.startsWith(pattern + "$")) {
                    return rule;
                }
            }
        }
        return NOT_ALLOWLISTED;
    }

    /** The element class of an array descriptor, or the name itself. */
    private static String element(String owner) {
        int dims = 0;
        while (dims < owner.length() && owner.charAt(dims) == '[') {
            dims++;
        }
        if (dims > 0 && owner.length() > dims + 1 && owner.charAt(dims) == 'L' && owner.endsWith(";")) {
            return owner.substring(dims + 1, owner.length() - 1);
        }
        return owner;
    }
}
