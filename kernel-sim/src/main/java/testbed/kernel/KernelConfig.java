package testbed.kernel;

/**
 * The shape of a simulated machine: memory size and the sizes of the kernel structures kept in
 * it. Immutable; change one value with the {@code with...} methods.
 *
 * @param memorySize bytes of physical memory: a power of two, 1 MiB to 1 GiB
 * @param rxSlots slots of the NIC receive ring
 * @param txSlots slots of the transmit ring
 * @param socketSlots slots of the socket queue that holds delivered packets
 * @param cacheBlocks blocks the buffer cache holds (fewer than the files have, so it evicts)
 * @param blockSize bytes per file block: a power of two, 64 to 2048
 * @param files files on the disk
 * @param fileBlocks blocks per file
 * @param locks kernel locks in the lock table
 * @param logEntries entries of the kernel log
 * @param seed seed of the boot contents (file data, boot packets, canary pattern)
 */
public record KernelConfig(long memorySize, int rxSlots, int txSlots, int socketSlots, int cacheBlocks, int blockSize,
                           int files, int fileBlocks, int locks, int logEntries, long seed) {
    /** Largest packet the NIC accepts (an Ethernet frame). */
    public static final int MAX_PACKET = 1514;

    public KernelConfig {
        if (Long.bitCount(memorySize) != 1 || memorySize < (1 << 20) || memorySize > (1L << 30)) {
            throw new IllegalArgumentException("memory size must be a power of two between 1 MiB and 1 GiB, got " + memorySize);
        }
        range("rxSlots", rxSlots, 1, 1024);
        range("txSlots", txSlots, 1, 1024);
        range("socketSlots", socketSlots, 1, 1024);
        range("cacheBlocks", cacheBlocks, 2, 4096);
        range("blockSize", blockSize, 64, 2048);
        if (Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("blockSize must be a power of two, got " + blockSize);
        }
        range("files", files, 1, 64);
        range("fileBlocks", fileBlocks, 1, 1024);
        range("locks", locks, 1, 1024);
        range("logEntries", logEntries, 1, 4096);
    }

    /**
     * 16 MiB, 32-slot rings, 16 cached blocks of 1 KiB over 4 files of 8 blocks, 64 locks, 64 log
     * entries. The size is what a restore after an unmonitored write and the oracle's frame scan
     * pay for, per trial: 16 MiB holds the kernel, the canary and hundreds of 64 KiB segments.
     */
    public static KernelConfig defaults() {
        return new KernelConfig(16L << 20, 32, 32, 32, 16, 1024, 4, 8, 64, 64, 0x7E57BEDL);
    }

    public KernelConfig withMemorySize(long bytes) {
        return new KernelConfig(bytes, rxSlots, txSlots, socketSlots, cacheBlocks, blockSize, files, fileBlocks, locks, logEntries, seed);
    }

    /** Sets the slots of all three packet rings. */
    public KernelConfig withRingSlots(int slots) {
        return new KernelConfig(memorySize, slots, slots, slots, cacheBlocks, blockSize, files, fileBlocks, locks, logEntries, seed);
    }

    public KernelConfig withCacheBlocks(int blocks) {
        return new KernelConfig(memorySize, rxSlots, txSlots, socketSlots, blocks, blockSize, files, fileBlocks, locks, logEntries, seed);
    }

    public KernelConfig withFiles(int count, int blocksPerFile, int bytesPerBlock) {
        return new KernelConfig(memorySize, rxSlots, txSlots, socketSlots, cacheBlocks, bytesPerBlock, count, blocksPerFile, locks, logEntries, seed);
    }

    public KernelConfig withLocks(int count) {
        return new KernelConfig(memorySize, rxSlots, txSlots, socketSlots, cacheBlocks, blockSize, files, fileBlocks, count, logEntries, seed);
    }

    public KernelConfig withSeed(long newSeed) {
        return new KernelConfig(memorySize, rxSlots, txSlots, socketSlots, cacheBlocks, blockSize, files, fileBlocks, locks, logEntries, newSeed);
    }

    /** Bytes per file. */
    public long fileSize() {
        return (long) fileBlocks * blockSize;
    }

    private static void range(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], got " + value);
        }
    }
}
