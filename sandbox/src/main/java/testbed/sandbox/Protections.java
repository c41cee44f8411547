package testbed.sandbox;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import testbed.sfi.ProtectionMode;
import testbed.technique.Technique;

/**
 * The isolation techniques a run can use, by name: every built-in {@link ProtectionMode} (in the
 * enum's order, so a mode added there appears here, with {@value Protection#VERIFIED_STRICT} after
 * {@code VERIFIED}) and the {@link Technique}s found with
 * {@link ServiceLoader} in the plug-in jars given. A campaign's worker JVMs load the same jars:
 * they get them in the system property {@value #JARS_PROPERTY} ({@link #workerOptions()}).
 *
 * <pre>{@code
 * Protections techniques = Protections.loading(List.of(Path.of("my.jar")));   // TechniqueException: one line
 * Protection mine = techniques.byName("mytech");
 * try (Sandbox sandbox = Sandbox.on(kernel, mine, Budget.standard())) { ... }
 * }</pre>
 */
public final class Protections {
    /** The system property that hands plug-in jars to a worker JVM: absolute paths, separated by {@link File#pathSeparator}. */
    public static final String JARS_PROPERTY = "testbed.technique.jars";
    /** The name of the unprotected baseline, which every run has. */
    public static final String UNPROTECTED = ProtectionMode.NONE.name();

    private final Map<String, Protection> byName;
    private final List<Path> jars;

    private Protections(Map<String, Protection> byName, List<Path> jars) {
        this.byName = byName;
        this.jars = jars;
    }

    /** The built-in modes only. */
    public static Protections builtIn() {
        try {
            return loading(List.of());
        } catch (TechniqueException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The techniques of the jars named in {@value #JARS_PROPERTY}, as a worker JVM is started with; built-ins only if it is unset. */
    public static Protections fromSystemProperty() throws TechniqueException {
        String value = System.getProperty(JARS_PROPERTY, "");
        List<Path> jars = new ArrayList<>();
        for (String part : value.split(File.pathSeparator)) {
            if (!part.isBlank()) {
                jars.add(Path.of(part));
            }
        }
        return loading(jars);
    }

    /**
     * The built-in modes and every technique in {@code jars}.
     *
     * @throws TechniqueException if a jar is missing or not a jar, holds no technique, or a
     *     technique cannot be instantiated or is badly named; the message is one line naming the jar
     */
    public static Protections loading(List<Path> jars) throws TechniqueException {
        Map<String, Protection> byName = new LinkedHashMap<>();
        for (ProtectionMode m : ProtectionMode.values()) {
            byName.put(m.name(), new Protection.BuiltIn(m));
            if (m == ProtectionMode.VERIFIED) {
                byName.put(Protection.VERIFIED_STRICT, new Protection.BuiltIn(m, true));
            }
        }
        List<Path> absolute = new ArrayList<>();
        for (Path jar : jars) {
            Path path = jar.toAbsolutePath().normalize();
            absolute.add(path);
            for (Technique t : techniques(path)) {
                String name = nameOf(t, path);
                if (byName.containsKey(name)) {
                    throw new TechniqueException(path + ": technique '" + name + "' has the name of "
                            + (byName.get(name) instanceof Protection.BuiltIn ? "a built-in protection mode" : "another technique"));
                }
                byName.put(name, new Protection.PlugIn(t, name, path));
            }
        }
        return new Protections(byName, List.copyOf(absolute));
    }

    private static List<Technique> techniques(Path jar) throws TechniqueException {
        if (!Files.isRegularFile(jar)) {
            throw new TechniqueException("no such technique jar: " + jar);
        }
        try (JarFile ignored = new JarFile(jar.toFile())) {
            // opened only to tell a jar from another file
        } catch (IOException e) {
            throw new TechniqueException(jar + " is not a jar: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        URLClassLoader loader;
        try {
            loader = new PlugInLoader(jar, Protections.class.getClassLoader());
        } catch (MalformedURLException e) {
            throw new TechniqueException(jar + ": " + e.getMessage());
        }
        List<Technique> found = new ArrayList<>();
        try {
            for (ServiceLoader.Provider<Technique> p : ServiceLoader.load(Technique.class, loader).stream().toList()) {
                // Only the jar's own techniques: one on the tool's class path is not this jar's.
                if (p.type().getClassLoader() == loader) {
                    found.add(p.get());
                }
            }
        } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
            throw new TechniqueException(jar + ": a technique cannot be loaded: " + oneLine(e));
        }
        if (found.isEmpty()) {
            throw new TechniqueException(jar + " holds no isolation technique (META-INF/services/" + Technique.class.getName()
                    + " must name a class implementing it)");
        }
        return found;
    }

    private static String nameOf(Technique t, Path jar) throws TechniqueException {
        String name;
        try {
            name = t.name();
        } catch (RuntimeException | LinkageError e) {
            throw new TechniqueException(jar + ": " + t.getClass().getName() + ".name() failed: " + oneLine(e));
        }
        if (name == null || !Protection.NAME.matcher(name).matches()) {
            throw new TechniqueException(jar + ": " + t.getClass().getName() + " is named '" + name
                    + "'; a technique's name is a letter then up to 39 letters, digits, '_' or '-'");
        }
        return name;
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + e.getMessage();
        return m.replaceAll("\\s+", " ");
    }

    /**
     * The technique named {@code name}.
     *
     * @throws IllegalArgumentException if there is none; the message lists the known names
     */
    public Protection byName(String name) {
        Protection p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("unknown protection mode '" + name + "' (known: " + String.join(", ", names()) + ")");
        }
        return p;
    }

    /** Every technique: the built-in ones in their enum's order (the strict variant after VERIFIED), then the plug-ins in the order of their jars. */
    public List<Protection> all() {
        return List.copyOf(byName.values());
    }

    /** Their names, in the same order. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /**
     * The names a run uses when none are given: every technique but {@link Protection#VERIFIED_STRICT},
     * which refuses most of what the others load and is run only when named.
     */
    public List<String> defaultNames() {
        return byName.keySet().stream().filter(n -> !n.equals(Protection.VERIFIED_STRICT)).toList();
    }

    /** The plug-in jars, as absolute paths. */
    public List<Path> jars() {
        return jars;
    }

    /** The JVM options that give a worker JVM the same techniques; none without plug-ins. */
    public List<String> workerOptions() {
        if (jars.isEmpty()) {
            return List.of();
        }
        List<String> paths = jars.stream().map(Path::toString).toList();
        return List.of("-D" + JARS_PROPERTY + "=" + String.join(File.pathSeparator, paths));
    }

    /**
     * A plug-in jar's loader: the jar's own classes first (a technique may bring its own copy of a
     * library the tool also carries), the technique API always from the tool, so that every
     * technique implements the one {@link Technique} interface.
     */
    private static final class PlugInLoader extends URLClassLoader {
        PlugInLoader(Path jar, ClassLoader tool) throws MalformedURLException {
            super("techniques:" + jar.getFileName(), new URL[] {jar.toUri().toURL()}, tool);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("java.") || name.startsWith(Technique.class.getPackageName() + ".")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException notInJar) {
                        return super.loadClass(name, resolve);
                    }
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }

    /** A plug-in technique that could not be loaded. */
    public static final class TechniqueException extends Exception {
        private static final long serialVersionUID = 1L;

        public TechniqueException(String message) {
            super(message);
        }
    }
}
