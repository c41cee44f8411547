package testbed.faults.fuzz;

import java.util.SplittableRandom;

/** {@link Choices} drawn from a seeded {@link SplittableRandom}: the same seed, the same choices. */
public final class SeededChoices implements Choices {
    private final SplittableRandom random;

    /** Choices drawn from {@code seed}. */
    public SeededChoices(long seed) {
        this.random = new SplittableRandom(seed);
    }

    @Override
    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    @Override
    public long nextLong() {
        return random.nextLong();
    }

    @Override
    public boolean nextBoolean() {
        return random.nextBoolean();
    }
}
