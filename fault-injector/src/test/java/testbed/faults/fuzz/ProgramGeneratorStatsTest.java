package testbed.faults.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import testbed.faults.fuzz.GenerationStats.Family;
import testbed.faults.fuzz.GenerationStats.Kind;
import testbed.faults.fuzz.ProgramGenerator.Flavour;

/** The generator really produces every kind it claims, in roughly the mix it means to. */
class ProgramGeneratorStatsTest {
    private static final int PROGRAMS = 2000;

    @Test
    void generatorProducesEveryKindItClaims() {
        // Fixed so the build is reproducible; -Dtestbed.statsSeed=random draws a fresh one to explore.
        String given = System.getProperty("testbed.statsSeed", "20261122");
        long seed = given.equals("random") ? new SplittableRandom().nextLong() : Long.parseLong(given);
        ProgramGenerator generator = ProgramGenerator.over(Layout.defaults());
        for (int i = 0; i < PROGRAMS; i++) {
            generator.generate(new SeededChoices(seed + i), "P" + i);
        }
        GenerationStats stats = generator.stats();
        assertThat(stats.missing()).as("kinds never generated from seed %d:%n%s", seed, stats).isEmpty();
        for (AddressClass target : AddressClass.values()) {
            assertThat(stats.count(target)).as("accesses aimed at %s", target).isPositive();
        }
        long benign = stats.count(new Kind(Family.FLAVOUR, Flavour.BENIGN.name()));
        assertThat(benign).as("benign programs of %d", PROGRAMS).isBetween(PROGRAMS / 5L, PROGRAMS * 2 / 5L);
    }

    @Test
    void addedStatsCountWhatBothCounted() {
        ProgramGenerator one = ProgramGenerator.over(Layout.defaults());
        ProgramGenerator two = ProgramGenerator.over(Layout.defaults());
        for (int i = 0; i < 50; i++) {
            one.generate(new SeededChoices(i), "P");
            two.generate(new SeededChoices(1000 + i), "P");
        }
        GenerationStats sum = new GenerationStats();
        sum.add(one.stats());
        sum.add(two.stats());
        assertThat(sum.programs()).isEqualTo(100);
        assertThat(sum.ops()).isEqualTo(one.stats().ops() + two.stats().ops());
        for (Kind k : sum.claimed()) {
            assertThat(sum.count(k)).as("%s", k).isEqualTo(one.stats().count(k) + two.stats().count(k));
        }
    }

    @Test
    void missingNamesEveryKindNotYetGenerated() {
        GenerationStats fresh = new GenerationStats();
        assertThat(fresh.missing()).isEqualTo(fresh.claimed());
        ProgramGenerator generator = ProgramGenerator.over(Layout.defaults());
        generator.generate(new SeededChoices(1), "One");
        assertThat(generator.stats().missing()).isNotEmpty().hasSizeLessThan(fresh.claimed().size());
        assertThat(generator.stats().claimed()).contains(new Kind(Family.OP, "Recurse"), new Kind(Family.CATCH, "THROWABLE"),
                new Kind(Family.LOOP, "UNBOUNDED"), new Kind(Family.ADDRESS, "READ_BACK"));
    }
}
