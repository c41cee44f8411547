package testbed.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import testbed.kernel.Kernel;
import testbed.kernel.KernelPanic;
import testbed.kernel.Region;

/**
 * An unprotected sandbox on a simulated machine with limits: work is counted, nothing is
 * confined, and a runaway extension hangs or crashes the simulated kernel rather than the host.
 * A broken limit shows as a test that would never end: the timeout turns it into a failure.
 */
@Timeout(60)
class MachineLimitsTest {

    @Test
    void aLoopThatNeverEndsHangsTheSimulatedKernelAfterTheBudgetsWork() throws Exception {
        Kernel kernel = SandboxFixture.boot();
        try (Sandbox sandbox = Sandbox.unprotected(kernel, Budget.standard())) {
            sandbox.load("spinner", SandboxFixture.bytesOf(Samples.Spinner.class), SandboxFixture.spec()).attach();
            assertThatThrownBy(() -> kernel.receive(new byte[100]))
                    .isInstanceOfSatisfying(KernelPanic.class, p -> {
                        assertThat(p.isHang()).isTrue();
                        assertThat(p.getMessage()).contains("lockup detected").contains("30000 units");
                    });
        }
    }

    @Test
    void aHandlerThatSwallowsEverythingCannotHideTheLockup() throws Exception {
        Kernel kernel = SandboxFixture.boot();
        try (Sandbox sandbox = Sandbox.unprotected(kernel, Budget.standard())) {
            sandbox.load("catcher", SandboxFixture.bytesOf(Samples.Catcher.class), SandboxFixture.spec()).attach();
            assertThatThrownBy(() -> kernel.receive(new byte[100]))
                    .isInstanceOfSatisfying(KernelPanic.class, p -> assertThat(p.isHang()).isTrue());
        }
    }

    @Test
    void allocatingPastTheMachinesMemoryCrashesItBeforeTheHostHeapIsTouched() throws Exception {
        Kernel kernel = SandboxFixture.boot();
        try (Sandbox sandbox = Sandbox.unprotected(kernel, Budget.standard())) {
            sandbox.load("bomb", SandboxFixture.bytesOf(Samples.Bomb.class), SandboxFixture.spec()).attach();
            assertThatThrownBy(() -> kernel.receive(new byte[100]))
                    .isInstanceOfSatisfying(KernelPanic.class, p -> {
                        assertThat(p.isHang()).isFalse();
                        assertThat(p.reason()).isEqualTo(KernelPanic.Cause.OUT_OF_MEMORY);
                    });
        }
    }

    @Test
    void anExitSwitchesTheSimulatedMachineOffAndTheHostStaysUp() throws Exception {
        Kernel kernel = SandboxFixture.boot();
        try (Sandbox sandbox = Sandbox.unprotected(kernel, Budget.standard())) {
            sandbox.load("exiter", SandboxFixture.bytesOf(Samples.Exiter.class), SandboxFixture.spec()).attach();
            assertThatThrownBy(() -> kernel.receive(new byte[100]))
                    .isInstanceOfSatisfying(KernelPanic.class, p -> {
                        assertThat(p.reason()).isEqualTo(KernelPanic.Cause.POWER_OFF);
                        assertThat(p.getMessage()).contains("exit(3)");
                    });
        }
    }

    @Test
    void recursionStillOverflowsTheJvmStackAsAnUnprotectedKernelWould() throws Exception {
        Kernel kernel = SandboxFixture.boot();
        try (Sandbox sandbox = Sandbox.unprotected(kernel, Budget.standard().withFuel(Long.MAX_VALUE))) {
            sandbox.load("recurser", SandboxFixture.bytesOf(Samples.Recurser.class), SandboxFixture.spec()).attach();
            assertThatThrownBy(() -> kernel.receive(new byte[100])).isInstanceOf(StackOverflowError.class);
        }
    }

    @Test
    void storesAreNotConfined() throws Exception {
        Kernel kernel = SandboxFixture.boot();
        long target = kernel.layout().base(Region.KERNEL_LOG) + 64;
        try (Sandbox sandbox = Sandbox.unprotected(kernel, Budget.standard())) {
            sandbox.load("scribbler", SandboxFixture.bytesOf(Samples.Scribbler.class), SandboxFixture.spec()).attach();
            ByteBuffer record = ByteBuffer.allocate(17).order(ByteOrder.LITTLE_ENDIAN);
            record.putLong(target).putLong(0x5A).put((byte) 0);
            kernel.receive(record.array());
            assertThat(kernel.memory().load8(target)).as("the wild store landed in the kernel log").isEqualTo((byte) 0x5A);
        }
    }
}
