package testbed.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import testbed.kernel.api.Context;
import testbed.kernel.api.Event;
import testbed.kernel.api.EventHandler;
import testbed.kernel.api.EvictionPolicy;
import testbed.kernel.api.Hook;
import testbed.kernel.api.PacketFilter;
import testbed.kernel.api.ReadFilter;
import testbed.kernel.api.Status;

/** Each hook's workload: what extensions see, what their answers do, and the default policies. */
class HookWorkloadTest {
    private static final Kernel KERNEL = TestKernels.boot();
    private static final Snapshot CLEAN = KERNEL.snapshot();

    @BeforeEach
    void restore() {
        KERNEL.restore(CLEAN);
    }

    private static Domain attached(Object extension) {
        return attached(extension, Crossing.DIRECT);
    }

    private static Domain attached(Object extension, Crossing crossing) {
        Domain d = KERNEL.createDomain("ext", DomainSpec.segment(8 << 10).allowAll());
        assertThat(KERNEL.attach(d, extension, crossing)).isEqualTo(Status.OK);
        return d;
    }

    private static byte[] packet(int length, int seed) {
        byte[] p = new byte[length];
        for (int i = 0; i < length; i++) {
            p[i] = (byte) (seed + i * 7);
        }
        return p;
    }

    // ---- NIC

    @Test
    void withNoFilterAPacketIsDeliveredWholeToTheSocketQueue() {
        byte[] p = packet(300, 1);
        long tail = KERNEL.structures().socketQueue().tail();
        assertThat(KERNEL.receive(p)).isEqualTo(300);
        assertThat(KERNEL.structures().socketQueue().tail()).isEqualTo(tail + 1);
        byte[] got = new byte[KernelConfig.MAX_PACKET];
        for (int i = 0; i < 4; i++) {
            KERNEL.recv(got); // the packets accepted at boot
        }
        assertThat(KERNEL.recv(got)).isEqualTo(300);
        assertThat(Arrays.copyOf(got, 300)).isEqualTo(p);
        assertThat(KERNEL.recv(got)).isEqualTo(Status.ENOENT);
        assertThat(KERNEL.structures().hookTable().defaults(Hook.PACKET_FILTER)).isPositive();
    }

    @Test
    void aFilterSeesThePacketInItsWindowAndChoosesHowMuchToDeliver() {
        byte[] p = packet(200, 5);
        byte[] seen = new byte[200];
        Domain d = attached((PacketFilter) (ctx, packet, length) -> {
            for (int i = 0; i < length; i++) {
                seen[i] = ctx.memory().load8(packet + i);
            }
            return 40;
        });
        assertThat(KERNEL.receive(p)).isEqualTo(40);
        assertThat(seen).isEqualTo(p);
        long newest = KERNEL.structures().socketQueue().tail() - 1;
        assertThat(KERNEL.structures().socketQueue().recordedLength(newest)).isEqualTo(40);
        assertThat(KERNEL.structures().hookTable().calls(Hook.PACKET_FILTER)).isEqualTo(1);
        assertThat(d.window()).isEqualTo(d.segment().base());
    }

    @Test
    void zeroDropsABadAnswerDropsAndTheFirstPositiveAnswerWins() {
        attached((PacketFilter) (ctx, packet, length) -> 0);
        assertThat(KERNEL.receive(packet(100, 0))).isZero();
        attached((PacketFilter) (ctx, packet, length) -> 30);
        attached((PacketFilter) (ctx, packet, length) -> 60);
        assertThat(KERNEL.receive(packet(100, 0))).isEqualTo(30);
        KERNEL.restore(CLEAN);
        attached((PacketFilter) (ctx, packet, length) -> length + 1);
        assertThat(KERNEL.receive(packet(100, 0))).isZero();
        attached((PacketFilter) (ctx, packet, length) -> -3);
        assertThat(KERNEL.receive(packet(100, 0))).isZero();
        assertThat(KERNEL.structures().hookTable().badAnswers(Hook.PACKET_FILTER)).isEqualTo(2);
    }

    @Test
    void sendPacketQueuesOnTheTransmitRing() {
        attached((PacketFilter) (ctx, packet, length) -> ctx.sendPacket(packet, 10) == Status.OK ? length : 0);
        byte[] p = packet(90, 3);
        assertThat(KERNEL.receive(p)).isEqualTo(90);
        byte[] wire = new byte[KernelConfig.MAX_PACKET];
        assertThat(KERNEL.transmit(wire)).isEqualTo(10);
        assertThat(Arrays.copyOf(wire, 10)).isEqualTo(Arrays.copyOf(p, 10));
        assertThat(KERNEL.transmit(wire)).isEqualTo(Status.ENOENT);
    }

    @Test
    void aFullSocketQueueRefusesPackets() {
        int free = (int) (KERNEL.structures().socketQueue().slots() - (KERNEL.structures().socketQueue().tail() - KERNEL.structures().socketQueue().head()));
        for (int i = 0; i < free; i++) {
            assertThat(KERNEL.receive(packet(64, i))).isEqualTo(64);
        }
        assertThat(KERNEL.receive(packet(64, 0))).isEqualTo(Status.ENOMEM);
    }

    @Test
    void underDirectCrossingAnExtensionsExceptionPropagatesOutOfTheKernel() {
        attached((PacketFilter) (ctx, packet, length) -> {
            throw new IllegalStateException("filter bug");
        });
        assertThatThrownBy(() -> KERNEL.receive(packet(64, 0))).isInstanceOf(IllegalStateException.class).hasMessage("filter bug");
    }

    // ---- ExtOS read

    @Test
    void aReadFilterKeepsAPrefixOfEachBlockAndTheRestNeverReachesTheCaller() {
        int bs = KERNEL.config().blockSize();
        Domain d = attached((ReadFilter) (ctx, buffer, length) -> Math.min(length, 10));
        byte[] filtered = new byte[3 * bs];
        byte[] raw = new byte[3 * bs];
        assertThat(KERNEL.read(1, bs - 5, raw, 2 * bs, null)).isEqualTo(2 * bs);
        assertThat(KERNEL.read(1, bs - 5, filtered, 2 * bs, d)).as("5 + 10 + 10 kept of 3 chunks").isEqualTo(25);
        assertThat(Arrays.copyOf(filtered, 5)).isEqualTo(Arrays.copyOfRange(raw, 0, 5));
        assertThat(Arrays.copyOfRange(filtered, 5, 15)).isEqualTo(Arrays.copyOfRange(raw, 5, 15));
        assertThat(Arrays.copyOfRange(filtered, 15, 25)).isEqualTo(Arrays.copyOfRange(raw, bs + 5, bs + 15));
    }

    @Test
    void aBadReadFilterAnswerOrAnUnattachedFilterMeansUnfilteredData() {
        Domain bad = attached((ReadFilter) (ctx, buffer, length) -> length + 1);
        Domain unattached = KERNEL.createDomain("idle", DomainSpec.segment(8 << 10).allowAll());
        byte[] raw = new byte[100];
        byte[] a = new byte[100];
        byte[] b = new byte[100];
        KERNEL.read(0, 0, raw, 100, null);
        assertThat(KERNEL.read(0, 0, a, 100, bad)).isEqualTo(100);
        assertThat(KERNEL.read(0, 0, b, 100, unattached)).isEqualTo(100);
        assertThat(a).isEqualTo(raw);
        assertThat(b).isEqualTo(raw);
        assertThat(KERNEL.structures().hookTable().badAnswers(Hook.READ_FILTER)).isEqualTo(1);
    }

    @Test
    void readsStopAtTheEndOfTheFile() {
        long size = KERNEL.config().fileSize();
        byte[] buffer = new byte[100];
        assertThat(KERNEL.read(2, size - 30, buffer, 100, null)).isEqualTo(30);
        assertThat(KERNEL.read(2, size, buffer, 100, null)).isZero();
        assertThat(KERNEL.read(2, size + 5000, buffer, 100, null)).isZero();
    }

    @Test
    void writtenDataSurvivesEvictionAndReachesTheDisk() {
        byte[] data = packet(700, 9);
        assertThat(KERNEL.write(3, 1000, data, data.length)).isEqualTo(700);
        byte[] buffer = new byte[(int) KERNEL.config().fileSize()];
        for (int f = 0; f < KERNEL.config().files(); f++) {
            if (f != 3) {
                KERNEL.read(f, 0, buffer, buffer.length, null);
            }
        }
        assertThat(KERNEL.structures().bufferCache().find(3, 0)).as("evicted").isNegative();
        byte[] back = new byte[700];
        assertThat(KERNEL.read(3, 1000, back, 700, null)).isEqualTo(700);
        assertThat(back).isEqualTo(data);
        int bs = KERNEL.config().blockSize();
        assertThat(Arrays.copyOfRange(KERNEL.structures().disk().block(3, 0), 1000, bs)).isEqualTo(Arrays.copyOf(data, bs - 1000));
    }

    // ---- VINO eviction graft

    @Test
    void theEvictionPolicyChoosesTheVictimFromRecordsInItsWindow() {
        long[] offered = new long[2];
        EvictionPolicy newestFirst = (ctx, candidates, count) -> {
            offered[0] = count;
            offered[1] = ctx.memory().load64(candidates + 16L * (count - 1));
            return count - 1;
        };
        int bs = KERNEL.config().blockSize();
        byte[] buffer = new byte[bs];
        fillCache(buffer);
        attached(newestFirst);
        KERNEL.read(2, 0, buffer, bs, null); // most recently used now
        KERNEL.read(3, 7 * bs, buffer, bs, null); // a miss: evicts
        assertThat(offered[0]).isEqualTo(Math.min(Kernel.MAX_CANDIDATES, KERNEL.config().cacheBlocks()));
        assertThat(offered[1]).isEqualTo(Kernel.blockKey(2, 0));
        assertThat(KERNEL.structures().bufferCache().find(2, 0)).as("the policy's victim").isNegative();
    }

    @Test
    void aBadEvictionAnswerFallsBackToLeastRecentlyUsed() {
        int bs = KERNEL.config().blockSize();
        byte[] buffer = new byte[bs];
        fillCache(buffer);
        attached((EvictionPolicy) (ctx, candidates, count) -> count);
        int oldest = -1;
        long use = Long.MAX_VALUE;
        for (int e = 0; e < KERNEL.structures().bufferCache().entries(); e++) {
            if (KERNEL.structures().bufferCache().lastUse(e) < use) {
                use = KERNEL.structures().bufferCache().lastUse(e);
                oldest = e;
            }
        }
        int file = KERNEL.structures().bufferCache().file(oldest);
        int block = KERNEL.structures().bufferCache().block(oldest);
        KERNEL.read(3, 7 * bs, buffer, bs, null);
        assertThat(KERNEL.structures().bufferCache().find(file, block)).isNegative();
        assertThat(KERNEL.structures().hookTable().badAnswers(Hook.EVICTION_POLICY)).isEqualTo(1);
    }

    /** Reads blocks until every cache entry is in use, without touching file 3 block 7. */
    private static void fillCache(byte[] buffer) {
        int bs = KERNEL.config().blockSize();
        for (int b = 0; b < KERNEL.config().fileBlocks() && KERNEL.structures().bufferCache().find(3, 7) < 0; b++) {
            for (int f = 0; f < 3; f++) {
                KERNEL.read(f, (long) b * bs, buffer, bs, null);
            }
        }
        for (int e = 0; e < KERNEL.structures().bufferCache().entries(); e++) {
            assertThat(KERNEL.structures().bufferCache().state(e)).isNotEqualTo(BufferCache.EMPTY);
        }
        assertThat(KERNEL.structures().bufferCache().find(3, 7)).isNegative();
    }

    // ---- SPIN dispatcher

    @Test
    void withNoHandlerTheDefaultImplementationAnswers() {
        assertThat(KERNEL.dispatch(Event.TIMER, 0)).isEqualTo(KERNEL.time());
        assertThat(KERNEL.dispatch(Event.PACKET_ARRIVED, 99)).isEqualTo(99);
        assertThat(KERNEL.dispatch(Event.PAGE_FAULT, 4096)).isZero();
        assertThat(KERNEL.dispatch(Event.PAGE_FAULT, -1)).isEqualTo(Status.EFAULT);
        assertThat(KERNEL.dispatch(12345, 0)).isEqualTo(Status.EINVAL);
    }

    @Test
    void guardsChooseTheHandlersAndTheLastResultWins() {
        attached(guarded(Event.PAGE_FAULT, 11));
        attached(guarded(Event.PACKET_ARRIVED, 22));
        attached(guarded(Event.PACKET_ARRIVED, 33));
        assertThat(KERNEL.dispatch(Event.PAGE_FAULT, 0)).isEqualTo(11);
        assertThat(KERNEL.dispatch(Event.PACKET_ARRIVED, 0)).isEqualTo(33);
        assertThat(KERNEL.dispatch(Event.TIMER, 0)).as("no guard accepts").isEqualTo(KERNEL.time());
        attached(guarded(Event.TIMER, -2));
        assertThat(KERNEL.dispatch(Event.TIMER, 0)).as("a negative answer is bad").isEqualTo(KERNEL.time());
        assertThat(KERNEL.structures().hookTable().badAnswers(Hook.EVENT_HANDLER)).isEqualTo(1);
    }

    @Test
    void theCanaryAnswersItsEventThroughTheDispatcher() {
        long direct = new Canary().handle(KERNEL.canary().context(), Canary.EVENT, 7);
        assertThat(KERNEL.dispatch(Canary.EVENT, 7)).isEqualTo(direct).isNotNegative();
    }

    private static EventHandler guarded(int wanted, long answer) {
        return new EventHandler() {
            @Override
            public boolean guard(Context ctx, int event, long argument) {
                return event == wanted;
            }

            @Override
            public long handle(Context ctx, int event, long argument) {
                return answer;
            }
        };
    }

    // ---- hook table

    @Test
    void aHookTakesAtMostItsSlotsAndADomainOnlyOnce() {
        PacketFilter all = (ctx, packet, length) -> length;
        Domain first = attached(all);
        assertThat(KERNEL.attach(first, all, Crossing.DIRECT)).isEqualTo(Status.EBUSY);
        for (int i = 1; i < HookTable.SLOTS; i++) {
            attached(all);
        }
        Domain extra = KERNEL.createDomain("extra", DomainSpec.segment(4096).allowAll());
        assertThat(KERNEL.attach(extra, all, Crossing.DIRECT)).isEqualTo(Status.ENOMEM);
        assertThat(KERNEL.detach(first, Hook.PACKET_FILTER)).isEqualTo(Status.OK);
        assertThat(KERNEL.attach(extra, all, Crossing.DIRECT)).isEqualTo(Status.OK);
        assertThat(KERNEL.structures().hookTable().slot(Hook.PACKET_FILTER, HookTable.SLOTS - 1)).isEqualTo(extra.id());
    }
}
