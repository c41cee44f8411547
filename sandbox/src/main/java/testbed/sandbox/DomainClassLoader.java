package testbed.sandbox;

import java.util.HashSet;
import java.util.Set;
import testbed.sandbox.verify.Verifier;

/**
 * The class loader of one fault domain. It defines the domain's (rewritten) extension class.
 * In a protected mode the class may resolve nothing but the extension API, the isolation runtime
 * the rewrite calls into, and the JDK types the verifier's allowlist names; everything else is
 * {@link ClassNotFoundException} even if the verifier missed it. Under {@code NONE} the loader
 * is trusted and delegates everything, as an unprotected kernel would. Dropping the loader
 * unloads the class, so domains share no static state.
 *
 * <p>Public only for the extension's process of {@code PROCESS} mode
 * ({@code testbed.sandbox.process}), which defines the class in its own JVM with this loader.
 */
public final class DomainClassLoader extends ClassLoader {
    /** What the name of every domain loader starts with: how stack frames of extension code are told apart. */
    public static final String NAME_PREFIX = "domain:";
    private static final String[] VISIBLE_PACKAGES = {"testbed.kernel.api.", "testbed.sfi.runtime."};
    private static final Set<String> VISIBLE_TYPES = visibleTypes();
    private static final StackWalker STACK = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    static {
        registerAsParallelCapable();
    }

    private final String extensionName;
    private final boolean trusted;

    /**
     * @param extensionName binary name of the one class this loader defines
     * @param parent where visible classes come from
     * @param trusted true only under {@code NONE}: everything is visible
     */
    public DomainClassLoader(String extensionName, ClassLoader parent, boolean trusted) {
        super(NAME_PREFIX + extensionName, parent);
        this.extensionName = extensionName;
        this.trusted = trusted;
    }

    /**
     * Defines the extension class.
     *
     * @throws LinkageError if the JVM refuses the bytes
     */
    public Class<?> define(byte[] bytes) {
        return defineClass(extensionName, bytes, 0, bytes.length);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.equals(extensionName)) {
            Class<?> own = findLoadedClass(name);
            if (own != null) {
                return own;
            }
            throw new ClassNotFoundException(name);
        }
        if (!trusted && !visible(name)) {
            throw new ClassNotFoundException(name + " is not visible to extension " + extensionName);
        }
        return super.loadClass(name, resolve);
    }

    /** The innermost frame of extension code in {@code thrown}'s stack trace, as {@code Class.method:line}, or empty. */
    public static String innermostFrame(Throwable thrown) {
        for (StackTraceElement e : thrown.getStackTrace()) {
            String loader = e.getClassLoaderName();
            if (loader != null && loader.startsWith(NAME_PREFIX)) {
                return e.getClassName() + "." + e.getMethodName() + ":" + e.getLineNumber();
            }
        }
        return "";
    }

    /** The innermost frame of extension code on the calling thread's stack, as {@code Class.method:line}, or empty. */
    public static String innermostFrame() {
        return STACK.walk(frames -> frames
                .filter(f -> f.getDeclaringClass().getClassLoader() instanceof DomainClassLoader)
                .map(f -> f.getClassName() + "." + f.getMethodName() + ":" + f.getLineNumber())
                .findFirst()).orElse("");
    }

    private static boolean visible(String name) {
        for (String p : VISIBLE_PACKAGES) {
            if (name.startsWith(p)) {
                return true;
            }
        }
        return VISIBLE_TYPES.contains(name);
    }

    private static Set<String> visibleTypes() {
        Set<String> types = new HashSet<>(Verifier.allowlistedTypes());
        // What the isolation runtime throws, and what javac's string concatenation links against.
        types.add("testbed.kernel.Trap");
        types.add("java.lang.Object");
        types.add("java.lang.String");
        types.add("java.lang.invoke.StringConcatFactory");
        types.add("java.lang.invoke.MethodHandles$Lookup");
        types.add("java.lang.invoke.MethodType");
        types.add("java.lang.invoke.CallSite");
        return Set.copyOf(types);
    }
}
