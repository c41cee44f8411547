package testbed.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import org.junit.jupiter.api.Test;
import testbed.kernel.api.Context;
import testbed.kernel.api.Event;
import testbed.kernel.api.PacketFilter;
import testbed.kernel.oracle.Oracle;

class SnapshotRestoreTest {

    /** Changes as much kernel state as the API allows: domains, hooks, rings, cache, disk, locks, frames, aborts. */
    private static void churn(Kernel k) {
        Domain a = k.createDomain("a", DomainSpec.segment(64 << 10).allowAll());
        Domain b = k.createDomain("b", DomainSpec.segment(16 << 10).allowAll());
        k.attach(a, (PacketFilter) (ctx, p, l) -> ctx.sendPacket(p, l) == 0 ? l / 2 : 0, Crossing.DIRECT);
        k.attach(b, new BenignExtensions.MostRecentlyUsed(), Crossing.DIRECT);
        for (int i = 0; i < 10; i++) {
            k.receive(new byte[100 + i]);
        }
        byte[] buffer = new byte[(int) k.config().fileSize()];
        k.write(1, 10, new byte[3000], 3000);
        for (int f = 0; f < k.config().files(); f++) {
            k.read(f, 0, buffer, buffer.length, null);
        }
        Context ctx = b.context();
        ctx.lock(2);
        ctx.bindFrame();
        ctx.alloc(512);
        k.abort(b, new Trap(Trap.Kind.WATCHDOG, -1, "", "churn"));
        k.destroyDomain(a);
        k.dispatch(Event.TIMER, 0);
    }

    private static void assertIdentical(Kernel k, Snapshot s) {
        for (int page = 0; page < k.layout().pages(); page++) {
            assertThat(k.memory().pageChecksum(page)).as("page %d", page).isEqualTo(s.pageChecksum(page));
        }
        assertThat(k.domains()).isEqualTo(s.domains());
        assertThat(k.aborts()).isEmpty();
        assertThat(k.transaction()).isNull();
        assertThat(k.memory().touchedCount()).isZero();
    }

    @Test
    void restoringTheBaseUndoesEverythingInTimeProportionalToPagesTouched() {
        Kernel k = TestKernels.boot();
        Oracle oracle = Oracle.watching(k).thorough();
        Snapshot s = k.snapshot();
        oracle.baseline();
        long[] disk = diskSums(k);
        churn(k);
        assertThat(k.aborts()).hasSize(1);
        assertThat(diskSums(k)).as("eviction wrote back").isNotEqualTo(disk);
        int touched = k.memory().touchedCount();
        assertThat(touched).isLessThan(k.layout().pages() / 4);
        k.restore(s);
        assertIdentical(k, s);
        assertThat(diskSums(k)).isEqualTo(disk);
        assertThat(oracle.judge().violations()).as("the oracle finds the restored kernel identical to its baseline").isEmpty();
    }

    @Test
    void restoringAnotherSnapshotCopiesEverythingAndThenTracksAgain() {
        Kernel k = TestKernels.boot();
        Snapshot first = k.snapshot();
        churn(k);
        Snapshot second = k.snapshot();
        k.restore(first);
        assertIdentical(k, first);
        k.restore(second);
        assertThat(k.domains()).isEqualTo(second.domains());
        assertThat(k.aborts()).hasSize(1);
        assertThat(k.base()).isSameAs(second);
        churn(k);
        k.restore(second);
        for (int page = 0; page < k.layout().pages(); page++) {
            assertThat(k.memory().pageChecksum(page)).as("page %d", page).isEqualTo(second.pageChecksum(page));
        }
    }

    @Test
    void restoreFullyRepairsAWriteTheMonitorNeverSaw() throws ReflectiveOperationException {
        Kernel k = TestKernels.boot();
        Snapshot s = k.snapshot();
        Field ram = PhysicalMemory.class.getDeclaredField("ram");
        ram.setAccessible(true);
        ((byte[]) ram.get(k.memory()))[12345] ^= 1;
        k.restore(s);
        assertThat(k.memory().pageChecksum(12345 >> 12)).isNotEqualTo(s.pageChecksum(12345 >> 12));
        k.restoreFully(s);
        assertIdentical(k, s);
    }

    @Test
    void restoreFullyRepairsPagesThatWereZeroAndPagesThatWereNot() throws ReflectiveOperationException {
        Kernel k = TestKernels.boot();
        churn(k);
        Snapshot s = k.snapshot();
        Field ram = PhysicalMemory.class.getDeclaredField("ram");
        ram.setAccessible(true);
        byte[] bytes = (byte[]) ram.get(k.memory());
        long[] zero = Snapshot.zeroPages(bytes);
        int pages = k.layout().pages();
        int zeroPages = 0;
        for (int page = 0; page < pages; page++) {
            zeroPages += (zero[page >>> 6] >>> page & 1) != 0 ? 1 : 0;
        }
        assertThat(zeroPages).as("a churned kernel has pages of both kinds").isBetween(1, pages - 1);
        for (int page = 0; page < pages; page++) {
            bytes[(page << PhysicalMemory.PAGE_SHIFT) + page % PhysicalMemory.PAGE_SIZE] ^= (byte) 0x5A; // behind the monitor's back
        }
        bytes[bytes.length - 1] ^= 1;
        k.restoreFully(s);
        assertThat(s.matches(k.memory(), 0, bytes.length)).as("every byte restored").isTrue();
        assertThat(k.memory().touchedCount()).isZero();
    }

    @Test
    void aSnapshotBelongsToItsKernel() {
        Kernel k = TestKernels.boot();
        Kernel other = TestKernels.boot();
        Snapshot s = other.snapshot();
        assertThatThrownBy(() -> k.restore(s)).isInstanceOf(KernelException.class).hasMessageContaining("another kernel");
        assertThatThrownBy(() -> k.restore(null)).isInstanceOf(KernelException.class);
    }

    @Test
    void theOracleRefusesToJudgeAcrossADifferentBase() {
        Kernel k = TestKernels.boot();
        Oracle oracle = Oracle.watching(k);
        assertThatThrownBy(oracle::judge).isInstanceOf(IllegalStateException.class).hasMessageContaining("baseline");
        oracle.baseline();
        k.snapshot();
        assertThatThrownBy(oracle::judge).isInstanceOf(IllegalStateException.class).hasMessageContaining("another snapshot");
    }

    private static long[] diskSums(Kernel k) {
        long[] sums = new long[k.config().files() * k.config().fileBlocks()];
        for (int f = 0; f < k.config().files(); f++) {
            for (int b = 0; b < k.config().fileBlocks(); b++) {
                sums[f * k.config().fileBlocks() + b] = k.structures().disk().checksum(f, b);
            }
        }
        return sums;
    }
}
