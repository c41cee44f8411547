package testbed.kernel.api;

/**
 * Byte-addressed, little-endian access to simulated physical memory.
 *
 * <p>These calls are the only memory operations an extension has; the isolation rewrites in
 * the {@code sfi} module recognise them by name and descriptor and confine their addresses.
 * An address outside physical memory raises a machine check in the host, which is what an
 * unprotected kernel would do.
 */
public interface Memory {

    byte load8(long address);

    short load16(long address);

    int load32(long address);

    long load64(long address);

    void store8(long address, byte value);

    void store16(long address, short value);

    void store32(long address, int value);

    void store64(long address, long value);

    /** Copies {@code length} bytes from {@code source} to {@code destination}; overlapping ranges behave like {@code memmove}. */
    void copy(long destination, long source, long length);
}
