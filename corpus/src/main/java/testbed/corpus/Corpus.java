package testbed.corpus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipException;
import net.bytebuddy.jar.asm.Opcodes;
import testbed.program.MalformedProgramException;
import testbed.program.ProgramCompiler;
import testbed.corpus.Reproducer;
import testbed.kernel.api.Hook;

/**
 * A set of corpus entries discovered by scanning compiled classes and reproducer files: there is
 * no list of entries anywhere, so adding an entry is adding one file.
 *
 * <p>Discovery reads each class file with ASM and never loads it. A class in the
 * {@value #ENTRIES_PACKAGE} package tree must be an entry: if it is not (no {@link Entry}
 * annotation, no hook interface, a nested class, the wrong family package) it is reported in
 * {@link #defects()}. Elsewhere, in a directory or jar a user points at, a class counts as a
 * would-be entry if it carries {@link Entry} or implements a hook interface; other classes are
 * support code and ignored.
 *
 * <p>A reproducer ({@code <Name>.program}, a {@link Reproducer}) is the text of a generated
 * program with its metadata; discovery compiles it with {@link ProgramCompiler} into class
 * {@value ProgramCompiler#PACKAGE}{@code .<Name>} and makes it entry {@code generated/<Name>} of
 * family {@link Family#GENERATED}. A reproducer that does not parse is a defect, like a class
 * without metadata.
 *
 * <p>Scanning reads every class file and compiles every reproducer, so keep the result rather than
 * scanning per trial.
 */
public final class Corpus {
    /** The package under which bundled entries live, one sub-package per {@link Family#directory()}. */
    public static final String ENTRIES_PACKAGE = "testbed.corpus.entries";

    /** The command-line name of the corpus bundled with this module. */
    public static final String BUNDLED = "bundled";

    /**
     * The resource directory of bundled reproducers, next to the entries' classes (in the sources,
     * under {@code src/main/resources}).
     */
    public static final String REPRODUCERS = "testbed/corpus/reproducers";

    private static final String ENTRIES_PREFIX = ENTRIES_PACKAGE.replace('.', '/') + '/';
    private static final String REPRODUCERS_PREFIX = REPRODUCERS + '/';
    private static final String OWN_PREFIX = Corpus.class.getPackageName().replace('.', '/') + '/';
    private static final Pattern NAME = Pattern.compile("([a-z_]+)/([A-Za-z_$][A-Za-z0-9_$]*)");

    private final String origin;
    private final Map<String, CorpusEntry> byName;
    private final List<EntryDefect> defects;

    private Corpus(String origin, Map<String, CorpusEntry> byName, List<EntryDefect> defects) {
        this.origin = origin;
        this.byName = Collections.unmodifiableMap(byName);
        this.defects = List.copyOf(defects);
    }

    /**
     * The entries bundled with this module: the classes under {@value #ENTRIES_PACKAGE} and the
     * reproducers under {@value #REPRODUCERS} in the jar or class directory this class was loaded from.
     *
     * @throws CorpusException if that location cannot be found or read
     */
    public static Corpus bundled() {
        ClassPathRoot root;
        try {
            root = ClassPathRoot.of(Corpus.class);
        } catch (IllegalStateException e) {
            throw new CorpusException(CorpusException.Kind.UNREADABLE, "cannot locate the bundled corpus: " + e.getMessage(), e);
        }
        return scan(root, ENTRIES_PREFIX, REPRODUCERS_PREFIX);
    }

    /**
     * The corpus a command line names: {@value #BUNDLED}, a jar (a name ending in {@code .jar}),
     * or a directory.
     *
     * @throws CorpusException if there is nothing at that location or it cannot be read
     */
    public static Corpus open(String location) {
        if (location.equals(BUNDLED)) {
            return bundled();
        }
        Path path = Path.of(location);
        if (!Files.exists(path)) {
            throw new CorpusException(CorpusException.Kind.UNREADABLE,
                    "no such corpus: " + location + " (give '" + BUNDLED + "', a directory of .class files, or a jar)");
        }
        return location.endsWith(".jar") ? fromJar(path) : fromDirectory(path);
    }

    /**
     * The entries among the compiled {@code .class} files and the {@code .program} reproducers
     * under {@code directory}, recursively; the directory is a class-path root (packages are
     * sub-directories).
     *
     * <p>A class file that cannot be parsed is a defect ({@link EntryDefect.Kind#UNREADABLE}), not a failure of the whole directory.
     *
     * @throws CorpusException if the directory or a file in it cannot be read
     */
    public static Corpus fromDirectory(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new CorpusException(CorpusException.Kind.UNREADABLE, "not a directory: " + directory);
        }
        return scan(ClassPathRoot.at(directory), "", "");
    }

    /**
     * The entries among the class files and {@code .program} reproducers in a jar.
     *
     * <p>A class file that cannot be parsed is a defect, as in a directory.
     *
     * @throws CorpusException if the jar or a file in it cannot be read
     */
    public static Corpus fromJar(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new CorpusException(CorpusException.Kind.UNREADABLE, "no such jar file: " + jar);
        }
        return scan(ClassPathRoot.at(jar), "", "");
    }

    /** Where the entries were found: a directory or a jar. */
    public String origin() {
        return origin;
    }

    /** All entries, sorted by name. */
    public List<CorpusEntry> entries() {
        return List.copyOf(byName.values());
    }

    /** The entries of one family, sorted by name. */
    public List<CorpusEntry> entries(Family family) {
        List<CorpusEntry> result = new ArrayList<>();
        for (CorpusEntry e : byName.values()) {
            if (e.family() == family) {
                result.add(e);
            }
        }
        return result;
    }

    /**
     * The entry called {@code name}, e.g. {@code memory/WildStoreFrameTable}.
     *
     * @throws CorpusException {@link CorpusException.Kind#MALFORMED_NAME} if the name is not
     *     {@code <family>/<ClassName>}, {@link CorpusException.Kind#UNKNOWN_ENTRY} if no entry has it
     */
    public CorpusEntry entry(String name) {
        var m = name == null ? null : NAME.matcher(name);
        if (m == null || !m.matches() || Family.ofDirectory(m.group(1)) == null) {
            throw new CorpusException(CorpusException.Kind.MALFORMED_NAME, "'" + name
                    + "': expected <family>/<ClassName> with family one of " + familyDirectories());
        }
        CorpusEntry entry = byName.get(name);
        if (entry == null) {
            String nearest = nearest(name);
            throw new CorpusException(CorpusException.Kind.UNKNOWN_ENTRY, "'" + name + "' is not among the "
                    + byName.size() + " entries in " + origin + (nearest == null ? "" : " (did you mean " + nearest + "?)"));
        }
        return entry;
    }

    /** Class files that should have been entries but are not usable, in discovery order. */
    public List<EntryDefect> defects() {
        return defects;
    }

    @Override
    public String toString() {
        return byName.size() + " entries, " + defects.size() + " defects, from " + origin;
    }

    // ---- scanning ----

    private static Corpus scan(ClassPathRoot root, String classPrefix, String reproducerPrefix) {
        Map<String, CorpusEntry> entries = new TreeMap<>();
        List<EntryDefect> defects = new ArrayList<>();
        try {
            root.scan(name -> relevant(name, classPrefix) || isReproducer(name, reproducerPrefix), (name, source, bytes) -> {
                if (isReproducer(name, reproducerPrefix)) {
                    compile(bytes, name, source, entries, defects);
                } else {
                    classify(bytes, source, entries, defects);
                }
            });
        } catch (ZipException e) {
            throw new CorpusException(CorpusException.Kind.UNREADABLE, root.path() + " is not a jar: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CorpusException(CorpusException.Kind.UNREADABLE, "cannot read " + root.path() + ": " + e.getMessage(), e);
        }
        return new Corpus(root.path().toString(), entries, defects);
    }

    private static boolean isReproducer(String path, String prefix) {
        return path.endsWith(Reproducer.EXTENSION) && path.startsWith(prefix) && !path.startsWith("META-INF/");
    }

    /**
     * Makes reproducer {@code path} (relative to the scanned root) an entry of family
     * {@link Family#GENERATED}, or a defect if it does not parse or its program is not named after
     * the file.
     */
    private static void compile(byte[] bytes, String path, String source, Map<String, CorpusEntry> entries,
            List<EntryDefect> defects) {
        String fileName = path.substring(path.lastIndexOf('/') + 1);
        String simpleName = fileName.substring(0, fileName.length() - Reproducer.EXTENSION.length());
        String className = ProgramCompiler.PACKAGE + '.' + simpleName;
        Reproducer reproducer;
        try {
            reproducer = Reproducer.parse(new String(bytes, StandardCharsets.UTF_8));
        } catch (MalformedProgramException e) {
            defects.add(new EntryDefect(className, source, EntryDefect.Kind.MALFORMED_REPRODUCER, e.getMessage()));
            return;
        }
        if (!reproducer.program().name().equals(simpleName)) {
            defects.add(new EntryDefect(className, source, EntryDefect.Kind.MALFORMED_REPRODUCER, "the program is called "
                    + reproducer.program().name() + " but the file " + fileName + "; a reproducer is named after its program"));
            return;
        }
        String name = Family.GENERATED.directory() + '/' + simpleName;
        CorpusEntry previous = entries.get(name);
        if (previous != null) {
            defects.add(new EntryDefect(className, source, EntryDefect.Kind.DUPLICATE_NAME,
                    "entry name " + name + " is already taken by " + previous.className() + " (" + previous.source() + ")"));
            return;
        }
        entries.put(name, new CorpusEntry(name, Family.GENERATED, reproducer.threat(), reproducer.reference(), className,
                Hook.PACKET_FILTER, reproducer.expectations(), reproducer.otherwise(),
                ProgramCompiler.compile(reproducer.program(), className), source));
    }

    private static boolean relevant(String path, String prefix) {
        return path.endsWith(".class") && path.startsWith(prefix)
                && !path.endsWith("module-info.class") && !path.endsWith("package-info.class")
                && !path.startsWith("META-INF/");
    }

    private static void classify(byte[] bytes, String source, Map<String, CorpusEntry> entries, List<EntryDefect> defects) {
        ClassFacts facts;
        try {
            facts = ClassFacts.read(bytes);
        } catch (RuntimeException e) {
            // One bad file (a newer class-file version, a torn copy) costs that entry, not the corpus.
            defects.add(new EntryDefect(classNameOf(source), source, EntryDefect.Kind.UNREADABLE,
                    "not a class file this tool can read: " + e));
            return;
        }
        boolean mustBeEntry = facts.internalName.startsWith(ENTRIES_PREFIX);
        List<Hook> hooks = new ArrayList<>();
        for (String i : facts.interfaces) {
            Hook.ofInternalName(i).ifPresent(hooks::add);
        }
        if (!mustBeEntry && facts.metadata == null && hooks.isEmpty()) {
            return; // support code in a user's directory or jar
        }
        if (!mustBeEntry && facts.internalName.startsWith(OWN_PREFIX)) {
            return; // this module's own machinery, such as the interpreter's host-side filter, when its jar is scanned
        }
        String className = facts.className();
        if (facts.enclosing != null) {
            defects.add(new EntryDefect(className, source, EntryDefect.Kind.NOT_AN_EXTENSION,
                    "nested in " + facts.enclosing.replace('/', '.') + ": an extension is one top-level class"));
            return;
        }
        if (facts.metadata == null) {
            defects.add(new EntryDefect(className, source, EntryDefect.Kind.NO_METADATA, "no @" + Entry.class.getSimpleName()
                    + " annotation: " + (mustBeEntry ? "every class under " + ENTRIES_PACKAGE + " must be an annotated entry"
                            : "it implements a hook interface, so it must say what it is")));
            return;
        }
        String shape = shapeProblem(facts, hooks);
        if (shape != null) {
            defects.add(new EntryDefect(className, source, EntryDefect.Kind.NOT_AN_EXTENSION, shape));
            return;
        }
        ClassFacts.Metadata m = facts.metadata;
        List<String> problems = new ArrayList<>();
        Family family = constant(Family.class, m.family, "family", problems);
        Outcome otherwise = constant(Outcome.class, m.otherwise, "otherwise", problems);
        if (m.threat == null || m.threat.isBlank()) {
            problems.add("threat is blank");
        }
        if (m.reference == null || m.reference.isBlank()) {
            problems.add("reference is blank");
        }
        Map<String, Outcome> expectations = new LinkedHashMap<>();
        for (String[] modeAndOutcome : m.expect) {
            String mode = modeAndOutcome[0];
            Outcome outcome = constant(Outcome.class, modeAndOutcome[1], "outcome of mode " + mode, problems);
            if (mode == null || mode.isBlank()) {
                problems.add("an expectation has a blank mode");
            } else if (expectations.put(mode, outcome) != null) {
                problems.add("mode " + mode + " is named twice");
            }
        }
        if (!problems.isEmpty()) {
            defects.add(new EntryDefect(className, source, EntryDefect.Kind.INVALID_METADATA, String.join("; ", problems)));
            return;
        }
        String packagePath = facts.internalName.substring(0, Math.max(0, facts.internalName.lastIndexOf('/') + 1));
        if (mustBeEntry && !packagePath.equals(ENTRIES_PREFIX + family.directory() + '/')) {
            defects.add(new EntryDefect(className, source, EntryDefect.Kind.MISPLACED, "family " + family
                    + " entries belong in package " + ENTRIES_PACKAGE + '.' + family.directory()));
            return;
        }
        String simpleName = facts.internalName.substring(packagePath.length());
        String name = family.directory() + '/' + simpleName;
        CorpusEntry previous = entries.get(name);
        if (previous != null) {
            defects.add(new EntryDefect(className, source, EntryDefect.Kind.DUPLICATE_NAME,
                    "entry name " + name + " is already taken by " + previous.className() + " (" + previous.source() + ")"));
            return;
        }
        entries.put(name, new CorpusEntry(name, family, m.threat, m.reference, className, hooks.get(0),
                expectations, otherwise, bytes, source));
    }

    /** The class a file of that name would hold, for a file that cannot be read: its path, dotted, without {@code .class}. */
    private static String classNameOf(String source) {
        String path = source.substring(source.lastIndexOf('!') + 1).replace('\\', '/');
        String file = path.substring(path.lastIndexOf('/') + 1);
        return file.endsWith(".class") ? file.substring(0, file.length() - ".class".length()) : file;
    }

    /** Why the class cannot be an extension, or {@code null} if its shape is right. */
    private static String shapeProblem(ClassFacts facts, List<Hook> hooks) {
        if (!facts.nestMembers.isEmpty()) {
            return "declares nested class " + facts.nestMembers.get(0).replace('/', '.') + ": an extension is one top-level class";
        }
        if ((facts.access & (Opcodes.ACC_INTERFACE | Opcodes.ACC_ABSTRACT | Opcodes.ACC_ANNOTATION | Opcodes.ACC_ENUM)) != 0
                || (facts.access & Opcodes.ACC_PUBLIC) == 0) {
            return "not a public concrete class";
        }
        if (hooks.size() != 1) {
            return "implements " + hooks.size() + " hook interfaces; exactly one of " + Stream.of(Hook.values())
                    .map(h -> h.type().getSimpleName()).toList() + " is required";
        }
        if (!facts.publicNoArgConstructor) {
            return "no public no-argument constructor";
        }
        return null;
    }

    private static <E extends Enum<E>> E constant(Class<E> type, String value, String element, List<String> problems) {
        if (value == null) {
            problems.add(element + " is missing");
            return null;
        }
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            problems.add(element + " names unknown " + type.getSimpleName() + " constant " + value);
            return null;
        }
    }

    private static List<String> familyDirectories() {
        return Stream.of(Family.values()).map(Family::directory).toList();
    }

    /** The known name closest to {@code name} by edit distance, if it is close enough to be a typo. */
    private String nearest(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : byName.keySet()) {
            int d = editDistance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return bestDistance <= Math.max(2, name.length() / 4) ? best : null;
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
