package testbed.sandbox.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.Opcodes;
import testbed.kernel.api.Hook;

/** The rules about a class's shape and declarations: everything but its code. */
final class DeclarationCheck {
    /**
     * Packages an extension may not claim: the JDK's, and every package of the testbed but those
     * made for extensions ({@link #EXTENSION_PACKAGES}). Claiming one gains no access (a domain has
     * its own loader), but the extension would shadow a trusted class by name for itself, and its
     * frames, traps and records would read as the kernel's or the tool's own (the JVM refuses
     * {@code java/} outright). Reserving the whole {@code testbed/} tree, not a list of its
     * packages, keeps a package the tool adds later reserved too.
     */
    private static final List<String> RESERVED = List.of("java/", "javax/", "jdk/", "sun/", "com/sun/", "testbed/");

    /**
     * The packages of the testbed where extensions live: the corpus (its generated programs
     * included), the classic BPF filters the JIT compiles and exports, the benchmarks' extensions.
     */
    static final List<String> EXTENSION_PACKAGES = List.of("testbed/corpus/entries/", "testbed/bpf/filters/",
            "testbed/bpf/campaign/", "testbed/bench/extensions/");

    /** Methods that Java serialization calls by name. */
    private static final Set<String> SERIALIZATION_METHODS = Set.of(
            "readObject(Ljava/io/ObjectInputStream;)V", "writeObject(Ljava/io/ObjectOutputStream;)V",
            "readObjectNoData()V", "readResolve()Ljava/lang/Object;", "writeReplace()Ljava/lang/Object;",
            "readExternal(Ljava/io/ObjectInput;)V", "writeExternal(Ljava/io/ObjectOutput;)V");

    private final Declarations d;
    private final Allowlist allowlist;
    private final boolean enforce;

    private DeclarationCheck(Declarations d, Allowlist allowlist, boolean enforce) {
        this.d = d;
        this.allowlist = allowlist;
        this.enforce = enforce;
    }

    /**
     * Checks shape (always) and declarations (when {@code enforce}).
     *
     * @return the hook the class implements
     */
    static Hook check(Declarations d, Allowlist allowlist, boolean enforce) throws Rejection {
        return new DeclarationCheck(d, allowlist, enforce).check();
    }

    /** Whether {@code internalName} may appear as a type in {@code self}. */
    static boolean typeAllowed(String internalName, Declarations self, Allowlist allowlist) {
        return internalName.equals(self.name()) || allowlist.knowsType(internalName);
    }

    /** The first class a descriptor names that may not appear as a type, or null. */
    static String deniedType(List<String> classes, Declarations self, Allowlist allowlist) {
        for (String c : classes) {
            if (!typeAllowed(c, self, allowlist)) {
                return c;
            }
        }
        return null;
    }

    private Hook check() throws Rejection {
        if (d.module() || d.is(Opcodes.ACC_MODULE)) {
            throw shape("a module descriptor, not a class");
        }
        if (d.is(Opcodes.ACC_INTERFACE) || d.is(Opcodes.ACC_ANNOTATION)) {
            throw shape("an interface, not a class");
        }
        if (d.is(Opcodes.ACC_ENUM)) {
            throw shape("an enum: an extension is a plain class");
        }
        if (d.is(Opcodes.ACC_ABSTRACT)) {
            throw shape("abstract: the kernel must be able to instantiate it");
        }
        if (!d.is(Opcodes.ACC_PUBLIC)) {
            throw shape("not public: the kernel must be able to instantiate it");
        }
        for (String p : reserved()) {
            if (d.name().startsWith(p) && EXTENSION_PACKAGES.stream().noneMatch(d.name()::startsWith)) {
                String own = d.name().substring(0, Math.max(0, d.name().lastIndexOf('/'))).replace('/', '.');
                throw shape("package " + own + " is reserved for the JDK and the testbed (extensions of the testbed live in "
                        + EXTENSION_PACKAGES.stream().map(e -> e.substring(0, e.length() - 1).replace('/', '.'))
                                .collect(Collectors.joining(", ")) + ")");
            }
        }
        // Inherited code is outside the verifier's view; a trusted (NONE) load has no such view to keep.
        if (enforce && !"java/lang/Object".equals(d.superName())) {
            throw shapeOr(Rule.diagnose(String.valueOf(d.superName()), null), "extends " + d.superName()
                    + "; an extension extends java/lang/Object directly");
        }
        Hook hook = null;
        for (String i : d.interfaces()) {
            Hook h = Hook.ofInternalName(i).orElse(null);
            if (h == null) {
                if (!enforce) {
                    continue;
                }
                throw shapeOr(Rule.diagnose(i, null), "implements " + i + ", which is not a hook interface");
            }
            if (hook != null) {
                throw shape("implements two hook interfaces; an extension implements exactly one");
            }
            hook = h;
        }
        if (hook == null) {
            throw shape("implements no hook interface; an extension implements exactly one of "
                    + Stream.of(Hook.values()).map(Hook::internalName).collect(Collectors.joining(", ")));
        }
        if (enforce) {
            for (Declarations.Field f : d.fields()) {
                field(f);
            }
            for (Declarations.Method m : d.methods()) {
                method(m);
            }
        }
        Declarations.Method constructor = d.method("<init>", "()V");
        if (constructor == null || !constructor.is(Opcodes.ACC_PUBLIC)) {
            throw shape("no public no-argument constructor");
        }
        for (Declarations.Method m : d.methods()) {
            if (m.is(Opcodes.ACC_ABSTRACT)) {
                throw Rejection.ofMethod(Rule.SHAPE, d.binaryName(), m.name(), m.descriptor(), -1,
                        "abstract method: every method of an extension needs code");
            }
        }
        for (Hook.Method required : hook.methods()) {
            Declarations.Method m = d.method(required.name(), required.descriptor());
            if (m == null || !m.is(Opcodes.ACC_PUBLIC) || m.is(Opcodes.ACC_STATIC)) {
                throw shape("does not implement " + required.name() + required.descriptor() + " of " + hook.type().getName()
                        + " as a public instance method");
            }
        }
        return hook;
    }

    private void field(Declarations.Field f) throws Rejection {
        String type;
        try {
            List<String> classes = Descriptors.classesOfField(f.descriptor());
            type = deniedType(classes, d, allowlist);
        } catch (IllegalArgumentException e) {
            throw classLevel(Rule.MALFORMED, "field " + f.name() + " has a malformed descriptor " + f.descriptor());
        }
        if (type != null) {
            Rule rule = Rule.diagnose(type, null);
            throw classLevel(rule, "field " + f.name() + " of type " + type + " is not allowed: " + rule.reason());
        }
        if ((f.access() & Opcodes.ACC_STATIC) == 0) {
            return;
        }
        if ((f.access() & Opcodes.ACC_FINAL) == 0) {
            throw classLevel(Rule.STATIC_STATE, "static field " + f.name() + " is not final: "
                    + Rule.STATIC_STATE.reason() + " (make it final, of a primitive type or String, or an instance field)");
        }
        if (f.descriptor().length() != 1 && !f.descriptor().equals("Ljava/lang/String;")) {
            throw classLevel(Rule.STATIC_STATE, "static final field " + f.name() + " of type " + f.descriptor()
                    + " is mutable: " + Rule.STATIC_STATE.reason() + " (only primitives and String may be static; use an instance field)");
        }
    }

    private void method(Declarations.Method m) throws Rejection {
        if (m.is(Opcodes.ACC_NATIVE)) {
            throw method(m, Rule.NATIVE, "native method: " + Rule.NATIVE.reason() + " is not allowed");
        }
        if (m.name().equals("<clinit>")) {
            throw method(m, Rule.STATIC_INIT, "static initialiser: " + Rule.STATIC_INIT.reason()
                    + " (initialise static final fields with constants, or use instance fields)");
        }
        if (m.is(Opcodes.ACC_SYNCHRONIZED) && m.is(Opcodes.ACC_STATIC)) {
            throw method(m, Rule.MONITOR, "synchronized static method locks the class object: " + Rule.MONITOR.reason()
                    + " (synchronize on this instead)");
        }
        if (m.name().equals("finalize") && m.descriptor().equals("()V")) {
            throw method(m, Rule.FINALIZER, "finalize() override: " + Rule.FINALIZER.reason() + " is not allowed");
        }
        if (SERIALIZATION_METHODS.contains(m.name() + m.descriptor())) {
            throw method(m, Rule.SERIALIZATION, m.name() + " is a serialization hook: " + Rule.SERIALIZATION.reason()
                    + " is not allowed");
        }
        String type;
        try {
            type = deniedType(Descriptors.classesOfMethod(m.descriptor()), d, allowlist);
        } catch (IllegalArgumentException e) {
            throw method(m, Rule.MALFORMED, "malformed method descriptor");
        }
        if (type != null) {
            Rule rule = Rule.diagnose(type, null);
            throw method(m, rule, "parameter or return type " + type + " is not allowed: " + rule.reason());
        }
    }

    private List<String> reserved() {
        List<String> all = new ArrayList<>(RESERVED);
        all.addAll(allowlist.packages());
        return all;
    }

    private Rejection method(Declarations.Method m, Rule rule, String detail) {
        return Rejection.ofMethod(rule, d.binaryName(), m.name(), m.descriptor(), -1, detail);
    }

    private Rejection classLevel(Rule rule, String detail) {
        return Rejection.ofClass(rule, d.binaryName(), detail);
    }

    /**
     * A shape problem that a more specific rule may explain: a superclass {@code Thread} is
     * {@link Rule#THREADS}, an interface {@code Serializable} {@link Rule#SERIALIZATION}. Outside
     * {@code enforce} it is always {@link Rule#SHAPE}.
     */
    private Rejection shapeOr(Rule diagnosis, String detail) {
        if (!enforce || diagnosis == Rule.NOT_ALLOWLISTED) {
            return shape(detail);
        }
        return Rejection.ofClass(diagnosis, d.binaryName(), detail + ": " + diagnosis.reason());
    }

    private Rejection shape(String detail) {
        return Rejection.ofClass(Rule.SHAPE, d.binaryName(), detail);
    }
}
