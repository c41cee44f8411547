package testbed.kernel.api;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import testbed.kernel.Capability;
import testbed.kernel.Domain;
import testbed.kernel.Kernel;

/**
 * The table of hooks: each point where the kernel calls extensions, with the interface an
 * extension implements to attach there and the capability it needs. Everything else that has to
 * know the hooks (the verifier's shape rules, corpus discovery, the process protocol and its
 * stubs, trial workloads, the {@code VERIFIED} analysis's entry contract) reads this table, so
 * adding a hook is adding a row here, its interface in this package, and the kernel's call site.
 *
 * <p>A hook interface's methods take the {@link Context} first and then at most two {@code int}
 * or {@code long} arguments, and return {@code int}, {@code long}, {@code boolean} or nothing:
 * that is what lets {@link Method#invoke} and {@link #remote} carry any of them as two longs and a
 * long. The table refuses, when it is first used, a row whose interface does not fit.
 */
public enum Hook {
    /** NIC receive path: each arriving packet, first match delivers. */
    PACKET_FILTER(PacketFilter.class, Capability.PACKET_FILTER, "filter", Domain.WINDOW_SIZE),
    /** ExtOS {@code read()}: filters file data in the kernel before it reaches the caller. */
    READ_FILTER(ReadFilter.class, Capability.READ_FILTER, "filter", Domain.WINDOW_SIZE),
    /** SPIN dispatcher: guards choose handlers for each raised event. */
    EVENT_HANDLER(EventHandler.class, Capability.EVENT_HANDLER),
    /** VINO graft: the buffer cache's choice of victim. */
    EVICTION_POLICY(EvictionPolicy.class, Capability.EVICTION_POLICY, "chooseVictim", Kernel.MAX_CANDIDATES),
    /** Exokernel library OS: start and visible revocation of bound frames. */
    LIBRARY_OS(LibraryOs.class, Capability.LIBRARY_OS);

    private static final List<Method> ALL_METHODS = numbered();

    private final Class<?> type;
    private final Capability capability;
    private final List<Method> methods;

    Hook(Class<?> type, Capability capability) {
        this(type, capability, null, 0);
    }

    /** A hook whose method {@code windowed} is given data in the segment and a count of at most {@code bound} ({@link Method#windowBound()}). */
    Hook(Class<?> type, Capability capability, String windowed, int bound) {
        this.type = type;
        this.capability = capability;
        this.methods = methodsOf(this, type, windowed, bound);
    }

    /** The hook interface. */
    public Class<?> type() {
        return type;
    }

    /** The hook interface's internal name, as class files name it ({@code testbed/kernel/api/PacketFilter}). */
    public String internalName() {
        return type.getName().replace('.', '/');
    }

    /** The capability a domain needs to attach here. */
    public Capability capability() {
        return capability;
    }

    /** The methods an extension attached here implements, in the order of their name and descriptor. */
    public List<Method> methods() {
        return methods;
    }

    /**
     * The one hook an extension object implements.
     *
     * @throws IllegalArgumentException if it implements none or several hook interfaces
     */
    public static Hook of(Object extension) {
        if (extension == null) {
            throw new IllegalArgumentException("extension is null");
        }
        Hook found = null;
        for (Hook h : values()) {
            if (h.type.isInstance(extension)) {
                if (found != null) {
                    throw new IllegalArgumentException(extension.getClass().getName() + " implements both "
                            + found.type.getSimpleName() + " and " + h.type.getSimpleName() + "; an extension implements exactly one hook interface");
                }
                found = h;
            }
        }
        if (found == null) {
            throw new IllegalArgumentException(extension.getClass().getName() + " implements no hook interface of testbed.kernel.api");
        }
        return found;
    }

    /** The hook whose interface has internal name {@code internalName}, if any. */
    public static Optional<Hook> ofInternalName(String internalName) {
        for (Hook h : values()) {
            if (h.internalName().equals(internalName)) {
                return Optional.of(h);
            }
        }
        return Optional.empty();
    }

    /** The hook method numbered {@code id} (see {@link Method#id()}), if any. */
    public static Optional<Method> method(int id) {
        return id >= 1 && id <= ALL_METHODS.size() ? Optional.of(ALL_METHODS.get(id - 1)) : Optional.empty();
    }

    /**
     * An object implementing this hook's interface whose every hook method is one
     * {@link Remote#call} of {@code remote}, with the answer converted back to the method's return
     * type; {@code toString} is the remote's. This is how an extension living elsewhere (another
     * process) is attached like any other.
     */
    public Object remote(Remote remote) {
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, called, args) -> {
            if (called.getDeclaringClass() == Object.class) {
                return switch (called.getName()) {
                    case "toString" -> remote.toString();
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> proxy == args[0];
                };
            }
            Method m = methodFor(called);
            long a = args.length > 1 ? ((Number) args[1]).longValue() : 0;
            long b = args.length > 2 ? ((Number) args[2]).longValue() : 0;
            long answer = remote.call((Context) args[0], m, a, b);
            Class<?> r = called.getReturnType();
            return r == int.class ? (Object) (int) answer : r == boolean.class ? (Object) (answer != 0) : r == long.class ? (Object) answer : null;
        });
    }

    private Method methodFor(java.lang.reflect.Method called) {
        for (Method m : methods) {
            if (m.reflected.equals(called)) {
                return m;
            }
        }
        throw new IllegalStateException(called + " is not a method of hook " + this);
    }

    /** Where the calls of a {@link #remote} stub go. */
    @FunctionalInterface
    public interface Remote {
        /**
         * One call of hook method {@code method} with its arguments after the context widened to
         * longs (0 for those it does not have).
         *
         * @return the answer as a long: an {@code int} widened, a {@code boolean} as 1 or 0, 0 for {@code void}
         */
        long call(Context ctx, Method method, long a, long b);
    }

    /** One method of a hook interface. */
    public static final class Method {
        private final Hook hook;
        private final String name;
        private final String descriptor;
        private final java.lang.reflect.Method reflected;
        private final MethodHandle invoker;
        private final int windowBound;
        private int id;

        private Method(Hook hook, java.lang.reflect.Method reflected, int windowBound) {
            this.hook = hook;
            this.name = reflected.getName();
            this.descriptor = Hook.descriptor(reflected);
            this.reflected = reflected;
            this.invoker = Hook.invoker(reflected);
            this.windowBound = windowBound;
        }

        /** The hook it belongs to. */
        public Hook hook() {
            return hook;
        }

        /** Its name ({@code filter}). */
        public String name() {
            return name;
        }

        /** Its descriptor ({@code (Ltestbed/kernel/api/Context;JI)I}). */
        public String descriptor() {
            return descriptor;
        }

        /**
         * Its number among all hook methods, from 1 in the order of the table and then of
         * {@link Hook#methods()}: the same in every JVM that runs this build, so a protocol may
         * carry it.
         */
        public int id() {
            return id;
        }

        /**
         * The kernel's promise about the arguments of this method, where it makes one: the first
         * after the context is the address of data inside the callee's segment (the kernel passes
         * the domain's window; a caller of the extension's own may pass any place in the segment)
         * and the second a count of at most this many (a packet's or a block's bytes, eviction
         * candidates). Empty for a method the kernel promises nothing about. The {@code VERIFIED}
         * analysis starts from it, and the rewrite checks it on entry.
         */
        public OptionalInt windowBound() {
            return windowBound > 0 ? OptionalInt.of(windowBound) : OptionalInt.empty();
        }

        /**
         * Calls it on {@code extension} with {@code a} and {@code b} narrowed to its parameter
         * types (the ones it does not have are ignored); whatever the extension throws propagates.
         *
         * @return the answer as {@link Remote#call} returns it
         */
        public long invoke(Object extension, Context ctx, long a, long b) throws Throwable {
            return (long) invoker.invokeExact(extension, ctx, a, b);
        }

        @Override
        public String toString() {
            return hook.type.getSimpleName() + "." + name + descriptor;
        }
    }

    private static List<Method> methodsOf(Hook hook, Class<?> type, String windowed, int bound) {
        List<java.lang.reflect.Method> declared = new ArrayList<>();
        for (java.lang.reflect.Method m : type.getMethods()) {
            if (Modifier.isAbstract(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())) {
                declared.add(m);
            }
        }
        declared.sort(Comparator.comparing(Hook::nameAndDescriptor));
        List<Method> out = new ArrayList<>();
        for (java.lang.reflect.Method m : declared) {
            boolean window = m.getName().equals(windowed);
            if (window && !descriptor(m).equals(WINDOWED)) {
                throw new IllegalStateException("hook method " + m + " is given a window, so it takes " + WINDOWED);
            }
            out.add(new Method(hook, m, window ? bound : 0));
        }
        if (windowed != null && out.stream().noneMatch(m -> m.windowBound > 0)) {
            throw new IllegalStateException(type.getName() + " has no method " + windowed);
        }
        return List.copyOf(out);
    }

    /** A handle {@code (Object, Context, long, long) long} for {@code m}; a method that does not fit the table's shape fails here. */
    private static MethodHandle invoker(java.lang.reflect.Method m) {
        Class<?>[] params = m.getParameterTypes();
        Class<?> r = m.getReturnType();
        if (params.length == 0 || params[0] != Context.class || params.length > 3
                || Arrays.stream(params, 1, params.length).anyMatch(p -> p != int.class && p != long.class)
                || (r != int.class && r != long.class && r != boolean.class && r != void.class)) {
            throw new IllegalStateException("hook method " + m + " does not fit the hook table: it takes a Context and at most "
                    + "two int or long arguments, and returns int, long, boolean or void");
        }
        MethodHandle h;
        try {
            h = MethodHandles.publicLookup().unreflect(m);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("hook method " + m + " is not public", e);
        }
        Class<?>[] wide = new Class<?>[params.length + 1];
        wide[0] = Object.class;
        wide[1] = Context.class;
        Arrays.fill(wide, 2, wide.length, long.class);
        // explicitCastArguments narrows long to int as a cast does, and gives a boolean as 1 or 0, void as 0.
        h = MethodHandles.explicitCastArguments(h, MethodType.methodType(long.class, wide));
        for (int missing = params.length - 1; missing < 2; missing++) {
            h = MethodHandles.dropArguments(h, h.type().parameterCount(), long.class);
        }
        return h;
    }

    /** What a method given a window takes: the context, the data's address, its count. */
    private static final String WINDOWED = "(Ltestbed/kernel/api/Context;JI)I";

    private static List<Method> numbered() {
        List<Method> all = new ArrayList<>();
        for (Hook h : values()) {
            for (Method m : h.methods) {
                all.add(m);
                m.id = all.size();
            }
        }
        return List.copyOf(all);
    }

    private static String nameAndDescriptor(java.lang.reflect.Method m) {
        return m.getName() + descriptor(m);
    }

    private static String descriptor(java.lang.reflect.Method m) {
        return MethodType.methodType(m.getReturnType(), m.getParameterTypes()).toMethodDescriptorString();
    }
}
