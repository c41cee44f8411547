package testbed.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.util.Arrays;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;
import testbed.kernel.Kernel;
import testbed.kernel.api.PacketFilter;
import testbed.kernel.oracle.Oracle;
import testbed.sandbox.verify.Rejection;
import testbed.sandbox.verify.Rule;
import testbed.sfi.ProtectionMode;

/** Each domain has its own classes, sees only the extension API, and leaves nothing behind when unloaded. */
class DomainIsolationTest {

    @Test
    void twoDomainsShareNoStaticState() throws Exception {
        Kernel kernel = SandboxFixture.boot();
        try (Sandbox sandbox = Sandbox.on(kernel, ProtectionMode.NONE)) {
            byte[] bytes = SandboxFixture.bytesOf(Samples.StaticCounter.class);
            FaultDomain a = sandbox.load("a", bytes, SandboxFixture.spec());
            FaultDomain b = sandbox.load("b", bytes, SandboxFixture.spec());
            PacketFilter fa = (PacketFilter) a.extension();
            PacketFilter fb = (PacketFilter) b.extension();
            assertThat(fa.filter(a.domain().context(), a.domain().window(), 1)).isEqualTo(1);
            assertThat(fa.filter(a.domain().context(), a.domain().window(), 1)).isEqualTo(2);
            assertThat(fb.filter(b.domain().context(), b.domain().window(), 1)).as("b's static is its own").isEqualTo(1);
            assertThat(a.extension().getClass()).isNotSameAs(b.extension().getClass());
        }
    }

    @Test
    void aProtectedDomainSeesOnlyTheExtensionApi() throws Exception {
        Kernel kernel = SandboxFixture.boot();
        try (Sandbox sandbox = Sandbox.on(kernel, ProtectionMode.SFI_CHECK)) {
            FaultDomain d = sandbox.load("counter", SandboxFixture.bytesOf(Samples.Counter.class), SandboxFixture.spec());
            ClassLoader loader = d.extension().getClass().getClassLoader();
            assertThat(loader.loadClass("testbed.kernel.api.Context")).isSameAs(testbed.kernel.api.Context.class);
            assertThat(loader.loadClass("java.lang.Math")).isSameAs(Math.class);
            for (String hidden : new String[] {"testbed.kernel.Kernel", "testbed.kernel.PhysicalMemory", "java.lang.Runtime",
                    "java.lang.Thread", "java.lang.reflect.Field", "testbed.sandbox.Sandbox"}) {
                assertThatThrownBy(() -> loader.loadClass(hidden)).as(hidden).isInstanceOf(ClassNotFoundException.class);
            }
        }
    }

    @Test
    void refusedStaticStateIsRejectedInProtectedModes() {
        Kernel kernel = SandboxFixture.boot();
        try (Sandbox sandbox = Sandbox.on(kernel, ProtectionMode.SFI_MASK)) {
            assertThatThrownBy(() -> sandbox.load("static", SandboxFixture.bytesOf(Samples.StaticCounter.class), SandboxFixture.spec()))
                    .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.rule()).isEqualTo(Rule.STATIC_STATE));
            assertThat(kernel.domains()).as("no domain left behind").hasSize(1);
        }
    }

    /**
     * Metaspace must saw-tooth, not climb: unloaded domains' classes are collected, also those the
     * sandbox's load cache kept for a while. Every load is of different bytes (the same class with
     * another source-file name), so none is served from the cache.
     */
    @Test
    void unloadingDomainsFreesTheirClassesOver100000Loads() throws Exception {
        Kernel kernel = SandboxFixture.boot();
        byte[] original = SandboxFixture.bytesOf(Samples.Counter.class);
        MemoryPoolMXBean metaspace = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getName().equals("Metaspace")).findFirst().orElseThrow();
        long unloadedBefore = ManagementFactory.getClassLoadingMXBean().getUnloadedClassCount();
        long[] usedAfterGc = new long[5];
        int loads = 100_000;
        try (Sandbox sandbox = Sandbox.on(kernel, ProtectionMode.SFI_MASK)) {
            for (int i = 0; i < loads; i++) {
                sandbox.load("d" + i, withSourceName(original, "d" + i), SandboxFixture.spec()).unload();
                if ((i + 1) % (loads / usedAfterGc.length) == 0) {
                    System.gc();
                    usedAfterGc[(i + 1) / (loads / usedAfterGc.length) - 1] = metaspace.getUsage().getUsed();
                }
            }
        }
        long unloaded = ManagementFactory.getClassLoadingMXBean().getUnloadedClassCount() - unloadedBefore;
        assertThat(unloaded).as("classes unloaded after %d loads", loads).isGreaterThan(loads / 2);
        long first = usedAfterGc[0];
        long last = usedAfterGc[usedAfterGc.length - 1];
        assertThat(last).as("Metaspace after GC, sampled every %d loads: %s", loads / usedAfterGc.length, Arrays.toString(usedAfterGc))
                .isLessThan(first + (16L << 20));
        assertThat(kernel.domains()).hasSize(1);
    }

    @Test
    void loadingTheSameBytesAgainReusesTheClassButNeverTheInstance() throws Exception {
        Kernel kernel = SandboxFixture.boot();
        byte[] bytes = SandboxFixture.bytesOf(Samples.Counter.class);
        try (Sandbox sandbox = Sandbox.on(kernel, ProtectionMode.SFI_MASK)) {
            FaultDomain first = sandbox.load("first", bytes, SandboxFixture.spec());
            FaultDomain whileFirstLives = sandbox.load("second", bytes, SandboxFixture.spec());
            assertThat(whileFirstLives.extension().getClass()).as("a live domain's class is its own")
                    .isNotSameAs(first.extension().getClass());
            Class<?> firstClass = first.extension().getClass();
            Object firstInstance = first.extension();
            first.unload();
            whileFirstLives.unload();
            FaultDomain again = sandbox.load("third", bytes, SandboxFixture.spec());
            assertThat(again.extension().getClass()).as("the class is reused once its domain is gone").isSameAs(firstClass);
            assertThat(again.extension()).isNotSameAs(firstInstance);
            again.unload();
        }
    }

    @Test
    void malformedBytesAreRejectedAndLeaveTheKernelUntouched() throws Exception {
        Kernel kernel = SandboxFixture.boot();
        kernel.snapshot();
        Oracle oracle = Oracle.watching(kernel).thorough();
        oracle.baseline();
        byte[] good = SandboxFixture.bytesOf(Samples.Counter.class);
        byte[] badMagic = good.clone();
        badMagic[0] = 0;
        byte[] corruptPool = good.clone();
        corruptPool[10] = 99;
        byte[][] inputs = {new byte[0], Arrays.copyOf(good, good.length / 2), badMagic, corruptPool, new byte[200_000]};
        for (ProtectionMode mode : ProtectionMode.values()) {
            try (Sandbox sandbox = Sandbox.on(kernel, mode)) {
                for (byte[] input : inputs) {
                    assertThatThrownBy(() -> sandbox.load("bad", input, SandboxFixture.spec()))
                            .as("%s, %d bytes", mode, input.length)
                            .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.rule()).isIn(Rule.MALFORMED, Rule.TOO_LARGE));
                }
            }
        }
        assertThat(kernel.domains()).hasSize(1);
        assertThat(oracle.judge().violations()).isEmpty();
    }

    @Test
    void bytecodeTheJvmRefusesIsRejectedNotRun() throws Exception {
        Kernel kernel = SandboxFixture.boot();
        byte[] bytes = JvmInvalid.packetFilterReturningItsContext("com.example.Confused");
        for (ProtectionMode mode : ProtectionMode.values()) {
            try (Sandbox sandbox = Sandbox.on(kernel, mode)) {
                assertThatThrownBy(() -> sandbox.load("confused", bytes, SandboxFixture.spec()))
                        .as("%s", mode)
                        .isInstanceOfSatisfying(Rejection.class, r -> {
                            assertThat(r.rule()).as(r.getMessage()).isEqualTo(Rule.JVM_VERIFICATION);
                            assertThat(r.getMessage()).contains("com.example.Confused");
                        });
            }
        }
        assertThat(kernel.domains()).hasSize(1);
    }

    private static byte[] withSourceName(byte[] classBytes, String sourceName) {
        ClassReader reader = new ClassReader(classBytes);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visitSource(String source, String debug) {
                super.visitSource(sourceName, debug);
            }
        }, 0);
        return writer.toByteArray();
    }
}
