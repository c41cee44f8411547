package testbed.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ShardTest {
    /** Many plan shapes: every position falls to exactly one shard, and each shard's size, next position and balance agree with that. */
    @Test
    void shardsPartitionThePlanIntoWholeModeGroups() {
        Random random = new Random(15);
        for (int round = 0; round < 300; round++) {
            int modes = 1 + random.nextInt(6);
            int count = 1 + random.nextInt(9);
            long planned = random.nextInt(400);
            int[] owners = new int[(int) planned];
            long sizes = 0;
            for (int i = 0; i < count; i++) {
                Shard shard = new Shard(i, count);
                long owned = 0;
                long expectedNext = shard.next(0, modes);
                for (long n = 0; n < planned; n++) {
                    if (shard.owns(n, modes)) {
                        owners[(int) n]++;
                        owned++;
                        assertThat(expectedNext).as("next owned position after the one before %d", n).isEqualTo(n);
                        expectedNext = shard.next(n + 1, modes);
                        // a shard owns the whole group of one (entry, fault, seed) in every mode
                        assertThat(shard.owns(n - n % modes, modes)).isTrue();
                    }
                }
                assertThat(expectedNext).isGreaterThanOrEqualTo(planned);
                assertThat(shard.size(planned, modes)).as("size of %s of %d over %d modes", shard, planned, modes).isEqualTo(owned);
                sizes += owned;
            }
            assertThat(sizes).isEqualTo(planned);
            for (int n = 0; n < planned; n++) {
                assertThat(owners[n]).as("owners of position %d", n).isEqualTo(1);
            }
        }
    }

    @Test
    void parsesIndexSlashCountAndRefusesShardsThatDoNotExist() {
        assertThat(Shard.parse("3/100")).isEqualTo(new Shard(3, 100));
        assertThat(Shard.parse("0/1")).isEqualTo(Shard.WHOLE);
        assertThat(Shard.WHOLE.isPart()).isFalse();
        assertThat(new Shard(7, 100).folder()).isEqualTo("shard-07-of-100");
        for (String bad : new String[] {"4/4", "-1/4", "1/0", "1", "a/b", "1/2/3", ""}) {
            assertThatThrownBy(() -> Shard.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .message().doesNotContain("\n").contains("shard");
        }
    }
}
