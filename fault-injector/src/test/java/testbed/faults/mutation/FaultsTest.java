package testbed.faults.mutation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import testbed.faults.Fault;
import testbed.faults.Faults;
import testbed.faults.environment.EnvironmentFault;

/** The registry finds every fault kind by scanning, and every kind is documented as a kind must be. */
class FaultsTest {
    private static final Path SOURCES = Path.of(System.getProperty("basedir", "."), "src/main/java");
    /** {@code Fault.draw(42, 0)}, pinned: changing the function would change every recorded trial. */
    private static final long DRAW_42_0 = -4767286540954276203L;

    /** The concrete {@link Fault} classes in a package, found through the class loader, not through {@link Faults}. */
    private static Set<Class<?>> faultClassesIn(String pkg) throws IOException, URISyntaxException, ClassNotFoundException {
        String dir = pkg.replace('.', '/');
        List<String> names = new ArrayList<>();
        for (URL url : Collections.list(FaultsTest.class.getClassLoader().getResources(dir))) {
            if (url.getProtocol().equals("file")) {
                try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
                    files.map(p -> p.getFileName().toString()).forEach(names::add);
                }
            } else if (url.getProtocol().equals("jar")) {
                try (JarFile jar = ((JarURLConnection) url.openConnection()).getJarFile()) {
                    jar.stream().map(e -> e.getName())
                            .filter(n -> n.startsWith(dir + "/") && n.indexOf('/', dir.length() + 1) < 0)
                            .map(n -> n.substring(dir.length() + 1))
                            .forEach(names::add);
                }
            }
        }
        Set<Class<?>> kinds = new HashSet<>();
        for (String file : names) {
            if (file.endsWith(".class")) {
                Class<?> c = Class.forName(pkg + "." + file.substring(0, file.length() - 6), false,
                        FaultsTest.class.getClassLoader());
                if (Fault.class.isAssignableFrom(c) && !c.isInterface() && !Modifier.isAbstract(c.getModifiers())
                        && !c.isAnonymousClass() && !c.isMemberClass() && !c.isLocalClass()) {
                    kinds.add(c);
                }
            }
        }
        return kinds;
    }

    @Test
    void theRegistryFindsEveryKindClassInTheKindPackages() throws Exception {
        Set<Class<?>> expected = new HashSet<>(faultClassesIn(Faults.MUTATION_PACKAGE));
        expected.addAll(faultClassesIn(Faults.ENVIRONMENT_PACKAGE));
        assertThat(expected).hasSizeGreaterThanOrEqualTo(15);
        Set<Class<?>> found = Faults.all().stream().map(f -> f.getClass()).collect(Collectors.toSet());
        assertThat(found).isEqualTo(expected);
        assertThat(Faults.all()).hasSameSizeAs(expected);
    }

    @Test
    void kindsLiveInThePackageOfTheirSort() {
        for (Fault kind : Faults.all()) {
            boolean bytecode = kind instanceof BytecodeFault;
            boolean environment = kind instanceof EnvironmentFault;
            assertThat(bytecode ^ environment).as("%s is exactly one sort", kind.name()).isTrue();
            assertThat(kind.getClass().getPackageName())
                    .isEqualTo(bytecode ? Faults.MUTATION_PACKAGE : Faults.ENVIRONMENT_PACKAGE);
            assertThat(kind.family() == Fault.Family.ENVIRONMENT).as(kind.name()).isEqualTo(environment);
        }
    }

    @Test
    void namesAreUniqueKebabCaseAndSafeInTrialIds() {
        List<String> names = Faults.all().stream().map(Fault::name).collect(Collectors.toList());
        assertThat(names).doesNotHaveDuplicates().doesNotContain("none")
                .allMatch(n -> n.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*"), "kebab-case");
    }

    @Test
    void everyFamilyButNoneHasAKind() {
        Set<Fault.Family> families = EnumSet.noneOf(Fault.Family.class);
        Faults.all().forEach(f -> families.add(f.family()));
        assertThat(families).isEqualTo(EnumSet.complementOf(EnumSet.of(Fault.Family.NONE)));
        assertThat(Fault.Family.KERNEL_INTERFACE.id()).isEqualTo("kernel-interface");
    }

    @Test
    void byNameFindsEveryKindAndNone() {
        for (Fault kind : Faults.all()) {
            assertThat(Faults.byName(kind.name())).isSameAs(kind);
        }
        assertThat(Faults.byName("none")).isSameAs(Faults.none());
    }

    @Test
    void anUnknownNameIsRefusedInOneLineListingTheValidNames() {
        assertThatThrownBy(() -> Faults.byName("bit-flip"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown fault 'bit-flip': expected one of none, ")
                .hasMessageContaining("bit-flip-constant")
                .hasMessageContaining("helper-failure")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> Faults.byName(null)).hasMessageStartingWith("unknown fault 'null'");
    }

    @Test
    void noneIsTheUnmodifiedExtensionAndNotAKind() {
        Fault none = Faults.none();
        assertThat(none.name()).isEqualTo("none");
        assertThat(none.family()).isEqualTo(Fault.Family.NONE);
        assertThat(none.family().id()).isEqualTo("none");
        assertThat(none).isNotInstanceOfAny(BytecodeFault.class, EnvironmentFault.class);
        assertThat(Faults.all()).doesNotContain(none);
    }

    @Test
    void everyKindDescribesItselfInOneLineAndNamesItsModel() {
        for (Fault kind : Faults.all()) {
            assertThat(kind.description()).as(kind.name()).isNotBlank().doesNotContain("\n");
            assertThat(kind.reference()).as(kind.name()).isNotBlank().doesNotContain("\n").containsPattern("(19|20)\\d\\d");
        }
    }

    /** STYLE: a kind's Javadoc says what it simulates, its published model, and the outcome per mode. */
    @Test
    void everyKindsJavadocGivesItsModelAndExpectedOutcomes() throws IOException {
        for (Fault kind : Faults.all()) {
            Path source = SOURCES.resolve(kind.getClass().getName().replace('.', '/') + ".java");
            String text = Files.readString(source);
            String javadoc = text.substring(text.indexOf("/**"), text.indexOf("public final class"))
                    .replaceAll("\\s*\\n\\s*\\*\\s*", " ");
            assertThat(javadoc).as(source.toString())
                    .contains("Simulates", "Published model", "Expected outcome per protection mode", "{@code NONE}",
                            "never {@code ESCAPED}, {@code HUNG} or {@code CRASHED}");
        }
    }

    @Test
    void drawIsAFixedFunctionOfSeedAndStream() {
        assertThat(Fault.draw(0, 0)).isEqualTo(Fault.draw(0, 0)).isNotEqualTo(Fault.draw(0, 1)).isNotEqualTo(Fault.draw(1, 0));
        assertThat(Fault.draw(42, 0)).isEqualTo(DRAW_42_0);
    }
}
