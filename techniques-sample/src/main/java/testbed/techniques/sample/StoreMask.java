package testbed.techniques.sample;

/**
 * The cheaper, weaker variant of {@link AddressMask}: stores and {@code copy}'s destination are
 * masked, loads and {@code copy}'s source are left alone. A wild load then reads kernel memory,
 * which the oracle reports as an escape: the testbed's campaigns and fuzzer catch it.
 */
public final class StoreMask extends AddressMask {
    @Override
    public String name() {
        return "store-mask";
    }

    @Override
    public String description() {
        return "address sandboxing of stores only (loads unconfined): deliberately weaker than mask";
    }

    @Override
    protected boolean confinesLoads() {
        return false;
    }
}
