package testbed.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import testbed.kernel.api.Context;
import testbed.kernel.api.Status;
import testbed.kernel.oracle.Oracle;

class TransactionTest {
    private static final Kernel KERNEL = TestKernels.boot();
    private static final Snapshot CLEAN = KERNEL.snapshot();
    private static final Region[] BOOKKEEPING = {Region.SEGMENT_TABLE, Region.FRAME_TABLE, Region.BUDDY_MAP, Region.LOCK_TABLE,
        Region.HEAP_TABLE, Region.HEADER};
    private Domain d;
    private Context ctx;

    @BeforeEach
    void setUp() {
        KERNEL.restore(CLEAN);
        d = KERNEL.createDomain("tx", DomainSpec.segment(16 << 10).allowAll());
        ctx = d.context();
    }

    private static long[] bookkeeping() {
        long[] sums = new long[BOOKKEEPING.length + 1];
        for (int i = 0; i < BOOKKEEPING.length; i++) {
            sums[i] = KERNEL.memory().checksum(KERNEL.layout().base(BOOKKEEPING[i]), (int) KERNEL.layout().size(BOOKKEEPING[i]));
        }
        sums[BOOKKEEPING.length] = KERNEL.structures().txRing().tail() * 31 + KERNEL.structures().kernelLog().next();
        return sums;
    }

    /** Every helper that changes kernel state, once each. */
    private void changeEverything() {
        assertThat(ctx.alloc(100)).isPositive();
        assertThat(ctx.lock(4)).isEqualTo(Status.OK);
        assertThat(ctx.bindFrame()).isPositive();
        assertThat(ctx.bindFrame()).isPositive();
        assertThat(ctx.sendPacket(d.heapBase(), 60)).isEqualTo(Status.OK);
        assertThat(ctx.log(d.heapBase(), 20)).isEqualTo(Status.OK);
        long block = ctx.alloc(32);
        assertThat(ctx.free(block)).isEqualTo(Status.OK);
    }

    @Test
    void rollbackRestoresEveryWordOfKernelBookkeeping() {
        Oracle oracle = Oracle.watching(KERNEL).thorough();
        oracle.baseline();
        long[] before = bookkeeping();
        Transaction t = KERNEL.begin(d);
        changeEverything();
        assertThat(t.changes()).isPositive();
        assertThat(bookkeeping()).isNotEqualTo(before);
        t.rollback();
        assertThat(t.isOpen()).isFalse();
        assertThat(KERNEL.transaction()).isNull();
        assertThat(bookkeeping()).isEqualTo(before);
        assertThat(KERNEL.structures().lockTable().owner(4)).isZero();
        assertThat(KERNEL.structures().segmentTable().framesBound(d.id())).isZero();
        assertThat(oracle.judge().violations()).isEmpty();
    }

    @Test
    void commitKeepsTheChanges() {
        long[] before = bookkeeping();
        Transaction t = KERNEL.begin(d);
        changeEverything();
        t.commit();
        assertThat(bookkeeping()).isNotEqualTo(before);
        assertThat(KERNEL.structures().lockTable().owner(4)).isEqualTo(d.id());
        assertThat(KERNEL.structures().segmentTable().framesBound(d.id())).isEqualTo(2);
        assertThat(KERNEL.structures().txRing().tail()).isEqualTo(1);
    }

    @Test
    void helpersRecordNothingWithoutTheirDomainsTransaction() {
        Domain other = KERNEL.createDomain("other", DomainSpec.segment(8 << 10).allowAll());
        changeEverything();
        Transaction t = KERNEL.begin(other);
        assertThat(ctx.lock(9)).isEqualTo(Status.OK);
        assertThat(t.changes()).as("another domain's helper call").isZero();
        assertThat(other.context().lock(10)).isEqualTo(Status.OK);
        assertThat(t.changes()).isPositive();
        t.rollback();
        assertThat(KERNEL.structures().lockTable().owner(9)).isEqualTo(d.id());
        assertThat(KERNEL.structures().lockTable().owner(10)).isZero();
        assertThat(KERNEL.structures().lockTable().owner(4)).isEqualTo(d.id());
    }

    @Test
    void abortRollsBackTheOpenTransaction() {
        long txTail = KERNEL.structures().txRing().tail();
        long logNext = KERNEL.structures().kernelLog().next();
        KERNEL.begin(d);
        assertThat(ctx.sendPacket(d.heapBase(), 60)).isEqualTo(Status.OK);
        assertThat(ctx.log(d.heapBase(), 20)).isEqualTo(Status.OK);
        KERNEL.abort(d, new Trap(Trap.Kind.FUEL_EXHAUSTED, -1, "T.m@3", "out of fuel"));
        assertThat(KERNEL.transaction()).isNull();
        assertThat(KERNEL.structures().txRing().tail()).as("the queued packet is gone").isEqualTo(txTail);
        assertThat(KERNEL.structures().kernelLog().next()).isEqualTo(logNext);
    }

    @Test
    void restoreDropsAnOpenTransaction() {
        Transaction t = KERNEL.begin(d);
        KERNEL.restore(CLEAN);
        assertThat(t.isOpen()).isFalse();
        assertThat(KERNEL.transaction()).isNull();
    }
}
