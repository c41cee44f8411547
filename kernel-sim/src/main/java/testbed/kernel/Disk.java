package testbed.kernel;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The backing store of the files: Java arrays outside simulated memory, so no wild store can
 * reach it. What the disk holds is only part of a file's content: blocks dirty in the buffer
 * cache are newer than the disk's copy. It remembers which blocks were written since the last
 * snapshot or restore, so restoring costs O(blocks written).
 */
public final class Disk {
    private final int files;
    private final int fileBlocks;
    private final int blockSize;
    private final byte[][] blocks;
    private final boolean[] written;
    private int[] writtenList = new int[16];
    private int writtenCount;
    /** Checksum per block, valid while {@link #summed} says so: a block changes only by write, restore and fill. */
    private final long[] sums;
    private final boolean[] summed;

    Disk(KernelConfig config) {
        this.files = config.files();
        this.fileBlocks = config.fileBlocks();
        this.blockSize = config.blockSize();
        this.blocks = new byte[files * fileBlocks][blockSize];
        this.written = new boolean[blocks.length];
        this.sums = new long[blocks.length];
        this.summed = new boolean[blocks.length];
    }

    /** Fills every file with seeded bytes. */
    void fill(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (byte[] b : blocks) {
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) random.nextInt(256);
            }
        }
        Arrays.fill(summed, false);
    }

    public int files() {
        return files;
    }

    public int fileBlocks() {
        return fileBlocks;
    }

    public int blockSize() {
        return blockSize;
    }

    /** The disk's copy of a block (not necessarily the file's current content). */
    public byte[] block(int file, int block) {
        return blocks[index(file, block)].clone();
    }

    /** Checksum of the disk's copy of a block, {@link PhysicalMemory#checksum(byte[], int, int)}. */
    public long checksum(int file, int block) {
        int i = index(file, block);
        if (!summed[i]) {
            sums[i] = PhysicalMemory.checksum(blocks[i], 0, blockSize);
            summed[i] = true;
        }
        return sums[i];
    }

    /** Blocks written since the last snapshot or restore. */
    public int writtenSinceBase() {
        return writtenCount;
    }

    byte[] raw(int file, int block) {
        return blocks[index(file, block)];
    }

    void write(int file, int block, byte[] source) {
        int i = index(file, block);
        System.arraycopy(source, 0, blocks[i], 0, blockSize);
        summed[i] = false;
        if (!written[i]) {
            written[i] = true;
            if (writtenCount == writtenList.length) {
                writtenList = Arrays.copyOf(writtenList, writtenCount * 2);
            }
            writtenList[writtenCount++] = i;
        }
    }

    private int index(int file, int block) {
        if (file < 0 || file >= files || block < 0 || block >= fileBlocks) {
            throw new IndexOutOfBoundsException("no block " + block + " of file " + file);
        }
        return file * fileBlocks + block;
    }

    byte[][] image() {
        byte[][] copy = new byte[blocks.length][];
        for (int i = 0; i < blocks.length; i++) {
            copy[i] = blocks[i].clone();
        }
        return copy;
    }

    /** Restores blocks from {@code image}: only those written since tracking was reset, unless {@code all}. */
    void restore(byte[][] image, boolean all) {
        if (all) {
            for (int i = 0; i < blocks.length; i++) {
                System.arraycopy(image[i], 0, blocks[i], 0, blockSize);
            }
            Arrays.fill(summed, false);
        } else {
            for (int k = 0; k < writtenCount; k++) {
                int i = writtenList[k];
                System.arraycopy(image[i], 0, blocks[i], 0, blockSize);
                summed[i] = false;
            }
        }
        resetTracking();
    }

    void resetTracking() {
        for (int k = 0; k < writtenCount; k++) {
            written[writtenList[k]] = false;
        }
        writtenCount = 0;
    }
}
