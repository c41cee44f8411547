package testbed.sandbox.verify;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.Type;
import testbed.kernel.MachineCheck;
import testbed.kernel.Trap;
import testbed.kernel.api.Hook;

/**
 * The load-time verifier: reads an extension's class bytes and refuses, before anything of it
 * runs, every class that could escape its fault domain by means other than its memory accesses
 * (which the isolation rewrite confines) or its budgets (which the rewrite meters).
 *
 * <pre>{@code
 * VerifiedClass ok = Verifier.standard().verify(bytes);     // or throws Rejection
 * }</pre>
 *
 * <p>What it guarantees for a class it accepts, given that the JVM's own verifier accepts it too
 * (the sandbox defines every class with verification on):
 * <ul>
 *   <li>the class is one public class extending {@code Object} that implements exactly one hook
 *       interface and has a public no-argument constructor;</li>
 *   <li>every type, method and field it names is its own or on the allowlist; in particular it
 *       reaches the kernel only through {@code Context} and {@code Memory}, and has no reflection,
 *       method handles, lambdas, native code, threads, class loaders, I/O, finalizers or
 *       serialization;</li>
 *   <li>it has no static state but constants and no static initialiser, so domains that share it
 *       share nothing;</li>
 *   <li>it locks nothing but its own instance, and that only as a {@code synchronized} instance
 *       method (no {@code synchronized} blocks);</li>
 *   <li>no exception handler catches JVM errors by name, and every loop in its code, exception
 *       edges included, contains a backward jump (so metering backward jumps and calls bounds it).</li>
 * </ul>
 * Each broken rule is a {@link Rejection} naming the {@link Rule}, the class, the method and the
 * instruction. Malformed input of any kind is a {@link Rule#MALFORMED} rejection, never another
 * exception.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Verifier {
    /** The default limit on the size of a class file: 64 KiB. */
    public static final int DEFAULT_MAX_CLASS_SIZE = 64 * 1024;

    private static final Verifier STANDARD = new Verifier(Allowlist.standard(), DEFAULT_MAX_CLASS_SIZE);

    /** Types whose handlers can catch what the kernel throws into a domain: supertypes of {@link Trap} and {@link MachineCheck}. */
    private static final Set<String> TRAP_CATCHERS = supertypes(Trap.class, MachineCheck.class);

    private final Allowlist allowlist;
    private final int maxClassSize;

    private Verifier(Allowlist allowlist, int maxClassSize) {
        this.allowlist = allowlist;
        this.maxClassSize = maxClassSize;
    }

    /** The verifier with the bundled allowlist and a class size limit of {@value #DEFAULT_MAX_CLASS_SIZE} bytes. */
    public static Verifier standard() {
        return STANDARD;
    }

    /** The same verifier with another limit on the size of a class file, in bytes. */
    public Verifier withMaxClassSize(int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("the class size limit must be positive: " + bytes);
        }
        return new Verifier(allowlist, bytes);
    }

    /** The limit on the size of a class file, in bytes. */
    /**
     * Binary names ({@code java.lang.Math}) of every class the allowlist lets an extension name:
     * what a domain's class loader may resolve besides the extension API and the isolation runtime.
     */
    public static java.util.Set<String> allowlistedTypes() {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (String internal : Allowlist.standard().classes().keySet()) {
            names.add(internal.replace('/', '.'));
        }
        return java.util.Set.copyOf(names);
    }

    public int maxClassSize() {
        return maxClassSize;
    }

    /**
     * Checks every rule.
     *
     * @param bytes a class file; it is copied first, so later changes to the array do not matter
     * @return the verified class and its facts
     * @throws Rejection naming the first rule the class breaks
     */
    public VerifiedClass verify(byte[] bytes) throws Rejection {
        return check(bytes, true);
    }

    /**
     * Checks only that the bytes are a well-formed class file of acceptable size and an extension's
     * shape as far as the kernel needs it (one hook interface, a public no-argument constructor; any superclass and other interfaces are its own business) ({@link Rule#MALFORMED}, {@link Rule#TOO_LARGE}, {@link Rule#SHAPE}), and gathers the
     * same facts as {@link #verify}. For the unprotected baseline, which trusts the extension by
     * definition: the result guarantees nothing about safety ({@link VerifiedClass#verified()} is false).
     */
    public VerifiedClass inspect(byte[] bytes) throws Rejection {
        return check(bytes, false);
    }

    private VerifiedClass check(byte[] bytes, boolean enforce) throws Rejection {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length > maxClassSize) {
            throw Rejection.ofClass(Rule.TOO_LARGE, Rejection.UNKNOWN_CLASS, "class file of " + bytes.length
                    + " bytes exceeds the limit of " + maxClassSize + " bytes");
        }
        byte[] copy = bytes.clone();
        String name = ClassFileFormat.check(copy);
        try {
            ClassReader reader = new ClassReader(copy);
            Declarations declarations = new Declarations();
            reader.accept(declarations, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
            Hook hook = DeclarationCheck.check(declarations, allowlist, enforce);
            CodeCheck code = new CodeCheck(declarations, allowlist, enforce, TRAP_CATCHERS);
            reader.accept(code, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
            return new VerifiedClass(declarations.binaryName(), hook, copy, enforce, code.methods(),
                    code.helpers());
        } catch (Refused r) {
            throw r.rejection();
        } catch (RuntimeException e) {
            // ASM found what the structural check let through; a refusal is always safe.
            throw Rejection.ofClass(Rule.MALFORMED, name, "the class file could not be parsed ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
    }

    private static Set<String> supertypes(Class<?>... types) {
        Set<String> names = new HashSet<>();
        for (Class<?> t : types) {
            for (Class<?> c = t; c != null; c = c.getSuperclass()) {
                names.add(Type.getInternalName(c));
            }
        }
        return Set.copyOf(names);
    }
}
