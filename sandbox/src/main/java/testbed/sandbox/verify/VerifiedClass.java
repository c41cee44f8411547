package testbed.sandbox.verify;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import testbed.kernel.api.Hook;

/**
 * An extension class that passed the {@link Verifier}, with the facts about it that the later
 * stages of the load pipeline use.
 *
 * <p>It holds its own copy of the bytes that were checked: rewrite and define <em>those</em>
 * ({@link #bytes()}), not the caller's array, which the caller may change after verification.
 */
public final class VerifiedClass {

    /**
     * What one method does, counted over its code (static counts, not executions).
     *
     * @param name the method's name
     * @param descriptor the method's descriptor
     * @param instructions the number of instructions
     * @param backwardJumps jumps and switches with a target at or before themselves: the loop back-edges fuel metering must cover
     * @param calls method calls, including {@code invokedynamic} (string concatenation)
     * @param memoryAccesses calls to {@code testbed.kernel.api.Memory}: the accesses the isolation rewrite confines
     * @param allocations {@code new} and array creations: the allocations the allocation meter sees
     * @param jdkAllocations calls that allocate, inside the JDK, an amount that depends on their arguments (string
     *     concatenation, {@code StringBuilder.append}...): invisible to an allocation meter that only counts the
     *     extension's own {@code new}
     * @param trapHandlers exception handlers (including {@code finally}) whose
     *     catch type could catch a kernel {@code Trap} or {@code MachineCheck}: the rewrite must make them rethrow those
     * @param locksThis whether the method is {@code synchronized} (an instance method: it locks {@code this})
     */
    public record MethodFacts(String name, String descriptor, int instructions, int backwardJumps, int calls,
            int memoryAccesses, int allocations, int jdkAllocations, int trapHandlers, boolean locksThis) {
    }

    private final String className;
    private final Hook hook;
    private final byte[] bytes;
    private final boolean verified;
    private final List<MethodFacts> methods;
    private final Set<String> helpers;

    VerifiedClass(String className, Hook hook, byte[] bytes, boolean verified, List<MethodFacts> methods,
            Set<String> helpers) {
        this.className = className;
        this.hook = hook;
        this.bytes = bytes;
        this.verified = verified;
        this.methods = List.copyOf(methods);
        this.helpers = Set.copyOf(helpers);
    }

    /** The class's binary name ({@code com.x.Filter}): the name to define it under. */
    public String className() {
        return className;
    }

    /** The hook the class implements. */
    public Hook hook() {
        return hook;
    }

    /** A copy of the class file that was checked. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * Whether every rule was checked ({@link Verifier#verify}); false when only the class file
     * and the shape were ({@link Verifier#inspect}), which makes none of the safety guarantees.
     */
    public boolean verified() {
        return verified;
    }

    /** Facts about each method, in the order the class file declares them. */
    public List<MethodFacts> methods() {
        return methods;
    }

    /** The facts about one method, if the class declares it. */
    public Optional<MethodFacts> method(String name, String descriptor) {
        return methods.stream().filter(m -> m.name().equals(name) && m.descriptor().equals(descriptor)).findFirst();
    }

    /**
     * Names of the {@code testbed.kernel.api.Context} helpers the class calls anywhere
     * ({@code alloc}, {@code lock}, ...): what a capability check at bind time can compare
     * against the domain's capabilities before anything runs.
     */
    public Set<String> helpers() {
        return helpers;
    }

    @Override
    public String toString() {
        return "VerifiedClass[" + className + " implements " + hook + ", " + bytes.length + " bytes, "
                + methods.size() + " methods" + (verified ? "" : ", inspected only") + "]";
    }
}
