package testbed.sfi.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import testbed.sfi.MemoryAccess;

/** Which accesses of the workload shapes the hoisting finds affine in a counted loop's counter. */
class HoistingTest {
    private static List<Hoisting.Access> hoisted(Class<?> type) {
        Map<String, List<Hoisting.Loop>> loops = Hoisting.find(AnalysisTest.bytesOf(type));
        System.out.println(type.getSimpleName() + ": " + loops);
        return loops.values().stream().flatMap(List::stream).flatMap(l -> l.accesses().stream()).toList();
    }

    @Test
    void theCopyLoopsLoadAndStoreAreHoistedWithTheirOwnBases() {
        List<Hoisting.Access> copy = hoisted(Workloads.Copy.class);
        assertThat(copy).extracting(Hoisting.Access::access).containsExactly(MemoryAccess.LOAD64, MemoryAccess.STORE64);
        assertThat(copy).allSatisfy(a -> {
            assertThat(a.slot()).isNotNegative();
            assertThat(a.scale()).isEqualTo(1);
        });
        assertThat(copy.get(0).slot()).isNotEqualTo(copy.get(1).slot());
    }

    @Test
    void theChecksumsLoopLoadIsHoistedButNotTheOddByteAfterIt() {
        assertThat(hoisted(Workloads.Checksum.class)).singleElement().satisfies(a -> {
            assertThat(a.access()).isEqualTo(MemoryAccess.LOAD16);
            assertThat(a.slot()).isEqualTo(2); // the packet argument
        });
    }

    @Test
    void aShiftedCounterIsAScaleAndAnAddressReadFromMemoryIsNot() {
        assertThat(hoisted(Workloads.HashTable.class)).anySatisfy(a -> {
            assertThat(a.access()).isEqualTo(MemoryAccess.STORE64);
            assertThat(a.scale()).isEqualTo(16);
        });
        assertThat(hoisted(Workloads.Wild.class)).isEmpty();
    }
}
