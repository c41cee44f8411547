package testbed.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import testbed.kernel.api.Context;
import testbed.kernel.api.EventHandler;
import testbed.kernel.api.Hook;
import testbed.kernel.api.PacketFilter;
import testbed.kernel.api.Status;
import testbed.kernel.oracle.Oracle;
import testbed.kernel.oracle.Verdict;

/**
 * Bad input never throws from a helper and never changes the kernel: every helper and kernel call
 * with bad arguments returns a status (or throws a {@link KernelException} naming the problem),
 * and afterwards the oracle, fsck included, finds the kernel exactly as it was.
 */
class HelperArgumentsTest {
    private static final Kernel KERNEL = TestKernels.boot();
    private static final Snapshot CLEAN = KERNEL.snapshot();
    private final Oracle oracle = Oracle.watching(KERNEL).thorough();
    private Domain d;
    private Context ctx;
    private Domain other;

    @BeforeEach
    void setUp() {
        KERNEL.restore(CLEAN);
        d = KERNEL.createDomain("caller", DomainSpec.segment(16 << 10).allowAll().frames(2).locks(2).heap(4096));
        ctx = d.context();
        other = KERNEL.createDomain("other", DomainSpec.segment(8 << 10).allowAll());
        assertThat(other.context().lock(7)).isEqualTo(Status.OK);
        int frame = other.context().bindFrame();
        assertThat(frame).isPositive();
        oracle.baseline();
    }

    @AfterEach
    void kernelIsUnchanged() {
        Verdict v = oracle.judge();
        assertThat(v.violations()).as("bad calls changed the kernel").isEmpty();
    }

    @Test
    void allocAndFreeRefuseBadSizesAndForeignAddresses() {
        assertThat(ctx.alloc(0)).isEqualTo(Status.EINVAL);
        assertThat(ctx.alloc(-8)).isEqualTo(Status.EINVAL);
        assertThat(ctx.alloc(Long.MAX_VALUE)).isEqualTo(Status.EINVAL);
        assertThat(ctx.alloc(8192)).as("over the heap quota").isEqualTo(Status.ENOMEM);
        assertThat(ctx.free(0)).isEqualTo(Status.ENOENT);
        assertThat(ctx.free(-1)).isEqualTo(Status.ENOENT);
        assertThat(ctx.free(d.heapBase())).as("nothing allocated there").isEqualTo(Status.ENOENT);
        assertThat(ctx.free(other.heapBase())).isEqualTo(Status.ENOENT);
        assertThat(ctx.free(KERNEL.layout().base(Region.FRAME_TABLE))).isEqualTo(Status.ENOENT);
    }

    @Test
    void sendPacketAndLogRefuseBadLengthsAndAddressesOutsideTheSegment() {
        long base = d.segment().base();
        assertThat(ctx.sendPacket(base, 0)).isEqualTo(Status.EINVAL);
        assertThat(ctx.sendPacket(base, -1)).isEqualTo(Status.EINVAL);
        assertThat(ctx.sendPacket(base, KernelConfig.MAX_PACKET + 1)).isEqualTo(Status.EINVAL);
        assertThat(ctx.sendPacket(other.segment().base(), 64)).isEqualTo(Status.EFAULT);
        assertThat(ctx.sendPacket(d.segment().end() - 10, 64)).as("straddles the end").isEqualTo(Status.EFAULT);
        assertThat(ctx.sendPacket(Long.MAX_VALUE - 5, 64)).isEqualTo(Status.EFAULT);
        assertThat(ctx.sendPacket(-64, 64)).isEqualTo(Status.EFAULT);
        assertThat(ctx.log(base, -1)).isEqualTo(Status.EINVAL);
        assertThat(ctx.log(base, KernelLog.MAX_MESSAGE + 1)).isEqualTo(Status.EINVAL);
        assertThat(ctx.log(KERNEL.layout().base(Region.HEADER), 16)).isEqualTo(Status.EFAULT);
        assertThat(ctx.log(d.segment().end(), 1)).isEqualTo(Status.EFAULT);
    }

    @Test
    void locksRefuseBadIdsForeignUnlocksAndDoubleLocking() {
        assertThat(ctx.lock(-1)).isEqualTo(Status.EINVAL);
        assertThat(ctx.lock(KERNEL.structures().lockTable().count())).isEqualTo(Status.EINVAL);
        assertThat(ctx.unlock(-1)).isEqualTo(Status.EINVAL);
        assertThat(ctx.lock(7)).as("held by the other domain").isEqualTo(Status.EBUSY);
        assertThat(ctx.unlock(7)).as("not the holder").isEqualTo(Status.EPERM);
        assertThat(ctx.unlock(8)).as("free lock").isEqualTo(Status.EPERM);
        assertThat(ctx.lock(1)).isEqualTo(Status.OK);
        assertThat(ctx.lock(1)).isEqualTo(Status.EDEADLK);
        assertThat(ctx.lock(2)).isEqualTo(Status.OK);
        assertThat(ctx.lock(3)).as("over the lock quota").isEqualTo(Status.ENOMEM);
        assertThat(ctx.unlock(2)).isEqualTo(Status.OK);
        assertThat(ctx.unlock(1)).isEqualTo(Status.OK);
    }

    @Test
    void framesRefuseBadNumbersForeignFramesAndQuotaOverruns() {
        int othersFrame = findBoundFrame(other.id());
        assertThat(ctx.releaseFrame(-1)).isEqualTo(Status.EINVAL);
        assertThat(ctx.releaseFrame(KERNEL.layout().pages())).isEqualTo(Status.EINVAL);
        assertThat(ctx.releaseFrame(othersFrame)).isEqualTo(Status.EPERM);
        assertThat(ctx.releaseFrame(0)).as("a kernel frame").isEqualTo(Status.EPERM);
        assertThat(ctx.releaseFrame((int) (d.segment().base() >>> 12))).as("its own segment frame").isEqualTo(Status.EPERM);
        int a = ctx.bindFrame();
        int b = ctx.bindFrame();
        assertThat(a).isPositive();
        assertThat(b).isPositive();
        assertThat(ctx.bindFrame()).as("over the frame quota").isEqualTo(Status.ENOMEM);
        assertThat(ctx.releaseFrame(a)).isEqualTo(Status.OK);
        assertThat(ctx.releaseFrame(a)).as("released twice").isEqualTo(Status.EPERM);
        assertThat(ctx.releaseFrame(b)).isEqualTo(Status.OK);
    }

    @Test
    void everyHelperWithoutItsCapabilityAnswersEperm() {
        Domain bare = KERNEL.createDomain("bare", DomainSpec.segment(8 << 10));
        Context c = bare.context();
        long base = bare.segment().base();
        assertThat(c.alloc(16)).isEqualTo(Status.EPERM);
        assertThat(c.free(base)).isEqualTo(Status.EPERM);
        assertThat(c.sendPacket(base, 10)).isEqualTo(Status.EPERM);
        assertThat(c.log(base, 10)).isEqualTo(Status.EPERM);
        assertThat(c.lock(1)).isEqualTo(Status.EPERM);
        assertThat(c.unlock(1)).isEqualTo(Status.EPERM);
        assertThat(c.time()).isEqualTo(Status.EPERM);
        assertThat(c.bindFrame()).isEqualTo(Status.EPERM);
        assertThat(c.releaseFrame(5)).isEqualTo(Status.EPERM);
        assertThat(KERNEL.attach(bare, (PacketFilter) (x, p, l) -> l, Crossing.DIRECT)).isEqualTo(Status.EPERM);
        KERNEL.destroyDomain(bare);
        assertThat(c.alloc(16)).as("a destroyed domain's context").isEqualTo(Status.EPERM);
        assertThat(c.time()).isEqualTo(Status.EPERM);
    }

    @Test
    void createDomainRefusesBadSpecsWithAMessage() {
        assertCreateFails("x", DomainSpec.segment(12 << 10), Status.EINVAL, "not a power of two");
        assertCreateFails("x", DomainSpec.segment(2048), Status.EINVAL, "at least 4096");
        assertCreateFails("x", DomainSpec.segment(0), Status.EINVAL, "power of two");
        assertCreateFails("x", DomainSpec.segment(-4096), Status.EINVAL, "power of two");
        assertCreateFails("x", DomainSpec.segment(1L << 40), Status.EINVAL, "exceeds the domain arena");
        assertCreateFails("x", DomainSpec.segment(4096).frames(-1), Status.EINVAL, "quotas");
        assertCreateFails("x", DomainSpec.segment(4096).heap(-1), Status.EINVAL, "quotas");
        assertCreateFails("", DomainSpec.segment(4096), Status.EINVAL, "name");
        assertCreateFails(null, DomainSpec.segment(4096), Status.EINVAL, "name");
        assertCreateFails("x", null, Status.EINVAL, "spec");
        assertThatThrownBy(() -> new DomainSpec(4096, null, 0, 0, 0)).hasMessageContaining("capabilities");
    }

    private static void assertCreateFails(String name, DomainSpec spec, int status, String message) {
        assertThatThrownBy(() -> KERNEL.createDomain(name, spec))
                .isInstanceOf(KernelException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((KernelException) e).status()).isEqualTo(status));
    }

    @Test
    void kernelCallsRefuseForeignDomainsAndBadExtensions() {
        Kernel elsewhere = TestKernels.boot();
        Domain foreign = elsewhere.createDomain("foreign", DomainSpec.segment(4096).allowAll());
        assertThatThrownBy(() -> KERNEL.destroyDomain(foreign)).isInstanceOf(KernelException.class).hasMessageContaining("not a current domain");
        assertThatThrownBy(() -> KERNEL.destroyDomain(KERNEL.canary())).hasMessageContaining("canary");
        assertThatThrownBy(() -> KERNEL.destroyDomain(null)).hasMessageContaining("null");
        assertThatThrownBy(() -> KERNEL.attach(foreign, (PacketFilter) (x, p, l) -> l, Crossing.DIRECT)).hasMessageContaining("not a current domain");
        assertThatThrownBy(() -> KERNEL.attach(d, "not an extension", Crossing.DIRECT)).hasMessageContaining("implements no hook interface");
        assertThatThrownBy(() -> KERNEL.attach(d, new TwoHooks(), Crossing.DIRECT)).hasMessageContaining("exactly one hook interface");
        assertThatThrownBy(() -> KERNEL.attach(d, (PacketFilter) (x, p, l) -> l, null)).hasMessageContaining("crossing is null");
        assertThatThrownBy(() -> KERNEL.abort(d, null)).hasMessageContaining("trap is null");
        assertThatThrownBy(() -> KERNEL.abort(KERNEL.canary(), new Trap(Trap.Kind.WATCHDOG, 1, "", "x"))).hasMessageContaining("canary");
        assertThatThrownBy(() -> KERNEL.begin(foreign)).hasMessageContaining("not a current domain");
        assertThat(KERNEL.detach(d, Hook.READ_FILTER)).isEqualTo(Status.ENOENT);
        assertThat(KERNEL.detach(KERNEL.canary(), Hook.EVENT_HANDLER)).isEqualTo(Status.EPERM);
        Domain destroyedLater = KERNEL.createDomain("gone", DomainSpec.segment(4096));
        KERNEL.destroyDomain(destroyedLater);
        assertThatThrownBy(() -> KERNEL.destroyDomain(destroyedLater)).hasMessageContaining("not a current domain");
    }

    /** Implements two hook interfaces: refused. */
    private static final class TwoHooks implements PacketFilter, EventHandler {
        @Override
        public int filter(Context c, long packet, int length) {
            return 0;
        }

        @Override
        public boolean guard(Context c, int event, long argument) {
            return false;
        }

        @Override
        public long handle(Context c, int event, long argument) {
            return 0;
        }
    }

    @Test
    void workloadsRefuseBadArguments() {
        byte[] buffer = new byte[64];
        assertThat(KERNEL.receive(null)).isEqualTo(Status.EINVAL);
        assertThat(KERNEL.receive(new byte[0])).isEqualTo(Status.EINVAL);
        assertThat(KERNEL.receive(new byte[KernelConfig.MAX_PACKET + 1])).isEqualTo(Status.EINVAL);
        assertThat(KERNEL.read(-1, 0, buffer, 10, null)).isEqualTo(Status.ENOENT);
        assertThat(KERNEL.read(KERNEL.config().files(), 0, buffer, 10, null)).isEqualTo(Status.ENOENT);
        assertThat(KERNEL.read(0, -1, buffer, 10, null)).isEqualTo(Status.EINVAL);
        assertThat(KERNEL.read(0, 0, buffer, -1, null)).isEqualTo(Status.EINVAL);
        assertThat(KERNEL.read(0, 0, buffer, 65, null)).as("target too short").isEqualTo(Status.EINVAL);
        assertThat(KERNEL.read(0, 0, null, 1, null)).isEqualTo(Status.EINVAL);
        assertThat(KERNEL.write(99, 0, buffer, 10)).isEqualTo(Status.ENOENT);
        assertThat(KERNEL.write(0, -5, buffer, 10)).isEqualTo(Status.EINVAL);
        assertThat(KERNEL.write(0, 0, buffer, 100)).isEqualTo(Status.EINVAL);
        assertThat(KERNEL.revoke(d, -1)).isEqualTo(Status.EINVAL);
        assertThat(KERNEL.recv(null)).isEqualTo(Status.EINVAL);
        assertThat(KERNEL.transmit(null)).isEqualTo(Status.EINVAL);
    }

    @Test
    void hookWorkloadsRefuseDomainsNotAttachedThere() {
        assertThat(KERNEL.revoke(d, 1)).isEqualTo(Status.ENOENT);
        assertThat(KERNEL.startLibraryOs(d)).isEqualTo(Status.ENOENT);
        assertThat(KERNEL.startLibraryOs(null)).isEqualTo(Status.ENOENT);
    }

    @Test
    void anOpenTransactionRefusesASecondOneAndASnapshot() {
        Transaction t = KERNEL.begin(d);
        assertThatThrownBy(() -> KERNEL.begin(other)).isInstanceOf(KernelException.class).hasMessageContaining("still open");
        assertThatThrownBy(KERNEL::snapshot).hasMessageContaining("transaction");
        t.commit();
        assertThatThrownBy(t::rollback).isInstanceOf(IllegalStateException.class).hasMessageContaining("not open");
    }

    private static int findBoundFrame(int owner) {
        FrameTable frames = KERNEL.structures().frameTable();
        for (int f = KERNEL.layout().arenaFirstFrame(); f < frames.frames(); f++) {
            if (frames.use(f) == FrameTable.BOUND && frames.owner(f) == owner) {
                return f;
            }
        }
        throw new AssertionError("no frame bound to " + owner);
    }
}
