package testbed.sfi;

import testbed.kernel.api.Memory;

/**
 * The hook every sample extension in these tests implements. Public because each rewritten
 * sample lives in its own class loader and implements it from there.
 */
public interface Sample {

    /** Runs the sample on simulated memory with three arguments; what they mean is the sample's. */
    long run(Memory memory, long address, long value, long length);
}
