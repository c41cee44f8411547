package testbed.kernel.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import testbed.kernel.BufferCache;
import testbed.kernel.Capability;
import testbed.kernel.Crossing;
import testbed.kernel.Domain;
import testbed.kernel.DomainSpec;
import testbed.kernel.FrameTable;
import testbed.kernel.Kernel;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.Region;
import testbed.kernel.Snapshot;
import testbed.kernel.TestKernels;
import testbed.kernel.api.Event;
import testbed.kernel.api.Status;

/**
 * The oracle is not blind: extensions run with no protection at all ({@link Crossing#DIRECT})
 * that damage the kernel are caught, each with the right kind, place and culprit.
 */
class OracleDetectsDamageTest {
    private static final Kernel KERNEL = TestKernels.boot();
    private static final Snapshot CLEAN = KERNEL.snapshot();
    private final Oracle oracle = Oracle.watching(KERNEL).thorough();
    private Domain rogue;

    @BeforeEach
    void restore() {
        KERNEL.restore(CLEAN);
        rogue = KERNEL.createDomain("rogue", DomainSpec.segment(16 << 10).allow(Capability.EVENT_HANDLER, Capability.LOCK));
    }

    /** Attaches a handler doing {@code body} to the dispatcher, takes the baseline, raises one event, judges. */
    private Verdict trial(TestKernels.Body body) {
        assertThat(KERNEL.attach(rogue, TestKernels.handler(body), Crossing.DIRECT)).isEqualTo(Status.OK);
        oracle.baseline();
        KERNEL.dispatch(Event.TIMER, 0);
        return oracle.judge();
    }

    @Test
    void aWildStoreIntoTheFrameTableIsFoundThere() {
        int frame = KERNEL.layout().pages() - 1;
        long entry = KERNEL.structures().frameTable().entryAddress(frame);
        Verdict v = trial(ctx -> {
            ctx.memory().store16(entry, (short) (FrameTable.BOUND | rogue.id() << 8));
            return 0;
        });
        assertThat(v.of(Violation.Kind.WILD_STORE)).singleElement().satisfies(w -> {
            assertThat(w.region()).isEqualTo(Region.FRAME_TABLE.name());
            assertThat(w.address()).isEqualTo(entry);
            assertThat(w.page()).isEqualTo((int) (entry >>> PhysicalMemory.PAGE_SHIFT));
            assertThat(w.domain()).isEqualTo(rogue.id());
        });
        assertThat(v.of(Violation.Kind.INCONSISTENT_STRUCTURE))
                .anySatisfy(w -> assertThat(w.region()).isEqualTo(Region.FRAME_TABLE.name()));
    }

    @Test
    void aWildStoreIntoAnotherDomainsSegmentIsFoundThere() {
        Domain victim = KERNEL.createDomain("victim", DomainSpec.segment(8 << 10));
        long target = victim.heapBase() + 40;
        Verdict v = trial(ctx -> {
            ctx.memory().store64(target, 0xBADL);
            return 0;
        });
        assertThat(v.of(Violation.Kind.WILD_STORE)).singleElement().satisfies(w -> {
            assertThat(w.region()).isEqualTo(Kernel.segmentPlace(victim));
            assertThat(w.address()).isEqualTo(target);
            assertThat(w.domain()).isEqualTo(rogue.id());
        });
        assertThat(v.kinds()).containsOnly(Violation.Kind.WILD_STORE);
    }

    @Test
    void aWildStoreIntoTheCanaryChangesItsSegmentAndItsAnswer() {
        long target = KERNEL.canary().heapBase() + 8;
        Verdict v = trial(ctx -> {
            ctx.memory().store32(target, 0);
            return 0;
        });
        assertThat(v.of(Violation.Kind.WILD_STORE)).singleElement()
                .satisfies(w -> assertThat(w.region()).isEqualTo("SEGMENT 1 (canary)"));
        assertThat(v.kinds()).contains(Violation.Kind.CANARY_CHANGED, Violation.Kind.CANARY_WRONG_ANSWER);
    }

    @Test
    void aWildStoreIntoADirtyCachedBlockLosesItsData() {
        BufferCache cache = KERNEL.structures().bufferCache();
        int dirty = -1;
        for (int e = 0; e < cache.entries() && dirty < 0; e++) {
            if (cache.state(e) == BufferCache.DIRTY) {
                dirty = e;
            }
        }
        assertThat(dirty).as("boot leaves dirty blocks").isNotNegative();
        int file = cache.file(dirty);
        int block = cache.block(dirty);
        long target = cache.dataAddress(dirty) + 100;
        Verdict v = trial(ctx -> {
            ctx.memory().store64(target, ~ctx.memory().load64(target));
            return 0;
        });
        assertThat(v.of(Violation.Kind.WILD_STORE)).singleElement()
                .satisfies(w -> assertThat(w.region()).isEqualTo(Region.BUFFER_CACHE.name()));
        assertThat(v.of(Violation.Kind.DATA_LOST)).singleElement()
                .satisfies(w -> assertThat(w.detail()).contains("file " + file + " block " + block).contains("dirty"));
    }

    @Test
    void aForgedFreeOfAFrameTheDomainDoesNotOwnIsInconsistent() {
        int canaryFrame = (int) (KERNEL.canary().segment().base() >>> PhysicalMemory.PAGE_SHIFT);
        long entry = KERNEL.structures().frameTable().entryAddress(canaryFrame);
        Verdict v = trial(ctx -> {
            ctx.memory().store16(entry, (short) FrameTable.FREE);
            return 0;
        });
        assertThat(v.of(Violation.Kind.WILD_STORE)).singleElement()
                .satisfies(w -> assertThat(w.region()).isEqualTo(Region.FRAME_TABLE.name()));
        assertThat(v.of(Violation.Kind.INCONSISTENT_STRUCTURE)).singleElement().satisfies(w -> {
            assertThat(w.address()).isEqualTo(entry);
            assertThat(w.detail()).contains("frame " + canaryFrame).contains("forged free");
        });
    }

    @Test
    void aLockNeverReleasedIsALeak() {
        Verdict v = trial(ctx -> ctx.lock(3));
        assertThat(v.kinds()).containsOnly(Violation.Kind.LEAKED_LOCK);
        assertThat(v.of(Violation.Kind.LEAKED_LOCK)).singleElement().satisfies(w -> {
            assertThat(w.region()).isEqualTo(Region.LOCK_TABLE.name());
            assertThat(w.domain()).isEqualTo(rogue.id());
            assertThat(w.address()).isEqualTo(KERNEL.structures().lockTable().recordAddress(3));
        });
    }

    @Test
    void aWildLoadIsReportedButIsNoDamage() {
        long header = KERNEL.layout().base(Region.HEADER);
        Verdict v = trial(ctx -> ctx.memory().load64(header));
        assertThat(v.isClean()).isFalse();
        assertThat(v.isIntact()).isTrue();
        assertThat(v.of(Violation.Kind.WILD_LOAD)).singleElement()
                .satisfies(w -> assertThat(w.region()).isEqualTo(Region.HEADER.name()));
    }

    @Test
    void wipingTheHookTableStopsTheKernelCallingTheDomainAndFsckSeesIt() {
        long slots = KERNEL.structures().hookTable().recordAddress(testbed.kernel.api.Hook.EVENT_HANDLER);
        Verdict v = trial(ctx -> {
            ctx.memory().store32(slots, 0);
            return 0;
        });
        assertThat(v.of(Violation.Kind.INCONSISTENT_STRUCTURE))
                .anySatisfy(w -> assertThat(w.detail()).contains("missing from the hook table"));
        assertThat(v.of(Violation.Kind.LIVENESS)).anySatisfy(w -> assertThat(w.detail()).contains("canary"));
    }

    @Test
    void aWriteThatBypassesTheMonitorIsFoundByChecksums() throws ReflectiveOperationException {
        Field ram = PhysicalMemory.class.getDeclaredField("ram");
        ram.setAccessible(true);
        byte[] bytes = (byte[]) ram.get(KERNEL.memory());
        // A page the trial does not store to: in pages the kernel writes, only fsck can judge content.
        long target = KERNEL.layout().base(Region.KERNEL_LOG) + 100;
        Verdict v = trial(ctx -> {
            bytes[(int) target] ^= 0x40; // what reflection in an unprotected extension can do
            return 0;
        });
        assertThat(v.of(Violation.Kind.CORRUPTED_PAGE)).singleElement()
                .satisfies(w -> assertThat(w.region()).isEqualTo(Region.KERNEL_LOG.name()));
        KERNEL.restoreFully(CLEAN);
    }

    @Test
    void samplingFindsABypassingWriteWithinOneRotation() throws ReflectiveOperationException {
        Field ram = PhysicalMemory.class.getDeclaredField("ram");
        ram.setAccessible(true);
        byte[] bytes = (byte[]) ram.get(KERNEL.memory());
        Oracle sampling = Oracle.watching(KERNEL);
        int page = KERNEL.layout().pages() - 3;
        bytes[page << PhysicalMemory.PAGE_SHIFT] ^= 1;
        int rotations = KERNEL.layout().pages() / Oracle.DEFAULT_SAMPLE + 1;
        boolean found = false;
        for (int i = 0; i < rotations && !found; i++) {
            KERNEL.restore(CLEAN);
            sampling.baseline();
            found = sampling.judge().of(Violation.Kind.CORRUPTED_PAGE).stream().anyMatch(w -> w.page() == page);
        }
        KERNEL.restoreFully(CLEAN);
        assertThat(found).isTrue();
    }
}
