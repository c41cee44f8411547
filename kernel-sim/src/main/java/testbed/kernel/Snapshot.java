package testbed.kernel;

import java.util.Arrays;
import java.util.List;

/**
 * A saved kernel state ({@link Kernel#snapshot()}): memory, disk and the Java side. Opaque except
 * for the checksums of its memory pages, computed once on first use, and a comparison of its
 * bytes, which the oracle checks untouched pages with.
 */
public final class Snapshot {
    private final Kernel kernel;
    final byte[] image;
    /** Which pages were guard pages ({@link PhysicalMemory#isGuard}). */
    final long[] guards;
    final byte[][] disk;
    final Domains.Saved domains;
    final HookCalls.Saved hooks;
    final List<Abort> aborts;
    private long[] pageChecksums;
    private long[] zeroPages;

    Snapshot(Kernel kernel, byte[] image, long[] guards, byte[][] disk, Domains.Saved domains, HookCalls.Saved hooks, List<Abort> aborts) {
        this.kernel = kernel;
        this.image = image;
        this.guards = guards;
        this.disk = disk;
        this.domains = domains;
        this.hooks = hooks;
        this.aborts = aborts;
    }

    /** The kernel this snapshot belongs to. */
    public Kernel kernel() {
        return kernel;
    }

    /**
     * Whether {@code length} bytes of {@code memory} from {@code address} equal the saved
     * memory at the same address, read without recording. A comparison of the bytes
     * themselves: cheaper than checksumming both sides, and blind to no collision.
     */
    public boolean matches(PhysicalMemory memory, long address, int length) {
        return memory.mismatch(address, image, Math.toIntExact(address), length) < 0;
    }

    /** Which saved pages are all zero ({@link #zeroPages(byte[])}), computed once on first use. */
    long[] zeroPages() {
        if (zeroPages == null) {
            zeroPages = zeroPages(image);
        }
        return zeroPages;
    }

    /** Which pages of {@code image}, a copy of memory, are all zero: bit {@code p % 64} of word {@code p / 64} for page {@code p}. */
    static long[] zeroPages(byte[] image) {
        int pages = image.length >>> PhysicalMemory.PAGE_SHIFT;
        long[] zero = new long[(pages + 63) / 64];
        byte[] zeros = new byte[PhysicalMemory.PAGE_SIZE];
        for (int page = 0; page < pages; page++) {
            if (Arrays.mismatch(image, page << PhysicalMemory.PAGE_SHIFT, (page + 1) << PhysicalMemory.PAGE_SHIFT, zeros, 0, PhysicalMemory.PAGE_SIZE) < 0) {
                zero[page >>> 6] |= 1L << page;
            }
        }
        return zero;
    }

    /** Checksum of one page of the saved memory, {@link PhysicalMemory#pageChecksum} style. */
    public long pageChecksum(int page) {
        if (pageChecksums == null) {
            long[] sums = new long[image.length >>> PhysicalMemory.PAGE_SHIFT];
            for (int p = 0; p < sums.length; p++) {
                sums[p] = PhysicalMemory.checksum(image, p << PhysicalMemory.PAGE_SHIFT, PhysicalMemory.PAGE_SIZE);
            }
            pageChecksums = sums;
        }
        return pageChecksums[page];
    }

    /** Domains that existed when the snapshot was taken. */
    public List<Domain> domains() {
        return domains.list();
    }
}
