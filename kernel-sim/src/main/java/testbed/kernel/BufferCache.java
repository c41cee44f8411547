package testbed.kernel;

/**
 * The buffer cache in simulated memory: a block map of {@code (file, block, state, lastUse)}
 * entries and one data block per entry. A dirty block's data exists only here until it is
 * evicted and written back, so damage to it is lost data. Public methods read without being
 * recorded by the monitor (for the oracle); package-private ones are the kernel's own.
 */
public final class BufferCache {
    /** Entry holds no block. */
    public static final int EMPTY = 0;
    /** Entry holds a block equal to the disk's. */
    public static final int CLEAN = 1;
    /** Entry holds a block newer than the disk's. */
    public static final int DIRTY = 2;

    static final int FILE_AT = 0;
    static final int BLOCK_AT = 4;
    static final int STATE_AT = 8;
    static final int LAST_USE_AT = 16;

    private final PhysicalMemory memory;
    private final KernelMemory kernel;
    private final long map;
    private final long data;
    private final int entries;
    private final int blockSize;

    BufferCache(PhysicalMemory memory, KernelMemory kernel, MemoryLayout layout) {
        this.memory = memory;
        this.kernel = kernel;
        this.map = layout.base(Region.BUFFER_CACHE);
        this.data = layout.cacheData();
        this.entries = layout.config().cacheBlocks();
        this.blockSize = layout.config().blockSize();
    }

    /** Number of entries. */
    public int entries() {
        return entries;
    }

    /** Address of block-map entry {@code e}. */
    public long entryAddress(int e) {
        return map + (long) e * MemoryLayout.CACHE_ENTRY;
    }

    /** Address of the data block of entry {@code e}. */
    public long dataAddress(int e) {
        return data + (long) e * blockSize;
    }

    /** The entry holding {@code (file, block)}, or -1. */
    int lookup(int file, int block) {
        for (int e = 0; e < entries; e++) {
            long a = entryAddress(e);
            int st = kernel.get32(a + STATE_AT);
            if ((st == CLEAN || st == DIRTY) && kernel.get32(a + FILE_AT) == file && kernel.get32(a + BLOCK_AT) == block) {
                return e;
            }
        }
        return -1;
    }

    /** An empty entry, or -1. */
    int emptyEntry() {
        for (int e = 0; e < entries; e++) {
            int st = kernel.get32(entryAddress(e) + STATE_AT);
            if (st != CLEAN && st != DIRTY) {
                return e;
            }
        }
        return -1;
    }

    int stateOf(int e) {
        return kernel.get32(entryAddress(e) + STATE_AT);
    }

    int fileOf(int e) {
        return kernel.get32(entryAddress(e) + FILE_AT);
    }

    int blockOf(int e) {
        return kernel.get32(entryAddress(e) + BLOCK_AT);
    }

    long lastUseOf(int e) {
        return kernel.get64(entryAddress(e) + LAST_USE_AT);
    }

    void install(int e, int file, int block, int state, long use) {
        long a = entryAddress(e);
        kernel.put32(a + FILE_AT, file);
        kernel.put32(a + BLOCK_AT, block);
        kernel.put32(a + STATE_AT, state);
        kernel.put64(a + LAST_USE_AT, use);
    }

    void setState(int e, int state) {
        kernel.put32(entryAddress(e) + STATE_AT, state);
    }

    void used(int e, long use) {
        kernel.put64(entryAddress(e) + LAST_USE_AT, use);
    }

    public int state(int e) {
        return memory.peek32(entryAddress(e) + STATE_AT);
    }

    public int file(int e) {
        return memory.peek32(entryAddress(e) + FILE_AT);
    }

    public int block(int e) {
        return memory.peek32(entryAddress(e) + BLOCK_AT);
    }

    public long lastUse(int e) {
        return memory.peek64(entryAddress(e) + LAST_USE_AT);
    }

    /** The entry that the kernel would find for {@code (file, block)}, read unmonitored; -1 if none. */
    public int find(int file, int block) {
        for (int e = 0; e < entries; e++) {
            int st = state(e);
            if ((st == CLEAN || st == DIRTY) && file(e) == file && block(e) == block) {
                return e;
            }
        }
        return -1;
    }
}
