package testbed.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import testbed.kernel.Abort;
import testbed.kernel.Kernel;
import testbed.kernel.Trap;
import testbed.kernel.api.Event;
import testbed.kernel.oracle.Oracle;
import testbed.kernel.oracle.Verdict;
import testbed.sfi.ProtectionMode;

/** Every way a domain can go wrong ends in a typed trap, an abort, and an intact kernel that carries on. */
class AbortTest {

    @ParameterizedTest
    @EnumSource(value = ProtectionMode.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void budgetsAndFaultsBecomeTypedTraps(ProtectionMode mode) throws Exception {
        assertThat(trapOf(mode, Samples.Spinner.class, Budget.standard())).isEqualTo(Trap.Kind.FUEL_EXHAUSTED);
        assertThat(trapOf(mode, Samples.Recurser.class, Budget.standard())).isEqualTo(Trap.Kind.STACK_DEPTH);
        assertThat(trapOf(mode, Samples.Bomb.class, Budget.standard())).isEqualTo(Trap.Kind.MEMORY_BUDGET);
        assertThat(trapOf(mode, Samples.Thrower.class, Budget.standard())).isEqualTo(Trap.Kind.UNCAUGHT_EXCEPTION);
        assertThat(trapOf(mode, Samples.Catcher.class, Budget.standard())).isEqualTo(Trap.Kind.FUEL_EXHAUSTED);
        assertThat(trapOf(mode, Samples.LockHolder.class, Budget.standard())).isEqualTo(Trap.Kind.LOCK_HELD);
    }

    @Test
    void aMaskedStoreStraddlingTheSegmentEndFaultsOnTheGuardZone() throws Exception {
        assertThat(trapOf(ProtectionMode.SFI_MASK, Samples.Straddler.class, Budget.standard())).isEqualTo(Trap.Kind.GUARD_PAGE);
        Kernel kernel = SandboxFixture.boot();
        try (Sandbox sandbox = Sandbox.on(kernel, ProtectionMode.SFI_MASK)) {
            FaultDomain d = sandbox.load("straddler", SandboxFixture.bytesOf(Samples.Straddler.class), SandboxFixture.spec()).attach();
            long end = d.domain().segment().end();
            long before = kernel.memory().peek64(end - 8);
            assertThat(d.domain().spec().guarded()).isTrue();
            kernel.receive(new byte[64]);
            Abort abort = kernel.aborts().get(0);
            assertThat(abort.trap().getMessage()).startsWith(Trap.Kind.GUARD_PAGE.prefix() + ": machine check: 8-byte access at physical address 0x"
                    + Long.toHexString(end - 4) + " touches a guard page");
            assertThat(abort.trap().location()).contains("Straddler.filter");
            assertThat(kernel.memory().peek64(end - 8)).as("nothing of the store was written").isEqualTo(before);
        }
    }

    @Test
    void theGuardZonesFaultCannotBeCaughtByTheExtension() throws Exception {
        assertThat(trapOf(ProtectionMode.SFI_MASK, Samples.CatchingStraddler.class, Budget.standard())).isEqualTo(Trap.Kind.GUARD_PAGE);
    }

    @ParameterizedTest
    @EnumSource(value = ProtectionMode.class, names = "SFI_MASK", mode = EnumSource.Mode.EXCLUDE)
    void onlyMaskedDomainsGetAGuardZone(ProtectionMode mode) throws Exception {
        Kernel kernel = SandboxFixture.boot();
        try (Sandbox sandbox = Sandbox.on(kernel, mode)) {
            FaultDomain d = sandbox.load("counter", SandboxFixture.bytesOf(Samples.Counter.class), SandboxFixture.spec());
            assertThat(d.domain().spec().guarded()).isFalse();
            assertThat(kernel.memory().isGuard((int) (d.domain().segment().end() >>> 12))).isFalse();
        }
    }

    @Test
    void theWatchdogStopsWhatFuelWouldNotInTime() throws Exception {
        Budget endless = new Budget(Long.MAX_VALUE / 2, 1 << 20, 64, Duration.ofMillis(100));
        assertThat(trapOf(ProtectionMode.SFI_MASK, Samples.Spinner.class, endless)).isEqualTo(Trap.Kind.WATCHDOG);
    }

    @Test
    void aTrapCarriesDomainLocationAndAStableMessage() throws Exception {
        Kernel kernel = SandboxFixture.boot();
        try (Sandbox sandbox = Sandbox.on(kernel, ProtectionMode.SFI_CHECK)) {
            FaultDomain d = sandbox.load("thrower", SandboxFixture.bytesOf(Samples.Thrower.class), SandboxFixture.spec()).attach();
            kernel.receive(new byte[64]);
            Abort abort = kernel.aborts().get(0);
            assertThat(abort.trap().domain()).isEqualTo(d.domain().id());
            assertThat(abort.trap().getMessage()).startsWith(Trap.Kind.UNCAUGHT_EXCEPTION.prefix() + ": java.lang.ArithmeticException");
            assertThat(abort.trap().location()).contains("Thrower.filter");
        }
    }

    @Test
    void revocationNotHonouredIsForcedByTheAbortProtocol() throws Exception {
        Kernel kernel = SandboxFixture.boot();
        kernel.snapshot();
        Oracle oracle = Oracle.watching(kernel).thorough();
        oracle.baseline();
        try (Sandbox sandbox = Sandbox.on(kernel, ProtectionMode.BOUNDS)) {
            FaultDomain d = sandbox.load("stubborn", SandboxFixture.bytesOf(Samples.Stubborn.class), SandboxFixture.spec()).attach();
            assertThat(kernel.startLibraryOs(d.domain())).isEqualTo(4);
            kernel.revoke(d.domain(), 2);
            assertThat(kernel.aborts()).extracting(a -> a.trap().kind()).containsExactly(Trap.Kind.REVOCATION_TIMEOUT);
            assertThat(oracle.judge().violations()).isEmpty();
        }
    }

    @Test
    void theKernelUsesItsDefaultAfterAnAbort() throws Exception {
        Kernel kernel = SandboxFixture.boot();
        try (Sandbox sandbox = Sandbox.on(kernel, ProtectionMode.SFI_MASK)) {
            sandbox.load("spinner", SandboxFixture.bytesOf(Samples.Spinner.class), SandboxFixture.spec()).attach();
            assertThat(kernel.receive(new byte[100])).as("default policy delivers all").isEqualTo(100);
            assertThat(kernel.receive(new byte[80])).as("the aborted domain is unbound").isEqualTo(80);
            assertThat(kernel.aborts()).hasSize(1);
        }
    }

    @Test
    void unprotectedFaultsPropagateIntoTheKernel() throws Exception {
        Kernel kernel = SandboxFixture.boot();
        try (Sandbox sandbox = Sandbox.on(kernel, ProtectionMode.NONE)) {
            sandbox.load("thrower", SandboxFixture.bytesOf(Samples.Thrower.class), SandboxFixture.spec()).attach();
            assertThatThrownBy(() -> kernel.receive(new byte[64])).isInstanceOf(ArithmeticException.class);
        }
    }

    @Test
    void anAbortedHelperLoopLeavesNoTrace() throws Exception {
        Kernel kernel = SandboxFixture.boot();
        kernel.snapshot();
        Oracle oracle = Oracle.watching(kernel).thorough();
        oracle.baseline();
        try (Sandbox sandbox = Sandbox.on(kernel, ProtectionMode.SFI_CHECK, Budget.standard().withFuel(3))) {
            FaultDomain d = sandbox.load("hoarder", SandboxFixture.bytesOf(Samples.Hoarder.class), SandboxFixture.spec()).attach();
            kernel.dispatch(Event.TIMER, 5);
            assertThat(kernel.aborts()).extracting(a -> a.trap().kind()).containsExactly(Trap.Kind.FUEL_EXHAUSTED);
            Verdict verdict = oracle.judge();
            assertThat(verdict.violations()).isEmpty();
            assertThat(kernel.locksHeldBy(d.domain())).isZero();
        }
    }

    private static Trap.Kind trapOf(ProtectionMode mode, Class<?> sample, Budget budget) throws Exception {
        Kernel kernel = SandboxFixture.boot();
        kernel.snapshot();
        Oracle oracle = Oracle.watching(kernel).thorough();
        oracle.baseline();
        try (Sandbox sandbox = Sandbox.on(kernel, mode, budget)) {
            sandbox.load(sample.getSimpleName(), SandboxFixture.bytesOf(sample), SandboxFixture.spec()).attach();
            kernel.receive(new byte[64]);
            List<Abort> aborts = kernel.aborts();
            assertThat(aborts).as("%s under %s is aborted once", sample.getSimpleName(), mode).hasSize(1);
            assertThat(oracle.judge().violations()).as("%s under %s leaves the kernel intact", sample.getSimpleName(), mode).isEmpty();
            return aborts.get(0).trap().kind();
        }
    }
}
