package testbed.kernel.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import testbed.kernel.BenignExtensions;
import testbed.kernel.Capability;
import testbed.kernel.Crossing;
import testbed.kernel.Domain;
import testbed.kernel.DomainSpec;
import testbed.kernel.api.Hook;
import testbed.kernel.Kernel;
import testbed.kernel.Snapshot;
import testbed.kernel.TestKernels;
import testbed.kernel.api.Event;
import testbed.kernel.api.Status;

/** No false alarms: well-behaved extensions on every hook, unprotected, leave a clean verdict. */
class OracleCleanRunsTest {
    private static final Kernel KERNEL = TestKernels.boot();
    private static final Snapshot CLEAN = KERNEL.snapshot();
    private final Oracle oracle = Oracle.watching(KERNEL).thorough();

    @BeforeEach
    void restore() {
        KERNEL.restore(CLEAN);
    }

    private Domain attached(Object extension, Capability... capabilities) {
        Domain d = KERNEL.createDomain(extension.getClass().getSimpleName(),
                DomainSpec.segment(16 << 10).allow(capabilities).allow(Capability.helpers().toArray(Capability[]::new)));
        assertThat(KERNEL.attach(d, extension, Crossing.DIRECT)).isEqualTo(Status.OK);
        return d;
    }

    @Test
    void nothingHappeningIsClean() {
        oracle.baseline();
        assertThat(oracle.judge().isClean()).isTrue();
    }

    @Test
    void aBenignPacketFilterIsClean() {
        attached(new BenignExtensions.HalfOfEvenPackets(), Capability.PACKET_FILTER);
        oracle.baseline();
        int delivered = 0;
        for (int i = 0; i < 6; i++) {
            byte[] packet = new byte[100 + i];
            packet[0] = (byte) i;
            delivered += KERNEL.receive(packet);
        }
        Verdict v = oracle.judge();
        assertThat(delivered).isEqualTo(50 + 51 + 52);
        assertThat(KERNEL.structures().txRing().tail()).isEqualTo(6);
        assertThat(v.violations()).isEmpty();
    }

    @Test
    void aBenignReadFilterIsClean() {
        Domain d = attached(new BenignExtensions.LowBytes(), Capability.READ_FILTER);
        oracle.baseline();
        byte[] buffer = new byte[(int) KERNEL.config().fileSize()];
        int total = 0;
        for (int f = 0; f < KERNEL.config().files(); f++) {
            int n = KERNEL.read(f, 0, buffer, buffer.length, d);
            for (int i = 0; i < n; i++) {
                assertThat(buffer[i]).isNotNegative();
            }
            total += n;
        }
        Verdict v = oracle.judge();
        assertThat(total).isBetween(1, KERNEL.config().files() * buffer.length - 1);
        assertThat(v.violations()).isEmpty();
    }

    @Test
    void aBenignEventHandlerIsClean() {
        attached(new BenignExtensions.LockedTimer(), Capability.EVENT_HANDLER);
        oracle.baseline();
        long r = KERNEL.dispatch(Event.TIMER, 41);
        Verdict v = oracle.judge();
        assertThat(r).isEqualTo(42);
        assertThat(v.violations()).isEmpty();
    }

    @Test
    void aBenignEvictionPolicyIsClean() {
        attached(new BenignExtensions.MostRecentlyUsed(), Capability.EVICTION_POLICY);
        oracle.baseline();
        byte[] buffer = new byte[(int) KERNEL.config().fileSize()];
        for (int f = 0; f < KERNEL.config().files(); f++) {
            KERNEL.read(f, 0, buffer, buffer.length, null);
        }
        Verdict v = oracle.judge();
        assertThat(KERNEL.structures().hookTable().calls(Hook.EVICTION_POLICY)).isPositive();
        assertThat(KERNEL.structures().hookTable().badAnswers(Hook.EVICTION_POLICY)).isZero();
        assertThat(v.violations()).isEmpty();
    }

    @Test
    void aCooperativeLibraryOsIsClean() {
        Domain d = attached(new BenignExtensions.Cooperative(), Capability.LIBRARY_OS);
        oracle.baseline();
        assertThat(KERNEL.startLibraryOs(d)).isEqualTo(4);
        assertThat(KERNEL.revoke(d, 3)).isEqualTo(3);
        Verdict v = oracle.judge();
        assertThat(KERNEL.aborts()).isEmpty();
        assertThat(v.violations()).isEmpty();
    }
}
