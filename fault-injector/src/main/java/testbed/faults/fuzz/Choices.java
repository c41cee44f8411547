package testbed.faults.fuzz;

/**
 * The source of every random decision the {@link ProgramGenerator} makes, so that a program is a
 * pure function of its choices: a seed ({@link SeededChoices}) or a fuzzer's bytes replay it.
 *
 * <p>A source may run dry and answer zero to everything from then on; the generator treats the
 * zero answer as the smallest, most ordinary choice, so a dry source still ends a program quickly.
 */
public interface Choices {

    /** A value in {@code [0, bound)}; {@code bound} is positive. */
    int nextInt(int bound);

    /** Any long. */
    long nextLong();

    default boolean nextBoolean() {
        return nextInt(2) == 1;
    }

    /**
     * An index of {@code weights} drawn with probability proportional to its weight. Weights are
     * non-negative and at least one is positive; a zero draw picks the first positive weight.
     */
    default int pick(int[] weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        if (total <= 0) {
            throw new IllegalArgumentException("pick needs a positive weight");
        }
        int r = nextInt(total);
        int i = 0;
        while (r >= weights[i]) {
            r -= weights[i++];
        }
        return i;
    }
}
