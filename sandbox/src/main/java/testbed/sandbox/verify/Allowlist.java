package testbed.sandbox.verify;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The default-deny boundary: every type, method and field an extension may name, read from
 * {@value #RESOURCE} (next to this class). The file's header documents the format; in short, one
 * directive per line:
 *
 * <pre>
 * type       java/lang/Object                  the class may appear as a type
 * catch      java/lang/ArithmeticException     ... and as an exception handler's catch type
 * field      testbed/kernel/api/Status OK      fields that may be read (never written)
 * method     java/lang/Math abs max(II)I       methods that may be called: every overload, or one
 * allocating java/lang/String concat           like method, for calls that allocate a size that
 *                                              depends on their arguments on the JDK heap
 * </pre>
 *
 * A class that appears in any directive may appear as a type. Members are matched by the owner
 * named at the call site, exactly: listing {@code String.equals} does not allow
 * {@code Object.equals}, and an inherited member is listed under each owner it may be called on.
 */
final class Allowlist {
    /** The resource, relative to this class's package, that {@link #standard()} reads. */
    static final String RESOURCE = "allowlist.txt";

    /** What the allowlist says about a call. */
    enum Call {
        /** Not granted. */
        DENIED,
        /** Granted. */
        ALLOWED,
        /** Granted; allocates on the JDK heap an amount the allocation meter does not see. */
        ALLOCATING
    }

    /** Everything granted on one class. */
    static final class Grants {
        private boolean catchable;
        private final Set<String> fields = new TreeSet<>();
        /** Method name to descriptor (empty for every overload) to whether it allocates. */
        private final Map<String, Map<String, Boolean>> methods = new LinkedHashMap<>();

        boolean catchable() {
            return catchable;
        }

        Set<String> fields() {
            return Collections.unmodifiableSet(fields);
        }

        /** Method name to the descriptors granted ({@code ""} meaning every overload). */
        Map<String, Set<String>> methods() {
            Map<String, Set<String>> view = new LinkedHashMap<>();
            methods.forEach((name, descriptors) -> view.put(name, Collections.unmodifiableSet(descriptors.keySet())));
            return Collections.unmodifiableMap(view);
        }
    }

    private static final class Standard {
        static final Allowlist INSTANCE = load();

        private static Allowlist load() {
            try (InputStream in = Allowlist.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + RESOURCE + " is missing next to " + Allowlist.class.getName());
                }
                return parse(RESOURCE, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final Map<String, Grants> classes;
    private final Set<String> packages;

    private Allowlist(Map<String, Grants> classes) {
        this.classes = classes;
        Set<String> names = new LinkedHashSet<>();
        for (String c : classes.keySet()) {
            int slash = c.lastIndexOf('/');
            if (slash > 0) {
                names.add(c.substring(0, slash + 1));
            }
        }
        this.packages = Collections.unmodifiableSet(names);
    }

    /** The bundled allowlist. */
    static Allowlist standard() {
        return Standard.INSTANCE;
    }

    /**
     * Parses allowlist text.
     *
     * @throws IllegalArgumentException naming {@code source} and the line, if a line is malformed
     */
    static Allowlist parse(String source, String text) {
        Map<String, Grants> classes = new LinkedHashMap<>();
        String[] lines = text.split("\\R", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            int hash = line.indexOf('#');
            String[] words = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
            if (words.length == 0 || words[0].isEmpty()) {
                continue;
            }
            try {
                apply(words, classes);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ":" + (n + 1) + ": " + e.getMessage() + ": " + line.trim(), e);
            }
        }
        return new Allowlist(Collections.unmodifiableMap(classes));
    }

    private static void apply(String[] words, Map<String, Grants> classes) {
        if (words.length < 2) {
            throw new IllegalArgumentException("a directive needs a class");
        }
        String directive = words[0];
        String owner = words[1];
        Descriptors.checkInternalName(owner);
        Grants grants = classes.computeIfAbsent(owner, o -> new Grants());
        switch (directive) {
            case "type":
            case "catch":
                if (words.length != 2) {
                    throw new IllegalArgumentException("'" + directive + "' takes a class and nothing else");
                }
                grants.catchable |= directive.equals("catch");
                return;
            case "field":
                needMembers(words);
                for (int i = 2; i < words.length; i++) {
                    checkName(words[i]);
                    grants.fields.add(words[i]);
                }
                return;
            case "method":
            case "allocating":
                needMembers(words);
                boolean allocating = directive.equals("allocating");
                for (int i = 2; i < words.length; i++) {
                    String member = words[i];
                    int paren = member.indexOf('(');
                    String name = paren < 0 ? member : member.substring(0, paren);
                    String descriptor = paren < 0 ? "" : member.substring(paren);
                    checkName(name);
                    if (!descriptor.isEmpty()) {
                        Descriptors.classesOfMethod(descriptor);
                    }
                    Map<String, Boolean> overloads = grants.methods.computeIfAbsent(name, k -> new LinkedHashMap<>());
                    if (overloads.put(descriptor, allocating) != null) {
                        throw new IllegalArgumentException(owner + "." + member + " is listed twice");
                    }
                }
                return;
            default:
                throw new IllegalArgumentException("unknown directive '" + directive
                        + "' (expected type, catch, field, method or allocating)");
        }
    }

    private static void needMembers(String[] words) {
        if (words.length < 3) {
            throw new IllegalArgumentException("'" + words[0] + "' needs at least one member after the class");
        }
    }

    private static void checkName(String name) {
        boolean special = name.equals("<init>");
        if (name.isEmpty() || (!special && (name.indexOf('<') >= 0 || name.indexOf('>') >= 0))
                || name.indexOf('.') >= 0 || name.indexOf(';') >= 0 || name.indexOf('[') >= 0 || name.indexOf('/') >= 0) {
            throw new IllegalArgumentException("bad member name '" + name + "'");
        }
    }

    /** Whether {@code internalName} may appear as a type. */
    boolean knowsType(String internalName) {
        return classes.containsKey(internalName);
    }

    /** Whether an exception handler may catch {@code internalName}. */
    boolean catchable(String internalName) {
        Grants g = classes.get(internalName);
        return g != null && g.catchable;
    }

    /** Whether field {@code owner.name} may be read. */
    boolean readable(String owner, String name) {
        Grants g = classes.get(owner);
        return g != null && g.fields.contains(name);
    }

    /** What the allowlist says about calling {@code owner.name descriptor}. */
    Call call(String owner, String name, String descriptor) {
        Grants g = classes.get(owner);
        Map<String, Boolean> overloads = g == null ? null : g.methods.get(name);
        if (overloads == null) {
            return Call.DENIED;
        }
        Boolean allocating = overloads.get(descriptor);
        if (allocating == null) {
            allocating = overloads.get("");
        }
        if (allocating == null) {
            return Call.DENIED;
        }
        return allocating ? Call.ALLOCATING : Call.ALLOWED;
    }

    /** The packages (internal form, ending in {@code /}) of every class the allowlist names. */
    Set<String> packages() {
        return packages;
    }

    /** Every class the allowlist names, with what it grants; for tests that audit the file. */
    Map<String, Grants> classes() {
        return classes;
    }
}
