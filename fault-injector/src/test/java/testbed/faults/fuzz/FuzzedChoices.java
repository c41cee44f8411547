package testbed.faults.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;

/**
 * {@link Choices} read from a Jazzer input, so that the fuzzer's mutations steer the generator.
 * A spent input answers zero (and {@code false}) to everything: the generator then finishes with a
 * small benign program.
 */
final class FuzzedChoices implements Choices {
    private final FuzzedDataProvider data;

    FuzzedChoices(FuzzedDataProvider data) {
        this.data = data;
    }

    @Override
    public int nextInt(int bound) {
        return data.consumeInt(0, bound - 1);
    }

    @Override
    public long nextLong() {
        return data.consumeLong();
    }

    @Override
    public boolean nextBoolean() {
        return data.consumeBoolean();
    }
}
