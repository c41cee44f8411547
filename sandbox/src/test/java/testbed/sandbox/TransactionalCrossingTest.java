package testbed.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import testbed.kernel.Domain;
import testbed.kernel.Kernel;
import testbed.kernel.Trap;
import testbed.sfi.runtime.Meter;

/** The crossing commits only an invocation that was not stopped: a stop that no metered point saw still aborts it. */
class TransactionalCrossingTest {

    @Test
    void anInvocationThatOverstaysItsWatchdogIsAbortedEvenIfItReturnsBeforeAnotherMeteredPoint() {
        Kernel kernel = SandboxFixture.boot();
        Domain domain = kernel.createDomain("overstays", SandboxFixture.spec());
        Meter meter = new Meter();
        Budget budget = new Budget(1_000, 1 << 20, 16, Duration.ofMillis(20));
        try (Watchdog watchdog = new Watchdog("test", 5, failure -> { })) {
            TransactionalCrossing crossing = new TransactionalCrossing(kernel, meter, budget, watchdog);
            long[] allocated = new long[1];
            // The body stands for code that runs long between two metered points (a JDK call, a
            // blocked helper) and returns without reaching another one: it sees the stop only because
            // it waits for it, as no extension could.
            Trap trap = catchThrowableOfType(() -> crossing.enter(domain, () -> {
                allocated[0] = domain.context().alloc(64);
                while (meter.stopped() == null) {
                    Thread.onSpinWait();
                }
                return 7;
            }), Trap.class);
            assertThat(trap).as("the invocation must not commit").isNotNull();
            assertThat(trap.kind()).isEqualTo(Trap.Kind.WATCHDOG);
            assertThat(trap.domain()).isEqualTo(domain.id());
            assertThat(allocated[0]).as("the helper call inside succeeded").isPositive();
            assertThat(kernel.aborts()).extracting(a -> a.trap().kind()).containsExactly(Trap.Kind.WATCHDOG);
            assertThat(kernel.isAborted(domain)).isTrue();
        }
    }

    @Test
    void anInvocationThatFinishesInTimeCommits() {
        Kernel kernel = SandboxFixture.boot();
        Domain domain = kernel.createDomain("quick", SandboxFixture.spec());
        Meter meter = new Meter();
        try (Watchdog watchdog = new Watchdog("test", 5, failure -> { })) {
            TransactionalCrossing crossing = new TransactionalCrossing(kernel, meter, Budget.standard(), watchdog);
            assertThat(crossing.enter(domain, () -> 7)).isEqualTo(7);
            assertThat(kernel.aborts()).isEmpty();
        }
    }
}
