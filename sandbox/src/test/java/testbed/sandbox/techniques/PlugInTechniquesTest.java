package testbed.sandbox.techniques;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import testbed.kernel.Kernel;
import testbed.sandbox.Budget;
import testbed.sandbox.FaultDomain;
import testbed.sandbox.Protection;
import testbed.sandbox.Protections;
import testbed.sandbox.Sandbox;
import testbed.sandbox.SandboxFixture;
import testbed.sandbox.Samples;
import testbed.sandbox.verify.Rejection;
import testbed.sandbox.verify.Rule;
import testbed.sfi.ProtectionMode;

/**
 * Plug-in techniques from real jars: found by name beside the built-in modes, run through the
 * load pipeline, and, when they go wrong, a one-line error (the jar) or a rejection of one load
 * (the rewrite) after which the kernel goes on loading and running extensions.
 */
@Timeout(60)
class PlugInTechniquesTest {
    @TempDir
    Path dir;

    @Test
    void builtInModesComeFirstInTheEnumsOrderAndPlugInsFollowByName() throws Exception {
        Path jar = PlugInJar.write(dir, "good.jar", true, Plugins.PassThrough.class);
        Protections p = Protections.loading(List.of(jar));
        List<String> builtIn = new java.util.ArrayList<>(java.util.Arrays.stream(ProtectionMode.values()).map(Enum::name).toList());
        builtIn.add(builtIn.indexOf("VERIFIED") + 1, Protection.VERIFIED_STRICT);
        assertThat(p.names()).startsWith(builtIn.toArray(String[]::new)).endsWith("pass-through").hasSize(builtIn.size() + 1);
        assertThat(p.defaultNames()).doesNotContain(Protection.VERIFIED_STRICT).hasSize(builtIn.size());
        assertThat(p.byName("SFI_CHECK")).isEqualTo(new Protection.BuiltIn(ProtectionMode.SFI_CHECK));
        assertThat(p.byName(Protection.VERIFIED_STRICT)).isEqualTo(new Protection.BuiltIn(ProtectionMode.VERIFIED, true));
        assertThat(p.byName("pass-through")).isInstanceOf(Protection.PlugIn.class);
        assertThat(p.workerOptions()).containsExactly("-D" + Protections.JARS_PROPERTY + "=" + jar.toAbsolutePath().normalize());
        assertThatThrownBy(() -> p.byName("mytech")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown protection mode 'mytech'").hasMessageContaining("pass-through");
    }

    @Test
    void aPlugInTechniqueLoadsAndRunsAnExtension() throws Exception {
        Protection pass = Protections.loading(List.of(PlugInJar.write(dir, "good.jar", true, Plugins.PassThrough.class)))
                .byName("pass-through");
        Kernel kernel = SandboxFixture.boot();
        try (Sandbox sandbox = Sandbox.on(kernel, pass, Budget.standard())) {
            FaultDomain d = sandbox.load("counter", SandboxFixture.bytesOf(Samples.Counter.class), SandboxFixture.spec()).attach();
            assertThat(kernel.receive(new byte[64])).isEqualTo(1);
            assertThat(kernel.receive(new byte[64])).isEqualTo(2);
            d.unload();
        }
    }

    @Test
    void jarsThatAreMissingNotJarsEmptyOrBadlyNamedAreOneLineErrors() throws Exception {
        Path textFile = Files.writeString(dir.resolve("notes.jar"), "not a zip");
        Path empty = PlugInJar.write(dir, "empty.jar", false, Plugins.PassThrough.class);
        Path missingClass = dir.resolve("missing-class.jar");
        PlugInJar.write(dir, "missing-class.jar", true);
        try (var fs = java.nio.file.FileSystems.newFileSystem(missingClass)) {
            Path services = fs.getPath("META-INF/services/testbed.technique.Technique");
            Files.createDirectories(services.getParent());
            Files.writeString(services, "com.example.NoSuchTechnique\n");
        }
        Path impostor = PlugInJar.write(dir, "impostor.jar", true, Plugins.Impostor.class);
        Path badName = PlugInJar.write(dir, "bad-name.jar", true, Plugins.BadName.class);
        Path good = PlugInJar.write(dir, "good.jar", true, Plugins.PassThrough.class);

        assertRefused(dir.resolve("absent.jar"), "no such technique jar: ");
        assertRefused(textFile, "is not a jar");
        assertRefused(empty, "holds no isolation technique");
        assertRefused(missingClass, "a technique cannot be loaded").hasMessageContaining("com.example.NoSuchTechnique");
        assertRefused(impostor, "has the name of a built-in protection mode");
        assertRefused(badName, "is named 'my tech~1'");
        assertThatThrownBy(() -> Protections.loading(List.of(good, good))).hasMessageContaining("has the name of another technique");
    }

    @Test
    void aRewriteThatThrowsIsARejectionOfThatLoadAndTheKernelGoesOn() throws Exception {
        assertRejectedThenKernelGoesOn(Plugins.Throws.class, "throws", Rule.REWRITE,
                "technique 'throws' failed while rewriting: java.lang.IllegalStateException: boom at ");
    }

    @Test
    void bytesThatAreNoClassAreARejection() throws Exception {
        assertRejectedThenKernelGoesOn(Plugins.Garbage.class, "garbage", Rule.REWRITE,
                "technique 'garbage' returned a class the metering pass refuses");
    }

    @Test
    void aClassTheJvmRefusesIsARejection() throws Exception {
        assertRejectedThenKernelGoesOn(Plugins.Unverifiable.class, "unverifiable", Rule.JVM_VERIFICATION, "");
    }

    @Test
    void aRewriteThatNeverReturnsIsGivenUpAndTheNextLoadIsServed() throws Exception {
        assertRejectedThenKernelGoesOn(Plugins.Loops.class, "loops", Rule.REWRITE,
                "technique 'loops' did not return from its rewrite within 5 s");
    }

    private void assertRejectedThenKernelGoesOn(Class<?> technique, String name, Rule rule, String message) throws Exception {
        Protections p = Protections.loading(List.of(PlugInJar.write(dir, name + ".jar", true, technique)));
        Kernel kernel = SandboxFixture.boot();
        try (Sandbox bad = Sandbox.on(kernel, p.byName(name), Budget.standard());
                Sandbox good = Sandbox.on(kernel, p.byName("SFI_CHECK"), Budget.standard())) {
            List<?> before = List.copyOf(kernel.domains());
            assertThatThrownBy(() -> bad.load("counter", SandboxFixture.bytesOf(Samples.Counter.class), SandboxFixture.spec()))
                    .isInstanceOfSatisfying(Rejection.class, r -> {
                        assertThat(r.rule()).isEqualTo(rule);
                        assertThat(r.getMessage()).contains(message).doesNotContain("\n");
                    });
            assertThat(kernel.domains()).as("a rejected load leaves no domain behind").isEqualTo(before);
            FaultDomain d = good.load("counter", SandboxFixture.bytesOf(Samples.Counter.class), SandboxFixture.spec()).attach();
            assertThat(kernel.receive(new byte[64])).isEqualTo(1);
            d.unload();
        }
    }

    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertRefused(Path jar, String message) {
        return assertThatThrownBy(() -> Protections.loading(List.of(jar))).isInstanceOf(Protections.TechniqueException.class)
                .hasMessageContaining(message).hasMessageNotContaining("\n");
    }
}
