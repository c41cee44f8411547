package testbed.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MemoryLayoutTest {

    @ParameterizedTest
    @ValueSource(longs = {1 << 20, 8 << 20, 64L << 20})
    void regionsArePageAlignedContiguousAndCoverMemory(long size) {
        MemoryLayout layout = new MemoryLayout(KernelConfig.defaults().withMemorySize(size).withRingSlots(4));
        long expectedBase = 0;
        for (Region r : Region.values()) {
            assertThat(layout.base(r)).as(r.name()).isEqualTo(expectedBase);
            assertThat(layout.base(r) % PhysicalMemory.PAGE_SIZE).as(r.name()).isZero();
            assertThat(layout.size(r) % PhysicalMemory.PAGE_SIZE).as(r.name()).isZero();
            assertThat(layout.size(r)).as(r.name()).isPositive();
            expectedBase = layout.end(r);
        }
        assertThat(expectedBase).isEqualTo(size);
        assertThat(layout.arenaFirstFrame() + layout.arenaFrames()).isEqualTo(layout.pages());
    }

    @Test
    void regionOfNamesTheRegionOnBothSidesOfEachBoundary() {
        MemoryLayout layout = new MemoryLayout(KernelConfig.defaults());
        for (Region r : Region.values()) {
            assertThat(layout.regionOf(layout.base(r))).isEqualTo(r);
            assertThat(layout.regionOf(layout.end(r) - 1)).isEqualTo(r);
        }
        assertThat(layout.regionOf(-1)).isNull();
        assertThat(layout.regionOf(64L << 20)).isNull();
    }

    @Test
    void structuresSizedByTheConfigFitTheirRegions() {
        KernelConfig config = KernelConfig.defaults();
        MemoryLayout layout = new MemoryLayout(config);
        assertThat(layout.size(Region.FRAME_TABLE)).isGreaterThanOrEqualTo((long) layout.pages() * MemoryLayout.FRAME_ENTRY);
        assertThat(layout.size(Region.RX_RING)).isGreaterThanOrEqualTo(MemoryLayout.RING_HEADER + (long) config.rxSlots() * MemoryLayout.RING_SLOT);
        assertThat(layout.end(Region.BUFFER_CACHE)).isGreaterThanOrEqualTo(layout.cacheData() + (long) config.cacheBlocks() * config.blockSize());
        assertThat(layout.buddyBitmap(layout.maxOrder()) + 8L * layout.buddyWords(layout.maxOrder())).isLessThanOrEqualTo(layout.end(Region.BUDDY_MAP));
    }

    @Test
    void aConfigThatLeavesNoArenaIsRefused() {
        KernelConfig crowded = KernelConfig.defaults().withMemorySize(1 << 20).withRingSlots(200);
        assertThatThrownBy(() -> new MemoryLayout(crowded)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("domain arena");
    }

    @Test
    void badConfigValuesAreRefusedWithTheirName() {
        assertThatThrownBy(() -> KernelConfig.defaults().withMemorySize(3 << 20)).hasMessageContaining("power of two");
        assertThatThrownBy(() -> KernelConfig.defaults().withMemorySize(1 << 19)).hasMessageContaining("memory size");
        assertThatThrownBy(() -> KernelConfig.defaults().withFiles(4, 8, 1000)).hasMessageContaining("blockSize");
        assertThatThrownBy(() -> KernelConfig.defaults().withFiles(0, 8, 1024)).hasMessageContaining("files");
        assertThatThrownBy(() -> KernelConfig.defaults().withRingSlots(0)).hasMessageContaining("rxSlots");
        assertThatThrownBy(() -> KernelConfig.defaults().withCacheBlocks(1)).hasMessageContaining("cacheBlocks");
        assertThatThrownBy(() -> KernelConfig.defaults().withLocks(-3)).hasMessageContaining("locks");
    }
}
