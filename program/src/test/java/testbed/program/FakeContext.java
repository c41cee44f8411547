package testbed.program;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import testbed.kernel.api.Context;
import testbed.kernel.api.Memory;

/**
 * A test double of the kernel: a small little-endian memory backed by a byte array, and helpers
 * that answer deterministically. Every access and helper call is logged, before it is performed,
 * accesses in the words of {@link #describe}, so that two runs, and a run and its trace, can be
 * compared call by call. An access outside the array throws {@link IndexOutOfBoundsException}, a
 * negative copy length {@link IllegalArgumentException}.
 */
public final class FakeContext implements Context {
    public static final long BASE = 0x10000;
    public static final int SIZE = 4096;

    /** More entries than any run within the tests' limits makes: a runaway program fails instead of filling the heap. */
    private static final int MAX_LOG = 200_000;

    final byte[] ram = new byte[SIZE];
    final List<String> log = new ArrayList<>() {
        @Override
        public boolean add(String entry) {
            if (size() >= MAX_LOG) {
                throw new AssertionError("runaway: more than " + MAX_LOG + " accesses and helper calls");
            }
            return super.add(entry);
        }
    };
    private final ByteBuffer buffer = ByteBuffer.wrap(ram).order(ByteOrder.LITTLE_ENDIAN);
    private final Memory memory = new FakeMemory();
    private long nextBlock = BASE + SIZE / 2;
    private long clock = 1000;
    private int frames = 7;

    public FakeContext() {
        for (int i = 0; i < SIZE; i++) {
            ram[i] = (byte) (i * 31 + 7); // not zero, so that loads and sign extension show
        }
    }

    /** An access as the log writes it, whether or not it was carried out. */
    static String describe(ProgramInterpreter.Access a) {
        return describe(a.kind(), a.address(), a.length());
    }

    private static String describe(ProgramInterpreter.Access.Kind kind, long address, long length) {
        return (kind == ProgramInterpreter.Access.Kind.LOAD ? "load " : "store ") + length + " at 0x" + Long.toHexString(address);
    }

    /** The accesses of {@link #log}, without the helper calls. */
    List<String> accesses() {
        return log.stream().filter(s -> s.startsWith("load") || s.startsWith("store")).toList();
    }

    @Override
    public Memory memory() {
        return memory;
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
        log.add("alloc(" + size + ")");
        if (size <= 0 || size > 256) {
            return -12;
        }
        long block = nextBlock;
        nextBlock += size;
        return block;
    }

    @Override
    public int free(long address) {
        log.add("free(" + address + ")");
        return address == BASE + SIZE / 2 ? 0 : -2;
    }

    @Override
    public int sendPacket(long address, int length) {
        log.add("sendPacket(" + address + ", " + length + ")");
        return length < 0 ? -22 : length;
    }

    @Override
    public int log(long address, int length) {
        log.add("log(" + address + ", " + length + ")");
        return 0;
    }

    @Override
    public int lock(int lockId) {
        log.add("lock(" + lockId + ")");
        return lockId == 3 ? -16 : 0;
    }

    @Override
    public int unlock(int lockId) {
        log.add("unlock(" + lockId + ")");
        return -1;
    }

    @Override
    public long time() {
        log.add("time()");
        return clock += 5;
    }

    @Override
    public int bindFrame() {
        log.add("bindFrame()");
        return frames++;
    }

    @Override
    public int releaseFrame(int frame) {
        log.add("releaseFrame(" + frame + ")");
        return frame == 7 ? 0 : -1;
    }

    private int index(long address, long length) {
        if (address < BASE || length > SIZE || address - BASE > SIZE - length) {
            throw new IndexOutOfBoundsException("fake memory: " + length + " bytes at 0x" + Long.toHexString(address));
        }
        return (int) (address - BASE);
    }

    private final class FakeMemory implements Memory {
        private int load(long address, int width) {
            log.add(describe(ProgramInterpreter.Access.Kind.LOAD, address, width));
            return index(address, width);
        }

        private int store(long address, int width) {
            log.add(describe(ProgramInterpreter.Access.Kind.STORE, address, width));
            return index(address, width);
        }

        @Override
        public byte load8(long address) {
            return buffer.get(load(address, 1));
        }

        @Override
        public short load16(long address) {
            return buffer.getShort(load(address, 2));
        }

        @Override
        public int load32(long address) {
            return buffer.getInt(load(address, 4));
        }

        @Override
        public long load64(long address) {
            return buffer.getLong(load(address, 8));
        }

        @Override
        public void store8(long address, byte value) {
            buffer.put(store(address, 1), value);
        }

        @Override
        public void store16(long address, short value) {
            buffer.putShort(store(address, 2), value);
        }

        @Override
        public void store32(long address, int value) {
            buffer.putInt(store(address, 4), value);
        }

        @Override
        public void store64(long address, long value) {
            buffer.putLong(store(address, 8), value);
        }

        @Override
        public void copy(long destination, long source, long length) {
            log.add(describe(ProgramInterpreter.Access.Kind.LOAD, source, length));
            log.add(describe(ProgramInterpreter.Access.Kind.STORE, destination, length));
            if (length < 0) {
                throw new IllegalArgumentException("negative copy length " + length);
            }
            int s = index(source, length);
            int d = index(destination, length);
            System.arraycopy(ram, s, ram, d, (int) length);
        }
    }
}
