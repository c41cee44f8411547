package testbed.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import testbed.kernel.api.BootHeader;
import testbed.kernel.api.Hook;
import testbed.kernel.api.Status;
import testbed.kernel.oracle.Oracle;

class KernelBootTest {

    /** Free frames according to the buddy map: the allocator's own truth. */
    static long freeFrames(Kernel k) {
        MemoryLayout layout = k.layout();
        long free = 0;
        for (int order = 0; order <= layout.maxOrder(); order++) {
            for (int w = 0; w < layout.buddyWords(order); w++) {
                free += (long) Long.bitCount(k.structures().frameAllocator().bitmapWord(order, w)) << order;
            }
        }
        return free;
    }

    @Test
    void bootLeavesACanaryDirtyFileDataAndAcceptedPacketsAndPassesFsck() {
        Kernel k = TestKernels.boot();
        Domain canary = k.canary();
        assertThat(canary.id()).isEqualTo(Kernel.CANARY_ID);
        assertThat(canary.segment().size()).isEqualTo(Canary.SEGMENT_SIZE);
        assertThat(k.isAttached(Kernel.CANARY_ID, Hook.EVENT_HANDLER)).isTrue();
        assertThat(k.structures().hookTable().slot(Hook.EVENT_HANDLER, 0)).isEqualTo(Kernel.CANARY_ID);
        int dirty = 0;
        for (int e = 0; e < k.structures().bufferCache().entries(); e++) {
            dirty += k.structures().bufferCache().state(e) == BufferCache.DIRTY ? 1 : 0;
        }
        assertThat(dirty).isPositive();
        assertThat(k.structures().socketQueue().tail() - k.structures().socketQueue().head()).isEqualTo(4);
        assertThat(k.structures().header().magic()).isEqualTo(Header.MAGIC);

        Oracle oracle = Oracle.watching(k).thorough();
        oracle.baseline();
        assertThat(oracle.judge().violations()).isEmpty();
    }

    @Test
    void theBootMapAtAddressZeroPublishesTheRegions() {
        Kernel k = TestKernels.boot();
        Domain reader = k.createDomain("reader", DomainSpec.segment(4096));
        testbed.kernel.api.Memory m = reader.context().memory();
        assertThat(m.load64(0)).isEqualTo(BootHeader.MAGIC);
        assertThat(m.load64(BootHeader.REGION_COUNT_OFFSET)).isEqualTo(BootHeader.REGION_COUNT);
        assertThat(m.load64(BootHeader.baseOf(BootHeader.FRAME_TABLE))).isEqualTo(k.layout().base(Region.FRAME_TABLE));
        assertThat(m.load64(BootHeader.sizeOf(BootHeader.BUFFER_CACHE))).isEqualTo(k.layout().size(Region.BUFFER_CACHE));
        assertThat(m.load64(BootHeader.baseOf(BootHeader.DOMAIN_ARENA))).isEqualTo(k.layout().base(Region.DOMAIN_ARENA));
        for (int i = 0; i < BootHeader.REGION_COUNT; i++) {
            assertThat(Header.published(i)).isNotNull();
        }
    }

    @Test
    void domainsGetIdsFromTwoAndSizeAlignedSegmentsThatDoNotOverlap() {
        Kernel k = TestKernels.boot();
        List<Domain> made = new ArrayList<>();
        long[] sizes = {4 << 10, 64 << 10, 8 << 10, 1 << 20, 16 << 10, 4 << 10};
        for (long size : sizes) {
            made.add(k.createDomain("d" + made.size(), DomainSpec.segment(size)));
        }
        for (int i = 0; i < made.size(); i++) {
            Domain d = made.get(i);
            assertThat(d.id()).isEqualTo(Kernel.FIRST_DOMAIN_ID + i);
            assertThat(d.segment().size()).isEqualTo(sizes[i]);
            assertThat(d.segment().base() % sizes[i]).isZero();
            assertThat(k.layout().regionOf(d.segment().base())).isEqualTo(Region.DOMAIN_ARENA);
            for (Domain other : made) {
                if (other != d) {
                    assertThat(d.segment().base() >= other.segment().end() || other.segment().base() >= d.segment().end())
                            .as("%s and %s overlap", d, other).isTrue();
                }
            }
            int frame = (int) (d.segment().base() >>> PhysicalMemory.PAGE_SHIFT);
            assertThat(k.structures().frameTable().use(frame)).isEqualTo(FrameTable.SEGMENT);
            assertThat(k.structures().frameTable().owner(frame)).isEqualTo(d.id());
            assertThat(k.placeOf(d.segment().base())).isEqualTo(Kernel.segmentPlace(d));
        }
    }

    @Test
    void segmentsAreReleasedAndReusedWithoutLeaks() {
        Kernel k = TestKernels.boot();
        long freeAtBoot = freeFrames(k);
        Random random = new Random(7);
        List<Domain> live = new ArrayList<>();
        for (int round = 0; round < 300; round++) {
            if (live.size() < 40 && (live.isEmpty() || random.nextBoolean())) {
                long size = 4096L << random.nextInt(6);
                live.add(k.createDomain("r" + round, DomainSpec.segment(size)));
            } else {
                k.destroyDomain(live.remove(random.nextInt(live.size())));
            }
        }
        Collections.shuffle(live, random);
        live.forEach(k::destroyDomain);
        assertThat(freeFrames(k)).isEqualTo(freeAtBoot);
        // Coalescing worked: the largest block that fitted at boot fits again.
        long largest = Long.highestOneBit(k.layout().size(Region.DOMAIN_ARENA));
        Domain big = k.createDomain("big", DomainSpec.segment(largest));
        assertThat(big.segment().size()).isEqualTo(largest);
        Oracle oracle = Oracle.watching(k).thorough();
        oracle.baseline();
        assertThat(oracle.judge().violations()).isEmpty();
    }

    @Test
    void allDomainIdsCanBeUsedAndTheNextCreateIsRefused() {
        Kernel k = TestKernels.boot();
        for (int id = Kernel.FIRST_DOMAIN_ID; id <= PhysicalMemory.MAX_DOMAIN_ID; id++) {
            assertThat(k.createDomain("d" + id, DomainSpec.segment(4096)).id()).isEqualTo(id);
        }
        assertThatThrownBy(() -> k.createDomain("one too many", DomainSpec.segment(4096)))
                .isInstanceOf(KernelException.class)
                .hasMessageContaining("domain ids")
                .satisfies(e -> assertThat(((KernelException) e).status()).isEqualTo(Status.ENOMEM));
        k.destroyDomain(k.domain(9));
        assertThat(k.createDomain("again", DomainSpec.segment(4096)).id()).isEqualTo(9);
    }

    @Test
    void anExhaustedArenaRefusesALargeSegmentAndStaysConsistent() {
        Kernel k = TestKernels.boot();
        long largest = Long.highestOneBit(k.layout().size(Region.DOMAIN_ARENA));
        k.createDomain("largest", DomainSpec.segment(largest));
        Oracle oracle = Oracle.watching(k).thorough();
        oracle.baseline();
        assertThatThrownBy(() -> k.createDomain("another", DomainSpec.segment(largest)))
                .isInstanceOf(KernelException.class)
                .hasMessageContaining("no free aligned block");
        assertThat(oracle.judge().violations()).isEmpty();
    }
}
