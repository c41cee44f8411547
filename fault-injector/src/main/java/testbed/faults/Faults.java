package testbed.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import testbed.corpus.ClassPathRoot;

/**
 * Every fault kind, found by scanning the classes of the {@value #MUTATION_PACKAGE} and
 * {@value #ENVIRONMENT_PACKAGE} packages where this class was loaded from (a class directory or a
 * jar): there is no list of kinds anywhere, so adding a kind is adding one public class with a
 * public no-argument constructor that implements {@link Fault}.
 */
public final class Faults {
    /** The package of the bytecode fault kinds. */
    public static final String MUTATION_PACKAGE = "testbed.faults.mutation";
    /** The package of the environment fault kinds. */
    public static final String ENVIRONMENT_PACKAGE = "testbed.faults.environment";

    private static final Pattern KEBAB = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    private static final Fault NONE = new Fault() {
        @Override
        public String name() {
            return "none";
        }

        @Override
        public Family family() {
            return Family.NONE;
        }

        @Override
        public String description() {
            return "no fault: the unmodified extension";
        }

        @Override
        public String reference() {
            return "the control of every fault-injection comparison";
        }

        @Override
        public String toString() {
            return name();
        }
    };

    private Faults() {
    }

    /** Every fault kind, sorted by family and name; {@link #none()} is not among them. */
    public static List<Fault> all() {
        return Registry.ALL;
    }

    /**
     * The fault called {@code name}: a kind's {@link Fault#name()}, or {@code none}.
     *
     * @throws IllegalArgumentException naming every valid name, if there is no such fault
     */
    public static Fault byName(String name) {
        if (NONE.name().equals(name)) {
            return NONE;
        }
        Fault fault = name == null ? null : Registry.BY_NAME.get(name);
        if (fault == null) {
            throw new IllegalArgumentException("unknown fault '" + name + "': expected one of " + NONE.name() + ", "
                    + String.join(", ", Registry.BY_NAME.keySet()));
        }
        return fault;
    }

    /**
     * The absence of a fault: the unmodified extension, whose trials are the control. It is neither
     * a {@link testbed.faults.mutation.BytecodeFault} nor an
     * {@link testbed.faults.environment.EnvironmentFault}; its family is {@link Fault.Family#NONE}.
     */
    public static Fault none() {
        return NONE;
    }

    /** Scanned once, on first use. */
    private static final class Registry {
        static final List<Fault> ALL = scan();
        static final Map<String, Fault> BY_NAME = byName(ALL);

        private static List<Fault> scan() {
            ClassPathRoot root = ClassPathRoot.of(Faults.class);
            List<String> classNames = new ArrayList<>();
            for (String pkg : List.of(MUTATION_PACKAGE, ENVIRONMENT_PACKAGE)) {
                String prefix = pkg.replace('.', '/') + '/';
                try {
                    for (String file : root.names(name -> name.startsWith(prefix) && isTopLevelClassFile(name.substring(prefix.length())))) {
                        classNames.add(file.substring(0, file.length() - ".class".length()).replace('/', '.'));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list the fault kinds in " + root.path(), e);
                }
            }
            List<Fault> kinds = new ArrayList<>();
            for (String className : classNames) {
                Fault kind = instantiate(className);
                if (kind != null) {
                    kinds.add(kind);
                }
            }
            kinds.sort(Comparator.comparing((Fault f) -> f.family()).thenComparing(Fault::name));
            return Collections.unmodifiableList(kinds);
        }

        private static Map<String, Fault> byName(List<Fault> kinds) {
            Map<String, Fault> map = new TreeMap<>();
            for (Fault kind : kinds) {
                String name = kind.name();
                if (name == null || !KEBAB.matcher(name).matches() || name.equals(NONE.name())) {
                    throw new IllegalStateException("fault kind " + kind.getClass().getName() + " has the name '" + name
                            + "': a kind's name must be kebab-case and not '" + NONE.name() + "'");
                }
                Fault clash = map.put(name, kind);
                if (clash != null) {
                    throw new IllegalStateException("fault kinds " + clash.getClass().getName() + " and "
                            + kind.getClass().getName() + " are both named '" + name + "'");
                }
            }
            return Collections.unmodifiableMap(map);
        }

        private static boolean isTopLevelClassFile(String fileName) {
            return fileName.endsWith(".class") && fileName.indexOf('/') < 0 && fileName.indexOf('$') < 0
                    && !fileName.equals("package-info.class");
        }

        /** The kind a class defines, or {@code null} if the class is not a kind (an interface, a support class). */
        private static Fault instantiate(String className) {
            Class<?> c;
            try {
                c = Class.forName(className, false, Faults.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IllegalStateException("cannot load fault kind candidate " + className + ": " + e, e);
            }
            if (!Fault.class.isAssignableFrom(c) || c.isInterface() || Modifier.isAbstract(c.getModifiers())) {
                return null;
            }
            try {
                return (Fault) c.getConstructor().newInstance();
            } catch (NoSuchMethodException | IllegalAccessException e) {
                throw new IllegalStateException("fault kind " + className
                        + " must be a public class with a public no-argument constructor", e);
            } catch (InstantiationException | InvocationTargetException e) {
                throw new IllegalStateException("fault kind " + className + " could not be created: " + e.getCause(), e);
            }
        }
    }
}
