package testbed.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import testbed.kernel.Kernel;
import testbed.kernel.oracle.Oracle;
import testbed.sfi.ProtectionMode;

/** A well-behaved extension gives the same answers, and leaves the same kernel, in every mode as in NONE. */
class TransparencyTest {

    @ParameterizedTest
    @EnumSource(ProtectionMode.class)
    void wellBehavedExtensionsAnswerAsUnprotected(ProtectionMode mode) throws Exception {
        assertThat(run(mode)).isEqualTo(run(ProtectionMode.NONE));
    }

    private static List<String> run(ProtectionMode mode) throws Exception {
        Kernel kernel = SandboxFixture.boot();
        kernel.snapshot();
        Oracle oracle = Oracle.watching(kernel).thorough();
        oracle.baseline();
        List<String> answers = new ArrayList<>();
        try (Sandbox sandbox = Sandbox.on(kernel, mode)) {
            FaultDomain filter = sandbox.load("checksum", SandboxFixture.bytesOf(Samples.EvenChecksum.class), SandboxFixture.spec()).attach();
            FaultDomain reader = sandbox.load("low", SandboxFixture.bytesOf(Samples.LowBytes.class), SandboxFixture.spec()).attach();
            for (int n = 20; n < 1500; n += 97) {
                byte[] packet = new byte[n];
                for (int i = 0; i < n; i++) {
                    packet[i] = (byte) (i * 7 + n);
                }
                answers.add("rx " + n + " -> " + kernel.receive(packet));
            }
            byte[] into = new byte[(int) kernel.config().fileSize()];
            int got = kernel.read(0, 0, into, into.length, reader.domain());
            answers.add("read -> " + got + " " + Arrays.hashCode(Arrays.copyOf(into, Math.max(got, 0))));
            assertThat(oracle.judge().violations()).as("%s leaves the kernel intact", mode).isEmpty();
            assertThat(kernel.aborts()).as("%s aborts nothing", mode).isEmpty();
            filter.unload();
            reader.unload();
        }
        return answers;
    }
}
