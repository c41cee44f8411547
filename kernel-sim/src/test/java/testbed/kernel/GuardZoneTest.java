package testbed.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import testbed.kernel.api.Event;
import testbed.kernel.api.Status;
import testbed.kernel.oracle.Oracle;
import testbed.kernel.oracle.Verdict;
import testbed.kernel.oracle.Violation;

/**
 * Guard zones ({@link DomainSpec#withGuardZone()}): the block a guarded domain gets, the fault on
 * any access touching a guard page, their return with snapshots, and the oracle's view of them:
 * structure-checked as the domain's reservation, yet never counted as its own memory.
 */
class GuardZoneTest {
    private static final int SEGMENT = 16 << 10;
    private static final int PAGES = SEGMENT >>> PhysicalMemory.PAGE_SHIFT;
    private static final Kernel KERNEL = TestKernels.boot();
    private static final Snapshot CLEAN = KERNEL.snapshot();
    private final Oracle oracle = Oracle.watching(KERNEL).thorough();
    private Domain guarded;

    @BeforeEach
    void restore() {
        KERNEL.restoreFully(CLEAN);
        guarded = KERNEL.createDomain("guarded", DomainSpec.segment(SEGMENT).allowAll().withGuardZone());
    }

    private static int firstFrame(Domain d) {
        return (int) (d.segment().base() >>> PhysicalMemory.PAGE_SHIFT);
    }

    private static boolean faults(Runnable access) {
        try {
            access.run();
            return false;
        } catch (MachineCheck e) {
            assertThat(e.guardPage()).isTrue();
            assertThat(e).hasMessageContaining("touches a guard page");
            return true;
        }
    }

    /** Runs {@code body} as the domain through the event hook, unprotected, and judges the trial. */
    private Verdict trial(TestKernels.Body body) {
        assertThat(KERNEL.attach(guarded, TestKernels.handler(body), Crossing.DIRECT)).isEqualTo(Status.OK);
        oracle.baseline();
        KERNEL.dispatch(Event.TIMER, 0);
        return oracle.judge();
    }

    @Test
    void aGuardedDomainTakesABlockTwiceItsSegmentWhoseSecondHalfIsItsGuardZone() {
        FrameTable frames = KERNEL.structures().frameTable();
        int first = firstFrame(guarded);
        assertThat(guarded.segment().size()).isEqualTo(SEGMENT);
        assertThat(first % (2 * PAGES)).as("the block is aligned to its own size").isZero();
        for (int f = first; f < first + 2 * PAGES; f++) {
            assertThat(frames.use(f)).as("frame %d", f).isEqualTo(f < first + PAGES ? FrameTable.SEGMENT : FrameTable.GUARD);
            assertThat(frames.owner(f)).isEqualTo(guarded.id());
            assertThat(KERNEL.memory().isGuard(f)).isEqualTo(f >= first + PAGES);
        }
        assertThat(KERNEL.placeOf(guarded.segment().end())).isEqualTo("GUARD ZONE of " + guarded.id());
        Domain plain = KERNEL.createDomain("plain", DomainSpec.segment(SEGMENT));
        int p = firstFrame(plain);
        assertThat(frames.use(p + PAGES)).as("an unguarded domain reserves nothing after its segment").isNotEqualTo(FrameTable.GUARD);
        assertThat(KERNEL.memory().isGuard(p + PAGES)).isFalse();
    }

    @Test
    void everyAccessTouchingAGuardPageFaultsWhateverThePrincipalAndChangesNothing() {
        PhysicalMemory memory = KERNEL.memory();
        long end = guarded.segment().end();
        long before = memory.peek64(end - 4);
        for (int principal : new int[] {guarded.id(), PhysicalMemory.KERNEL, Kernel.CANARY_ID}) {
            int prev = memory.actAs(principal);
            try {
                assertThat(faults(() -> memory.store64(end - 4, -1L))).as("straddling store as %d", principal).isTrue();
                assertThat(faults(() -> memory.load64(end - 4))).as("straddling load as %d", principal).isTrue();
                assertThat(faults(() -> memory.store8(end + 100, (byte) 1))).as("store inside the zone as %d", principal).isTrue();
                assertThat(faults(() -> memory.load32(end + SEGMENT - 4))).as("load at the zone's end as %d", principal).isTrue();
                assertThat(faults(() -> memory.copy(end - 16, guarded.segment().base(), 32))).as("copy into it").isTrue();
                assertThat(faults(() -> memory.fill(end - 1, 2, (byte) 0))).as("fill into it").isTrue();
                memory.store64(end - 8, 7L); // the last word of the segment is the domain's
                assertThat(memory.load64(end - 8)).isEqualTo(7L);
            } finally {
                memory.actAs(prev);
            }
        }
        assertThat(memory.peek64(end - 4) >>> 32).as("no byte of a faulting access was written").isEqualTo(before >>> 32);
        assertThat(memory.peek64(end)).as("the oracle's peeks do not fault").isEqualTo(memory.peek64(end));
    }

    @Test
    void aPageTheSamePrincipalTouchedBeforeItBecameAGuardPageStillFaults() {
        // Domain ids are reused: a domain's guard zone may cover pages that an earlier domain of
        // the same id stored to in the same monitor epoch.
        KERNEL.destroyDomain(guarded);
        Domain earlier = KERNEL.createDomain("earlier", DomainSpec.segment(2 * SEGMENT));
        PhysicalMemory memory = KERNEL.memory();
        int prev = memory.actAs(earlier.id());
        for (long a = earlier.segment().base(); a < earlier.segment().end(); a += PhysicalMemory.PAGE_SIZE) {
            memory.store64(a + 8, 1L);
        }
        memory.actAs(prev);
        KERNEL.destroyDomain(earlier);
        Domain again = KERNEL.createDomain("again", DomainSpec.segment(SEGMENT).withGuardZone());
        assertThat(again.id()).isEqualTo(earlier.id());
        assertThat(firstFrame(again)).as("the same block again").isEqualTo(firstFrame(earlier));
        prev = memory.actAs(again.id());
        try {
            for (long a = again.segment().end(); a < again.segment().end() + SEGMENT; a += PhysicalMemory.PAGE_SIZE) {
                long address = a + 8;
                assertThat(faults(() -> memory.store64(address, 2L))).as("store at 0x%x", address).isTrue();
                assertThat(faults(() -> memory.load64(address))).as("load at 0x%x", address).isTrue();
            }
        } finally {
            memory.actAs(prev);
        }
        int zone = firstFrame(again) + PAGES;
        assertThat(memory.writersOf(zone) & (1L << again.id())).as("the monitor keeps what it saw").isNotZero();
        KERNEL.destroyDomain(again);
        assertThat(memory.writersOf(zone) & (1L << again.id())).isNotZero();
        assertThat(memory.touchedPages()).as("each page listed once").doesNotHaveDuplicates();
    }

    @Test
    void destroyingTheDomainFreesTheWholeBlockAndItsGuard() {
        int first = firstFrame(guarded);
        KERNEL.destroyDomain(guarded);
        for (int f = first; f < first + 2 * PAGES; f++) {
            assertThat(KERNEL.structures().frameTable().use(f)).isEqualTo(FrameTable.FREE);
            assertThat(KERNEL.memory().isGuard(f)).isFalse();
        }
        KERNEL.memory().store64(guarded.segment().end(), 1L);
        Domain big = KERNEL.createDomain("big", DomainSpec.segment(2 * SEGMENT));
        assertThat(firstFrame(big)).as("the block merged back with its buddy").isEqualTo(first);
    }

    @Test
    void snapshotsBringTheGuardStateBack() {
        int first = firstFrame(guarded);
        Snapshot withGuard = KERNEL.snapshot();
        KERNEL.destroyDomain(guarded);
        KERNEL.restore(withGuard);
        assertThat(KERNEL.memory().isGuard(first + PAGES)).isTrue();
        KERNEL.destroyDomain(guarded);
        KERNEL.restoreFully(withGuard);
        assertThat(KERNEL.memory().isGuard(first + PAGES)).isTrue();
        assertThat(faults(() -> KERNEL.memory().store8(guarded.segment().end(), (byte) 1))).isTrue();
        KERNEL.restore(CLEAN);
        for (int f = 0; f < KERNEL.layout().pages(); f++) {
            assertThat(KERNEL.memory().isGuard(f)).as("frame %d", f).isFalse();
        }
        oracle.baseline();
        assertThat(oracle.judge().isClean()).isTrue();
    }

    @Test
    void theStructureCheckAcceptsAGuardZoneAndFindsOneThatIsWrong() {
        assertThat(trial(ctx -> 0).isClean()).as("a guarded domain is a clean kernel").isTrue();
        KERNEL.restoreFully(CLEAN);
        guarded = KERNEL.createDomain("guarded", DomainSpec.segment(SEGMENT).allowAll().withGuardZone());
        int guardFrame = firstFrame(guarded) + PAGES + 1;
        long entry = KERNEL.structures().frameTable().entryAddress(guardFrame);
        Verdict forged = trial(ctx -> {
            ctx.memory().store16(entry, (short) FrameTable.FREE);
            return 0;
        });
        assertThat(forged.of(Violation.Kind.INCONSISTENT_STRUCTURE))
                .anySatisfy(w -> assertThat(w.detail()).contains("frame " + guardFrame).contains("guard zone").contains("forged free"));
    }

    @Test
    void aGuardFrameLeftBehindByADestroyedDomainIsALeakedSegment() {
        int guardFrame = firstFrame(guarded) + PAGES;
        KERNEL.destroyDomain(guarded);
        guarded = KERNEL.createDomain("writer", DomainSpec.segment(SEGMENT).allowAll());
        long entry = KERNEL.structures().frameTable().entryAddress(guardFrame);
        int gone = 40;
        Verdict v = trial(ctx -> {
            ctx.memory().store16(entry, (short) (FrameTable.GUARD | gone << 8));
            return 0;
        });
        assertThat(v.of(Violation.Kind.LEAKED_SEGMENT))
                .anySatisfy(w -> assertThat(w.detail()).contains("guard frame of destroyed domain " + gone));
    }

    /** Sensitivity: a guard zone the machine fails to guard is caught, and its writes are escapes, not the domain's own. */
    @Test
    void aStoreThatLandsInTheGuardZoneAnywayIsAWildStoreOfTheDomain() {
        int zone = firstFrame(guarded) + PAGES;
        KERNEL.memory().guard(zone, PAGES, false); // a machine whose guard is missing
        long target = guarded.segment().end() - 4;
        Verdict v = trial(ctx -> {
            ctx.memory().store64(target, 0x5354524144444C45L);
            return 0;
        });
        assertThat(v.of(Violation.Kind.WILD_STORE)).singleElement().satisfies(w -> {
            assertThat(w.domain()).isEqualTo(guarded.id());
            assertThat(w.page()).isEqualTo(zone);
            assertThat(w.region()).isEqualTo("GUARD ZONE of " + guarded.id());
        });
        assertThat(v.of(Violation.Kind.INCONSISTENT_STRUCTURE))
                .anySatisfy(w -> assertThat(w.detail()).contains("accesses to it do not fault"));
    }

    @Test
    void aWriteIntoTheGuardZoneBehindTheMachinesBackIsACorruptedPage() throws ReflectiveOperationException {
        Field ram = PhysicalMemory.class.getDeclaredField("ram");
        ram.setAccessible(true);
        byte[] bytes = (byte[]) ram.get(KERNEL.memory());
        int target = (int) guarded.segment().end() + 3 * PhysicalMemory.PAGE_SIZE / 2;
        Verdict v = trial(ctx -> {
            bytes[target] ^= 0x40; // what reflection in an unprotected extension can do
            return 0;
        });
        assertThat(v.of(Violation.Kind.CORRUPTED_PAGE)).singleElement()
                .satisfies(w -> assertThat(w.region()).isEqualTo("GUARD ZONE of " + guarded.id()));
    }

    @Test
    void aGuardedDomainThatDoesNotFitIsRefused() {
        long arena = KERNEL.layout().size(Region.DOMAIN_ARENA);
        long size = Long.highestOneBit(arena);
        assertThatThrownBy(() -> KERNEL.createDomain("huge", DomainSpec.segment(size).withGuardZone()))
                .isInstanceOf(KernelException.class).hasMessageContaining("guard zone");
    }
}
