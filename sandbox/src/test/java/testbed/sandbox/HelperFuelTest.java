package testbed.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import testbed.kernel.Kernel;
import testbed.kernel.KernelPanic;
import testbed.kernel.Trap;
import testbed.sandbox.process.ExtensionProcess;
import testbed.sfi.ProtectionMode;
import testbed.sfi.runtime.Meter;

/**
 * A kernel helper call costs the domain fuel in every mode, so a loop of helper calls ends where
 * the budget says, after the same number of calls on every run, instead of doing a budget's worth
 * of kernel work per unit of fuel.
 */
@Timeout(120)
class HelperFuelTest {
    private static final Budget BUDGET = Budget.standard();

    @Test
    void aLoopOfHelperCallsRunsOutOfFuelAfterTheCallsTheBudgetPaysFor() throws Exception {
        for (ProtectionMode mode : EnumSet.complementOf(EnumSet.of(ProtectionMode.NONE))) {
            long perCall = mode == ProtectionMode.PROCESS ? ExtensionProcess.HELPER_FUEL : Meter.HELPER_FUEL;
            long[] calls = new long[2];
            for (int run = 0; run < 2; run++) {
                Kernel kernel = SandboxFixture.boot();
                try (Sandbox sandbox = Sandbox.on(kernel, mode, BUDGET)) {
                    FaultDomain d = sandbox.load("spinner", SandboxFixture.bytesOf(Samples.HelperSpinner.class), SandboxFixture.spec()).attach();
                    kernel.receive(new byte[100]);
                    assertThat(kernel.aborts()).extracting(a -> a.trap().kind()).as("%s", mode).containsExactly(Trap.Kind.FUEL_EXHAUSTED);
                    calls[run] = kernel.memory().peek64(d.domain().segment().base());
                }
            }
            assertThat(calls[0]).as("%s: calls made before the fuel ran out", mode)
                    .isPositive().isLessThanOrEqualTo(BUDGET.fuel() / perCall).isEqualTo(calls[1]);
        }
    }

    @Test
    void unprotectedTheSameLoopIsALockupOfTheSimulatedKernel() throws Exception {
        Kernel kernel = SandboxFixture.boot();
        try (Sandbox sandbox = Sandbox.unprotected(kernel, BUDGET)) {
            FaultDomain d = sandbox.load("spinner", SandboxFixture.bytesOf(Samples.HelperSpinner.class), SandboxFixture.spec()).attach();
            assertThatThrownBy(() -> kernel.receive(new byte[100]))
                    .isInstanceOfSatisfying(KernelPanic.class, p -> assertThat(p.isHang()).isTrue());
            assertThat(kernel.memory().peek64(d.domain().segment().base())).isPositive().isLessThanOrEqualTo(BUDGET.fuel() / Meter.HELPER_FUEL);
        }
    }
}
