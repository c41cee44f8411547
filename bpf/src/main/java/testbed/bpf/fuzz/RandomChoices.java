package testbed.bpf.fuzz;

import java.util.SplittableRandom;

/** {@link ProgramGenerator.Choices} from a seeded random source: the same seed, the same programs. */
public final class RandomChoices implements ProgramGenerator.Choices {
    private final SplittableRandom random;

    public RandomChoices(long seed) {
        this.random = new SplittableRandom(seed);
    }

    @Override
    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    @Override
    public int nextInt() {
        return random.nextInt();
    }
}
