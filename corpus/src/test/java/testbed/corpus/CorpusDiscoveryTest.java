package testbed.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import testbed.corpus.Reproducer;
import testbed.kernel.api.Hook;
import testbed.kernel.api.PacketFilter;

class CorpusDiscoveryTest {
    static final Path ENTRY_SOURCES = Path.of(System.getProperty("basedir", "."), "src/main/java/testbed/corpus/entries");
    static final Path REPRODUCER_SOURCES = Path.of(System.getProperty("basedir", "."), "src/main/resources", Corpus.REPRODUCERS);

    /** Classes compiled from {@link #FIXTURES}: one of each kind of mistake, and a user's own entries. */
    @TempDir
    static Path fixtures;

    private static final Corpus BUNDLED = Corpus.bundled();

    private static final String METADATA = """
            @testbed.corpus.Entry(family = testbed.corpus.Family.%s, threat = "%s", reference = "Someone 2024, a fixture",
                    expect = {%s}, otherwise = testbed.corpus.Outcome.OK)
            """;
    private static final String FILTER_BODY = """
            { public int filter(testbed.kernel.api.Context c, long p, int l) { return l; } %s }
            """;

    private static final Map<String, String> FIXTURES = Map.of(
            "testbed/corpus/entries/memory/Forgotten.java",
            "package testbed.corpus.entries.memory; public final class Forgotten implements testbed.kernel.api.PacketFilter"
                    + FILTER_BODY.formatted(""),
            "testbed/corpus/entries/control/Misplaced.java",
            "package testbed.corpus.entries.control;" + METADATA.formatted("MEMORY", "t", "")
                    + "public final class Misplaced implements testbed.kernel.api.PacketFilter" + FILTER_BODY.formatted(""),
            "testbed/corpus/entries/memory/WithNested.java",
            "package testbed.corpus.entries.memory;" + METADATA.formatted("MEMORY", "t", "")
                    + "public final class WithNested implements testbed.kernel.api.PacketFilter"
                    + FILTER_BODY.formatted("static final class Helper { }"),
            "testbed/corpus/entries/memory/TwoHooks.java",
            "package testbed.corpus.entries.memory;" + METADATA.formatted("MEMORY", "t", "")
                    + "public final class TwoHooks implements testbed.kernel.api.PacketFilter, testbed.kernel.api.ReadFilter"
                    + FILTER_BODY.formatted(""),
            "testbed/corpus/entries/memory/NoConstructor.java",
            "package testbed.corpus.entries.memory;" + METADATA.formatted("MEMORY", "t", "")
                    + "public final class NoConstructor implements testbed.kernel.api.PacketFilter"
                    + FILTER_BODY.formatted("public NoConstructor(int x) { }"),
            "testbed/corpus/entries/memory/DuplicateMode.java",
            "package testbed.corpus.entries.memory;" + METADATA.formatted("MEMORY", "t",
                    "@testbed.corpus.Expect(mode = \"NONE\", outcome = testbed.corpus.Outcome.OK),"
                            + "@testbed.corpus.Expect(mode = \"NONE\", outcome = testbed.corpus.Outcome.HUNG)")
                    + "public final class DuplicateMode implements testbed.kernel.api.PacketFilter" + FILTER_BODY.formatted(""),
            "testbed/corpus/entries/memory/BlankThreat.java",
            "package testbed.corpus.entries.memory;" + METADATA.formatted("MEMORY", " ", "")
                    + "public final class BlankThreat implements testbed.kernel.api.PacketFilter" + FILTER_BODY.formatted(""),
            "com/example/Support.java",
            "package com.example; public final class Support { }",
            "com/example/OwnFilter.java",
            "package com.example;" + METADATA.formatted("BENIGN", "a user's own control", "")
                    + "public final class OwnFilter implements testbed.kernel.api.PacketFilter" + FILTER_BODY.formatted(""),
            "com/example/other/OwnFilter.java",
            "package com.example.other;" + METADATA.formatted("BENIGN", "the same name again", "")
                    + "public final class OwnFilter implements testbed.kernel.api.PacketFilter" + FILTER_BODY.formatted(""));
    // Outside the entries package an unannotated hook implementation is still reported.
    private static final String UNANNOTATED_OUTSIDE = "com/example/Unannotated.java";

    @BeforeAll
    static void compileFixtures() throws IOException, URISyntaxException {
        Path sources = Files.createDirectories(fixtures.resolve("src"));
        Path classes = Files.createDirectories(fixtures.resolve("classes"));
        List<String> arguments = new ArrayList<>(List.of("-d", classes.toString(), "-proc:none",
                "-cp", location(Entry.class) + File.pathSeparator + location(PacketFilter.class)));
        Map<String, String> all = new HashMap<>(FIXTURES);
        all.put(UNANNOTATED_OUTSIDE, "package com.example; public final class Unannotated implements testbed.kernel.api.ReadFilter"
                + FILTER_BODY.formatted(""));
        for (Map.Entry<String, String> f : all.entrySet()) {
            Path file = sources.resolve(f.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, f.getValue());
            arguments.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, arguments.toArray(String[]::new))).as("fixtures compile").isZero();
    }

    @Test
    void everyEntrySourceFileIsDiscovered() throws IOException {
        Set<String> sourceNames;
        try (Stream<Path> walk = Files.walk(ENTRY_SOURCES)) {
            sourceNames = walk.filter(p -> p.toString().endsWith(".java"))
                    .map(p -> p.getParent().getFileName() + "/" + p.getFileName().toString().replace(".java", ""))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(sourceNames).as("entry sources under %s", ENTRY_SOURCES).isNotEmpty();
        try (Stream<Path> walk = Files.walk(REPRODUCER_SOURCES)) {
            walk.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(Reproducer.EXTENSION))
                    .map(f -> Family.GENERATED.directory() + "/" + f.substring(0, f.length() - Reproducer.EXTENSION.length()))
                    .forEach(sourceNames::add);
        }
        assertThat(BUNDLED.defects()).as("defective entries").isEmpty();
        assertThat(names(BUNDLED)).containsExactlyElementsOf(sourceNames);
    }

    @Test
    void bundledEntriesAreSortedByNameAndUnique() {
        List<String> names = BUNDLED.entries().stream().map(CorpusEntry::name).toList();
        assertThat(names).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void directoryAndJarDiscoveryAgreeWithBundled(@TempDir Path temp) throws IOException {
        Path classes = Path.of(BUNDLED.origin());
        assertThat(classes).as("tests run against the class directory").isDirectory();
        Corpus fromDirectory = Corpus.fromDirectory(classes);
        Corpus fromJar = Corpus.fromJar(jar(classes, temp.resolve("corpus.jar")));

        for (Corpus other : List.of(fromDirectory, fromJar)) {
            assertThat(other.defects()).isEmpty();
            assertThat(names(other)).isEqualTo(names(BUNDLED));
            for (CorpusEntry e : BUNDLED.entries()) {
                CorpusEntry same = other.entry(e.name());
                assertThat(same.classBytes()).isEqualTo(e.classBytes());
                assertThat(same.expectations()).isEqualTo(e.expectations());
                assertThat(same.hook()).isEqualTo(e.hook());
            }
        }
        assertThat(fromJar.entries().get(0).source()).contains("corpus.jar!/testbed/corpus/entries/");
    }

    @Test
    void everyMistakeInAFixtureDirectoryIsReportedNotSkipped() {
        Corpus corpus = Corpus.fromDirectory(fixtures.resolve("classes"));
        assertMistakesReported(corpus);
    }

    @Test
    void everyMistakeInAFixtureJarIsReportedNotSkipped(@TempDir Path temp) throws IOException {
        Corpus corpus = Corpus.fromJar(jar(fixtures.resolve("classes"), temp.resolve("fixtures.jar")));
        assertMistakesReported(corpus);
    }

    private static void assertMistakesReported(Corpus corpus) {
        Map<String, EntryDefect.Kind> defects = corpus.defects().stream()
                .collect(Collectors.toMap(EntryDefect::className, EntryDefect::kind));
        assertThat(defects).containsOnly(
                Map.entry("testbed.corpus.entries.memory.Forgotten", EntryDefect.Kind.NO_METADATA),
                Map.entry("com.example.Unannotated", EntryDefect.Kind.NO_METADATA),
                Map.entry("testbed.corpus.entries.control.Misplaced", EntryDefect.Kind.MISPLACED),
                Map.entry("testbed.corpus.entries.memory.WithNested", EntryDefect.Kind.NOT_AN_EXTENSION),
                Map.entry("testbed.corpus.entries.memory.WithNested$Helper", EntryDefect.Kind.NOT_AN_EXTENSION),
                Map.entry("testbed.corpus.entries.memory.TwoHooks", EntryDefect.Kind.NOT_AN_EXTENSION),
                Map.entry("testbed.corpus.entries.memory.NoConstructor", EntryDefect.Kind.NOT_AN_EXTENSION),
                Map.entry("testbed.corpus.entries.memory.DuplicateMode", EntryDefect.Kind.INVALID_METADATA),
                Map.entry("testbed.corpus.entries.memory.BlankThreat", EntryDefect.Kind.INVALID_METADATA),
                Map.entry("com.example.other.OwnFilter", EntryDefect.Kind.DUPLICATE_NAME));
        assertThat(corpus.defects()).allSatisfy(d -> assertThat(d.toString()).doesNotContain("\n").contains(d.className()));
        assertThat(detail(corpus, "DuplicateMode")).contains("mode NONE is named twice");
        assertThat(detail(corpus, "BlankThreat")).contains("threat is blank");
        assertThat(detail(corpus, "WithNested")).contains("declares nested class");
        assertThat(detail(corpus, "TwoHooks")).contains("implements 2 hook interfaces");

        // Support code outside the entries package is not an entry and not a defect; a user's own entry is found.
        assertThat(names(corpus)).containsExactly("benign/OwnFilter");
        CorpusEntry own = corpus.entry("benign/OwnFilter");
        assertThat(own.className()).isEqualTo("com.example.OwnFilter");
        assertThat(own.hook()).isEqualTo(Hook.PACKET_FILTER);
        assertThat(own.expected("NONE")).isEqualTo(Outcome.OK);
    }

    @Test
    void anUnknownNameGivesATypedExceptionWithASuggestion() {
        assertThatThrownBy(() -> BUNDLED.entry("memory/WildStoreFrameTabel"))
                .isInstanceOfSatisfying(CorpusException.class,
                        e -> assertThat(e.kind()).isEqualTo(CorpusException.Kind.UNKNOWN_ENTRY))
                .hasMessageStartingWith("unknown corpus entry: 'memory/WildStoreFrameTabel'")
                .hasMessageContaining("did you mean memory/WildStoreFrameTable?")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> BUNDLED.entry("benign/NoSuchThingAtAll"))
                .hasMessageStartingWith("unknown corpus entry:")
                .hasMessageNotContaining("did you mean");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "WildStoreFrameTable", "memory/", "/WildStoreFrameTable", "nosuchfamily/WildStoreFrameTable",
            "memory/Wild Store", "memory/a/b", "MEMORY/WildStoreFrameTable", "testbed.corpus.entries.memory.WildStoreFrameTable"})
    void aMalformedNameGivesATypedException(String name) {
        assertThatThrownBy(() -> BUNDLED.entry(name))
                .isInstanceOfSatisfying(CorpusException.class,
                        e -> assertThat(e.kind()).isEqualTo(CorpusException.Kind.MALFORMED_NAME))
                .hasMessageStartingWith("malformed corpus entry name: ")
                .hasMessageContaining("kernel_interface");
    }

    @Test
    void aNullNameIsMalformed() {
        assertThatThrownBy(() -> BUNDLED.entry(null)).isInstanceOf(CorpusException.class)
                .hasMessageStartingWith("malformed corpus entry name: 'null'");
    }

    @Test
    void unreadableSourcesGiveATypedException(@TempDir Path temp) throws IOException {
        assertUnreadable(() -> Corpus.fromDirectory(temp.resolve("missing")), "not a directory");
        assertUnreadable(() -> Corpus.fromJar(temp.resolve("missing.jar")), "no such jar file");

        Path notAJar = Files.writeString(temp.resolve("notes.jar"), "not a zip file");
        assertUnreadable(() -> Corpus.fromJar(notAJar), "is not a jar");
    }

    /**
     * One class file the tool cannot parse (a class-file version newer than it knows, a truncated
     * file) is a defect of that entry; the directory's other entries are still there.
     */
    @Test
    void anUnreadableClassRejectsThatEntryAlone(@TempDir Path temp) throws IOException {
        CorpusEntry good = BUNDLED.entry("memory/WildStoreFrameTable");
        Path memory = Files.createDirectories(temp.resolve("testbed/corpus/entries/memory"));
        Files.write(memory.resolve("WildStoreFrameTable.class"), good.classBytes());
        byte[] future = BUNDLED.entry("benign/EchoPacketFilter").classBytes().clone();
        future[6] = 0;
        future[7] = 99; // class-file major version 99: no JDK this tool knows
        Files.write(Files.createDirectories(temp.resolve("testbed/corpus/entries/benign")).resolve("EchoPacketFilter.class"), future);
        Files.write(memory.resolve("Broken.class"), new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0});

        Corpus corpus = Corpus.fromDirectory(temp);

        assertThat(names(corpus)).containsExactly("memory/WildStoreFrameTable");
        assertThat(corpus.defects()).extracting(EntryDefect::className).containsExactly("EchoPacketFilter", "Broken");
        assertThat(corpus.defects()).allSatisfy(d -> {
            assertThat(d.kind()).isEqualTo(EntryDefect.Kind.UNREADABLE);
            assertThat(d.toString()).doesNotContain("\n");
        });
        assertThat(corpus.defects().get(0).detail()).contains("99");
    }

    private static void assertUnreadable(ThrowingCallable call, String detail) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(CorpusException.class,
                        e -> assertThat(e.kind()).isEqualTo(CorpusException.Kind.UNREADABLE))
                .hasMessageStartingWith("unreadable corpus: ")
                .hasMessageContaining(detail)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    // ---- helpers ----

    static List<String> names(Corpus corpus) {
        return corpus.entries().stream().map(CorpusEntry::name).toList();
    }

    private static String detail(Corpus corpus, String simpleName) {
        return corpus.defects().stream().filter(d -> d.className().endsWith("." + simpleName))
                .map(EntryDefect::detail).findFirst().orElseThrow();
    }

    private static Path jar(Path classes, Path jar) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out)) {
            for (Path f : files) {
                zip.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                zip.write(Files.readAllBytes(f));
                zip.closeEntry();
            }
        }
        return jar;
    }

    private static String location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
