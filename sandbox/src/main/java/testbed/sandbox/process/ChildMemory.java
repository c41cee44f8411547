package testbed.sandbox.process;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import testbed.kernel.Trap;
import testbed.kernel.api.Memory;
import testbed.sandbox.DomainClassLoader;

/**
 * The address space of one instance in the extension's process: the domain's segment and nothing
 * else, addressed with the kernel's physical addresses. An access that is not entirely inside
 * {@code [base, base + size)} is a page fault: a {@link Trap.Kind#SEGMENT_VIOLATION} that the
 * process reports even if the extension somehow swallows it, since no mapping exists to satisfy
 * it. Stores mark their pages dirty for the next hand-over to the kernel.
 */
final class ChildMemory implements Memory {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final long base;
    private final long size;
    private final byte[] bytes;
    private final boolean[] dirty;
    private final int[] dirtyPages;
    private int dirtyCount;
    /** The first page fault of the current call, or null. */
    private Trap fault;

    ChildMemory(long base, long size) {
        this.base = base;
        this.size = size;
        this.bytes = new byte[Math.toIntExact(size)];
        int pages = bytes.length >>> Protocol.PAGE_SHIFT;
        this.dirty = new boolean[pages];
        this.dirtyPages = new int[pages];
    }

    @Override
    public byte load8(long address) {
        return bytes[offset(address, 1, "load8")];
    }

    @Override
    public short load16(long address) {
        return (short) SHORT.get(bytes, offset(address, 2, "load16"));
    }

    @Override
    public int load32(long address) {
        return (int) INT.get(bytes, offset(address, 4, "load32"));
    }

    @Override
    public long load64(long address) {
        return (long) LONG.get(bytes, offset(address, 8, "load64"));
    }

    @Override
    public void store8(long address, byte value) {
        int i = offset(address, 1, "store8");
        written(i, 1);
        bytes[i] = value;
    }

    @Override
    public void store16(long address, short value) {
        int i = offset(address, 2, "store16");
        written(i, 2);
        SHORT.set(bytes, i, value);
    }

    @Override
    public void store32(long address, int value) {
        int i = offset(address, 4, "store32");
        written(i, 4);
        INT.set(bytes, i, value);
    }

    @Override
    public void store64(long address, long value) {
        int i = offset(address, 8, "store64");
        written(i, 8);
        LONG.set(bytes, i, value);
    }

    @Override
    public void copy(long destination, long source, long length) {
        if (length == 0) {
            return;
        }
        if (!inside(destination, length)) {
            throw pageFault("copy of " + length + " bytes to 0x" + Long.toHexString(destination));
        }
        if (!inside(source, length)) {
            throw pageFault("copy of " + length + " bytes from 0x" + Long.toHexString(source));
        }
        int d = (int) (destination - base);
        int n = (int) length;
        written(d, n);
        System.arraycopy(bytes, (int) (source - base), bytes, d, n);
    }

    // ---- the call's bookkeeping ----

    /** Forgets the last call's fault: each call starts clean. */
    void beginCall() {
        fault = null;
    }

    /** The page fault of this call, or null. */
    Trap fault() {
        return fault;
    }

    /** Writes the page set of the dirty pages and marks them clean: the kernel has them now. */
    void sendDirty(DataOutputStream out) throws IOException {
        out.writeInt(dirtyCount);
        for (int k = 0; k < dirtyCount; k++) {
            int page = dirtyPages[k];
            out.writeInt(page);
            out.write(bytes, page << Protocol.PAGE_SHIFT, Protocol.PAGE_SIZE);
            dirty[page] = false;
        }
        dirtyCount = 0;
    }

    /** Reads a page set from the kernel into this address space; those pages are clean. */
    void receive(DataInputStream in) throws IOException {
        int count = in.readInt();
        for (int k = 0; k < count; k++) {
            int page = in.readInt();
            in.readFully(bytes, page << Protocol.PAGE_SHIFT, Protocol.PAGE_SIZE);
        }
    }

    // ---- machinery ----

    private int offset(long address, int width, String access) {
        long offset = address - base;
        if (Long.compareUnsigned(offset, size - width) > 0) {
            throw pageFault(access + " at 0x" + Long.toHexString(address));
        }
        return (int) offset;
    }

    private boolean inside(long address, long length) {
        return Long.compareUnsigned(length, size) <= 0 && Long.compareUnsigned(address - base, size - length) <= 0;
    }

    private void written(int offset, int length) {
        int last = (offset + length - 1) >>> Protocol.PAGE_SHIFT;
        for (int page = offset >>> Protocol.PAGE_SHIFT; page <= last; page++) {
            if (!dirty[page]) {
                dirty[page] = true;
                dirtyPages[dirtyCount++] = page;
            }
        }
    }

    private Trap pageFault(String access) {
        String location = DomainClassLoader.innermostFrame();
        Trap trap = new Trap(Trap.Kind.SEGMENT_VIOLATION, -1, location, "page fault in the extension's process: " + access
                + " (its only mapping is [0x" + Long.toHexString(base) + ", 0x" + Long.toHexString(base + size) + "))"
                + (location.isEmpty() ? "" : " at " + location));
        if (fault == null) {
            fault = trap;
        }
        return trap;
    }
}
