package testbed.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import testbed.kernel.api.Context;
import testbed.kernel.api.Event;
import testbed.kernel.api.EventHandler;
import testbed.kernel.api.Hook;
import testbed.kernel.api.LibraryOs;
import testbed.kernel.api.PacketFilter;
import testbed.kernel.api.Status;
import testbed.kernel.oracle.Oracle;
import testbed.kernel.oracle.Verdict;

class AbortProtocolTest {
    private static final Kernel KERNEL = TestKernels.boot();
    private static final Snapshot CLEAN = KERNEL.snapshot();
    private final Oracle oracle = Oracle.watching(KERNEL).thorough();
    private Domain d;

    @BeforeEach
    void setUp() {
        KERNEL.restore(CLEAN);
        d = KERNEL.createDomain("grabby", DomainSpec.segment(16 << 10).allowAll().frames(8).locks(4));
        oracle.baseline();
    }

    @Test
    void abortReleasesEverythingDetachesAndRecordsTheTrap() {
        Context ctx = d.context();
        ctx.lock(1);
        ctx.lock(2);
        assertThat(KERNEL.locksHeldBy(d)).isEqualTo(2);
        ctx.bindFrame();
        ctx.bindFrame();
        ctx.alloc(256);
        assertThat(KERNEL.attach(d, (PacketFilter) (c, p, l) -> l, Crossing.DIRECT)).isEqualTo(Status.OK);
        assertThat(KERNEL.attach(d, TestKernels.handler(c -> 0), Crossing.DIRECT)).isEqualTo(Status.OK);

        KERNEL.abort(d, new Trap(Trap.Kind.WATCHDOG, -1, "Grabby.filter@12", "ran 5 s"));

        assertThat(KERNEL.isAborted(d)).isTrue();
        assertThat(KERNEL.isLive(d)).isFalse();
        assertThat(KERNEL.structures().segmentTable().state(d.id())).isEqualTo(SegmentTable.ABORTED);
        assertThat(KERNEL.structures().lockTable().owner(1)).isZero();
        assertThat(KERNEL.locksHeldBy(d)).isZero();
        assertThat(KERNEL.structures().segmentTable().framesBound(d.id())).isZero();
        assertThat(KERNEL.structures().segmentTable().heapBlocks(d.id())).isZero();
        for (Hook h : Hook.values()) {
            assertThat(KERNEL.isAttached(d.id(), h)).isFalse();
        }
        assertThat(KERNEL.structures().hookTable().attachedCount(Hook.PACKET_FILTER)).isZero();
        assertThat(KERNEL.structures().hookTable().attachedCount(Hook.EVENT_HANDLER)).as("the canary stays").isEqualTo(1);
        assertThat(KERNEL.aborts()).singleElement().satisfies(a -> {
            assertThat(a.domain()).isEqualTo(d.id());
            assertThat(a.trap().kind()).isEqualTo(Trap.Kind.WATCHDOG);
            assertThat(a.trap().domain()).isEqualTo(d.id());
            assertThat(a.trap().getMessage()).startsWith("watchdog: ");
        });
        assertThat(ctx.lock(3)).as("helpers of an aborted domain").isEqualTo(Status.EPERM);
        assertThat(KERNEL.attach(d, (PacketFilter) (c, p, l) -> l, Crossing.DIRECT)).isEqualTo(Status.EPERM);
        KERNEL.abort(d, new Trap(Trap.Kind.WATCHDOG, -1, "", "again"));
        assertThat(KERNEL.aborts()).hasSize(1);

        Verdict v = oracle.judge();
        assertThat(v.violations()).isEmpty();
        KERNEL.destroyDomain(d);
        assertThat(oracle.judge().violations()).isEmpty();
    }

    @Test
    void aTrapOutOfTheCrossingAbortsTheDomainAndTheHookUsesItsDefault() {
        Crossing outOfFuel = (domain, call) -> {
            throw new Trap(Trap.Kind.FUEL_EXHAUSTED, -1, "Spin.filter@4", "fuel 0");
        };
        assertThat(KERNEL.attach(d, (PacketFilter) (c, p, l) -> 0, outOfFuel)).isEqualTo(Status.OK);
        byte[] packet = new byte[77];
        assertThat(KERNEL.receive(packet)).as("default: deliver whole").isEqualTo(77);
        assertThat(KERNEL.isAborted(d)).isTrue();
        assertThat(KERNEL.aborts()).singleElement().satisfies(a -> {
            assertThat(a.trap().kind()).isEqualTo(Trap.Kind.FUEL_EXHAUSTED);
            assertThat(a.trap().domain()).isEqualTo(d.id());
        });
        assertThat(KERNEL.structures().hookTable().aborts(Hook.PACKET_FILTER)).isEqualTo(1);
        assertThat(oracle.judge().violations()).isEmpty();
    }

    @Test
    void aProtectedCrossingUndoesWhatAFailingInvocationDid() {
        EventHandler failing = TestKernels.handler(ctx -> {
            ctx.lock(6);
            ctx.bindFrame();
            ctx.sendPacket(ctx.segmentBase(), 32);
            throw new IllegalStateException("bug after taking a lock");
        });
        assertThat(KERNEL.attach(d, failing, new ProtectedCrossing(KERNEL))).isEqualTo(Status.OK);
        long txTail = KERNEL.structures().txRing().tail();
        assertThat(KERNEL.dispatch(Event.TIMER, 0)).as("default timer answer").isEqualTo(KERNEL.time());
        assertThat(KERNEL.structures().lockTable().owner(6)).isZero();
        assertThat(KERNEL.structures().txRing().tail()).isEqualTo(txTail);
        assertThat(KERNEL.aborts()).singleElement()
                .satisfies(a -> assertThat(a.trap().getMessage()).startsWith("uncaught exception: ").contains("bug after taking a lock"));
        assertThat(oracle.judge().violations()).isEmpty();
    }

    /** Binds frames at start; gives back {@code generosity} of whatever is asked. */
    private static final class Stingy implements LibraryOs {
        private final int generosity;
        private final int[] frames = new int[8];
        private int count;

        Stingy(int generosity) {
            this.generosity = generosity;
        }

        @Override
        public void start(Context ctx) {
            for (int i = 0; i < 6; i++) {
                frames[count++] = ctx.bindFrame();
            }
        }

        @Override
        public int revoke(Context ctx, int wanted) {
            int released = 0;
            while (released < Math.min(wanted, generosity) && count > 0) {
                ctx.releaseFrame(frames[--count]);
                released++;
            }
            return released;
        }
    }

    @Test
    void anUncooperativeLibraryOsLosesAllItsFramesByForce() {
        assertThat(KERNEL.attach(d, new Stingy(0), Crossing.DIRECT)).isEqualTo(Status.OK);
        assertThat(KERNEL.startLibraryOs(d)).isEqualTo(6);
        assertThat(KERNEL.revoke(d, 2)).as("all six reclaimed").isEqualTo(6);
        assertThat(KERNEL.aborts()).singleElement().satisfies(a -> {
            assertThat(a.trap().kind()).isEqualTo(Trap.Kind.REVOCATION_TIMEOUT);
            assertThat(a.trap().getMessage()).startsWith("revocation timeout: ").contains("released 0 of 2");
        });
        assertThat(KERNEL.structures().segmentTable().framesBound(d.id())).isZero();
        assertThat(oracle.judge().violations()).isEmpty();
    }

    @Test
    void aLibraryOsThatReleasesTooFewIsAbortedToo() {
        assertThat(KERNEL.attach(d, new Stingy(1), Crossing.DIRECT)).isEqualTo(Status.OK);
        KERNEL.startLibraryOs(d);
        assertThat(KERNEL.revoke(d, 3)).isEqualTo(6);
        assertThat(KERNEL.aborts()).singleElement().satisfies(a -> assertThat(a.trap().getMessage()).contains("released 1 of 3"));
    }

    @Test
    void aCooperativeLibraryOsKeepsTheRest() {
        assertThat(KERNEL.attach(d, new Stingy(8), Crossing.DIRECT)).isEqualTo(Status.OK);
        KERNEL.startLibraryOs(d);
        assertThat(KERNEL.revoke(d, 4)).isEqualTo(4);
        assertThat(KERNEL.aborts()).isEmpty();
        assertThat(KERNEL.structures().segmentTable().framesBound(d.id())).isEqualTo(2);
    }

    @Test
    void aLibraryOsAbortedDuringRevocationLosesItsFrames() {
        Crossing trapsOnSecondCall = new Crossing() {
            private int calls;

            @Override
            public long enter(Domain domain, DomainCall call) {
                if (++calls == 2) {
                    throw new Trap(Trap.Kind.FUEL_EXHAUSTED, -1, "", "in revoke");
                }
                return call.run();
            }
        };
        assertThat(KERNEL.attach(d, new Stingy(8), trapsOnSecondCall)).isEqualTo(Status.OK);
        assertThat(KERNEL.startLibraryOs(d)).isEqualTo(6);
        assertThat(KERNEL.revoke(d, 1)).isEqualTo(6);
        assertThat(KERNEL.aborts()).singleElement().satisfies(a -> assertThat(a.trap().kind()).isEqualTo(Trap.Kind.FUEL_EXHAUSTED));
        assertThat(oracle.judge().violations()).isEmpty();
    }
}
