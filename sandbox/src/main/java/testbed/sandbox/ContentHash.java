package testbed.sandbox;

import java.util.zip.CRC32C;

/**
 * A hash of class bytes for the caches that key on content. CRC-32C rather than
 * {@code Arrays.hashCode}: the workers run C1 only, where {@code Arrays.hashCode} is a scalar loop
 * (about 7 us for a 5 KB class, asked several times per trial) and CRC-32C a hardware intrinsic
 * (about 0.2 us).
 */
public final class ContentHash {
    private ContentHash() {
    }

    /** The hash of all of {@code bytes}. */
    public static int of(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }
}
