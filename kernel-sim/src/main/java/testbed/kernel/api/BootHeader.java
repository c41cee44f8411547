package testbed.kernel.api;

/**
 * The format of the memory map the kernel publishes at physical address 0 when it boots, as
 * firmware and kernels do. Knowing where kernel structures live is no privilege: protection
 * comes from isolation, not from obscurity. (It also lets corpus entries aim their attacks.)
 *
 * <p>Layout: a 64-bit {@link #MAGIC} at offset 0, the number of regions at offset 8 (64-bit),
 * then one 16-byte record per region at {@code REGIONS + 16 * index}: base (64-bit), size
 * (64-bit), indexed by the constants below.
 */
public final class BootHeader {
    /** "SIMKERN1" as a little-endian long. */
    public static final long MAGIC = 0x314e52454b4d4953L;
    public static final int REGION_COUNT_OFFSET = 8;
    public static final int REGIONS = 16;
    public static final int RECORD_SIZE = 16;

    public static final int HEADER = 0;
    /** One 16-bit entry per 4 KiB frame: {@code use | owner << 8} (use 0 free, 1 kernel, 2 segment, 3 bound). */
    public static final int FRAME_TABLE = 1;
    public static final int SEGMENT_TABLE = 2;
    public static final int LOCK_TABLE = 3;
    public static final int HOOK_TABLE = 4;
    public static final int RX_RING = 5;
    public static final int TX_RING = 6;
    /** Block map and cached file blocks, some dirty (their only copy). */
    public static final int BUFFER_CACHE = 7;
    public static final int KERNEL_LOG = 8;
    /** Where domain segments are carved from. */
    public static final int DOMAIN_ARENA = 9;
    public static final int REGION_COUNT = 10;

    private BootHeader() {
    }

    /** Physical address of the base field of region {@code index}. */
    public static long baseOf(int index) {
        return REGIONS + (long) RECORD_SIZE * index;
    }

    /** Physical address of the size field of region {@code index}. */
    public static long sizeOf(int index) {
        return baseOf(index) + 8;
    }
}
