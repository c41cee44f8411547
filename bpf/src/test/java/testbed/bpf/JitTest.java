package testbed.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import testbed.kernel.Kernel;
import testbed.sandbox.FaultDomain;
import testbed.sandbox.Sandbox;
import testbed.sfi.ProtectionMode;

/** The interpreter's corner cases, compiled and run on the packet hook in every in-JVM mode. */
class JitTest {
    private static Kernel kernel;

    @BeforeAll
    static void boot() {
        kernel = Kernel.boot();
    }

    @AfterAll
    static void drop() {
        kernel = null;
    }

    /** What the kernel delivers: the JIT's answer clamped to the frame, as the interpreter's would be. */
    private static int expectedDelivery(int answer) {
        return Integer.compareUnsigned(answer, InterpreterTest.FRAME.length) > 0 ? InterpreterTest.FRAME.length : answer;
    }

    @Test
    void jitDeliversWhatTheInterpreterAnswersInEveryMode() throws Exception {
        Nic nic = new Nic(kernel);
        for (ProtectionMode mode : List.of(ProtectionMode.NONE, ProtectionMode.SFI_MASK, ProtectionMode.SFI_CHECK,
                ProtectionMode.BOUNDS)) {
            try (Sandbox sandbox = Sandbox.on(kernel, mode)) {
                for (Object[] c : InterpreterTest.cases()) {
                    FilterProgram p = (FilterProgram) c[1];
                    try (FaultDomain d = FilterLoader.attach(sandbox, p)) {
                        int delivered = nic.receive(InterpreterTest.FRAME);
                        assertThat(delivered).as("%s in %s", c[0], mode)
                                .isEqualTo(expectedDelivery((int) c[2]));
                        assertThat(Interpreter.run(p, InterpreterTest.FRAME, InterpreterTest.FRAME.length)).isEqualTo((int) c[2]);
                        assertThat(Interpreter.run(p, kernel.memory(), d.domain().window(), InterpreterTest.FRAME.length))
                                .as("%s by the interpreter on the kernel's memory", c[0]).isEqualTo((int) c[2]);
                    }
                }
            }
        }
        assertThat(kernel.aborts()).isEmpty();
    }

    @Test
    void classNamesAreJavaIdentifiers() {
        assertThat(Jit.className("tcp port 18080")).isEqualTo("F_tcp_port_18080");
    }
}
