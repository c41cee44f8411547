package testbed.faults.mutation;

import java.util.ArrayList;
import java.util.List;
import testbed.kernel.api.Context;
import testbed.kernel.api.Memory;
import testbed.kernel.api.Status;

/**
 * A stand-in kernel for running mutants in tests: one segment of memory, helpers that always
 * succeed, and a log of every memory access and helper call. Accesses outside the segment read 0
 * and write nothing: the log is what the tests judge.
 */
final class FakeKernel implements Context, Memory {
    static final long BASE = 1L << 20;
    static final long SIZE = 1L << 16;

    private final byte[] segment = new byte[(int) SIZE];
    /** Addresses of loads, stores and copies (destination, then source), in order. */
    final List<Long> addresses = new ArrayList<>();
    /** Helper calls, e.g. {@code lock(0)}, in order. */
    final List<String> calls = new ArrayList<>();
    private long heap = BASE + SIZE / 2;
    private int frames;

    void write(long address, byte[] bytes) {
        System.arraycopy(bytes, 0, segment, (int) (address - BASE), bytes.length);
    }

    private boolean inside(long address) {
        return address >= BASE && address < BASE + SIZE;
    }

    private byte get(long address) {
        return inside(address) ? segment[(int) (address - BASE)] : 0;
    }

    private void put(long address, byte value) {
        if (inside(address)) {
            segment[(int) (address - BASE)] = value;
        }
    }

    private long read(long address, int bytes) {
        addresses.add(address);
        long v = 0;
        for (int i = bytes - 1; i >= 0; i--) {
            v = (v << 8) | (get(address + i) & 0xFF);
        }
        return v;
    }

    private void writeValue(long address, long value, int bytes) {
        addresses.add(address);
        for (int i = 0; i < bytes; i++) {
            put(address + i, (byte) (value >>> (8 * i)));
        }
    }

    // ---- Memory ----

    @Override
    public byte load8(long address) {
        return (byte) read(address, 1);
    }

    @Override
    public short load16(long address) {
        return (short) read(address, 2);
    }

    @Override
    public int load32(long address) {
        return (int) read(address, 4);
    }

    @Override
    public long load64(long address) {
        return read(address, 8);
    }

    @Override
    public void store8(long address, byte value) {
        writeValue(address, value, 1);
    }

    @Override
    public void store16(long address, short value) {
        writeValue(address, value, 2);
    }

    @Override
    public void store32(long address, int value) {
        writeValue(address, value, 4);
    }

    @Override
    public void store64(long address, long value) {
        writeValue(address, value, 8);
    }

    @Override
    public void copy(long destination, long source, long length) {
        addresses.add(destination);
        addresses.add(source);
        byte[] tmp = new byte[(int) Math.max(0, Math.min(length, SIZE))];
        for (int i = 0; i < tmp.length; i++) {
            tmp[i] = get(source + i);
        }
        for (int i = 0; i < tmp.length; i++) {
            put(destination + i, tmp[i]);
        }
    }

    // ---- Context ----

    @Override
    public Memory memory() {
        return this;
    }

    @Override
    public long segmentBase() {
        return BASE;
    }

    @Override
    public long segmentSize() {
        return SIZE;
    }

    @Override
    public long alloc(long size) {
        calls.add("alloc(" + size + ")");
        long block = heap;
        heap += (size + 7) & ~7L;
        return block;
    }

    @Override
    public int free(long address) {
        calls.add("free");
        return Status.OK;
    }

    @Override
    public int sendPacket(long address, int length) {
        calls.add("sendPacket(" + length + ")");
        return Status.OK;
    }

    @Override
    public int log(long address, int length) {
        calls.add("log(" + length + ")");
        return Status.OK;
    }

    @Override
    public int lock(int lockId) {
        calls.add("lock(" + lockId + ")");
        return Status.OK;
    }

    @Override
    public int unlock(int lockId) {
        calls.add("unlock(" + lockId + ")");
        return Status.OK;
    }

    @Override
    public long time() {
        return 0;
    }

    @Override
    public int bindFrame() {
        calls.add("bindFrame");
        return frames++;
    }

    @Override
    public int releaseFrame(int frame) {
        calls.add("releaseFrame(" + frame + ")");
        return Status.OK;
    }
}
