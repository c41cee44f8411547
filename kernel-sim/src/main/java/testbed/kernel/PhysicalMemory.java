package testbed.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import testbed.kernel.api.Memory;

/**
 * The simulated machine's physical memory: one byte array, little-endian, with a write monitor.
 *
 * <p>The monitor belongs to the oracle, not to any protection mechanism: every store and load
 * records which domain (the {@linkplain #actAs current principal}) touched which 4 KiB page.
 * It keeps a list of touched pages, so reading it out and resetting it costs O(pages touched),
 * never O(memory size). Domain ids are {@code 0..63}; id {@code 0} is the kernel.
 *
 * <p>Guard pages ({@link DomainSpec#withGuardZone()}) fault like unmapped pages: any access that
 * touches one throws a {@link MachineCheck}, whatever the principal; the oracle's peeks do not.
 * The test costs nothing on the common path: a guard page never carries a monitor bit, so an
 * access confined to one page its principal already touched cannot be on a guard page, and every
 * other access (first touch of a page, or one crossing a page boundary) takes the slow path,
 * which looks the pages up in a bitmap.
 */
public final class PhysicalMemory implements Memory {
    public static final int PAGE_SHIFT = 12;
    public static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    /** Highest domain id the monitor can tell apart. */
    public static final int MAX_DOMAIN_ID = 63;
    public static final int KERNEL = 0;

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] ram;
    private final long size;

    private int principal = KERNEL;
    private long principalBit = 1L;
    /** Per page: bit {@code d} set when domain {@code d} stored into the page. */
    private final long[] writers;
    /** Per page: bit {@code d} set when domain {@code d} loaded from the page. */
    private final long[] readers;
    /** Per page: first address a non-kernel domain stored to, for the oracle's report. */
    private final long[] firstForeignStore;
    private final long[] firstForeignLoad;
    private int[] touched = new int[256];
    private int touchedCount;
    /** Bit {@code p % 64} of word {@code p / 64} set when page {@code p} is a guard page. */
    private final long[] guards;
    private int guardPages;
    /** Monitor bits a page held when it became a guard page, kept for the oracle while it is one. */
    private final long[] guardedWriters;
    private final long[] guardedReaders;

    /** Creates {@code size} bytes of zeroed memory; {@code size} is a power of two of at least 1 MiB. */
    public PhysicalMemory(long size) {
        if (Long.bitCount(size) != 1 || size < (1 << 20) || size > (1L << 30)) {
            throw new IllegalArgumentException("physical memory size must be a power of two between 1 MiB and 1 GiB, got " + size);
        }
        this.size = size;
        this.ram = new byte[(int) size];
        int pages = (int) (size >>> PAGE_SHIFT);
        this.writers = new long[pages];
        this.readers = new long[pages];
        this.firstForeignStore = new long[pages];
        this.firstForeignLoad = new long[pages];
        this.guards = new long[(pages + 63) >>> 6];
        this.guardedWriters = new long[pages];
        this.guardedReaders = new long[pages];
    }

    /** Size in bytes. */
    public long size() {
        return size;
    }

    /** Number of 4 KiB pages. */
    public int pages() {
        return writers.length;
    }

    /**
     * Makes {@code domainId} the principal that subsequent accesses are attributed to.
     *
     * @return the previous principal, to restore afterwards
     */
    public int actAs(int domainId) {
        if (domainId < 0 || domainId > MAX_DOMAIN_ID) {
            throw new IllegalArgumentException("domain id out of range: " + domainId);
        }
        int previous = principal;
        principal = domainId;
        principalBit = 1L << domainId;
        return previous;
    }

    /** The principal accesses are currently attributed to. */
    public int principal() {
        return principal;
    }

    // ---- the Memory interface: the kernel's own accesses (an extension's come through the next section) ----

    @Override
    public byte load8(long address) {
        int i = index(address, 1);
        noteLoad(i, 1);
        return ram[i];
    }

    @Override
    public short load16(long address) {
        int i = index(address, 2);
        noteLoad(i, 2);
        return (short) SHORT.get(ram, i);
    }

    @Override
    public int load32(long address) {
        int i = index(address, 4);
        noteLoad(i, 4);
        return (int) INT.get(ram, i);
    }

    @Override
    public long load64(long address) {
        int i = index(address, 8);
        noteLoad(i, 8);
        return (long) LONG.get(ram, i);
    }

    @Override
    public void store8(long address, byte value) {
        int i = index(address, 1);
        noteStore(i, 1);
        ram[i] = value;
    }

    @Override
    public void store16(long address, short value) {
        int i = index(address, 2);
        noteStore(i, 2);
        SHORT.set(ram, i, value);
    }

    @Override
    public void store32(long address, int value) {
        int i = index(address, 4);
        noteStore(i, 4);
        INT.set(ram, i, value);
    }

    @Override
    public void store64(long address, long value) {
        int i = index(address, 8);
        noteStore(i, 8);
        LONG.set(ram, i, value);
    }

    @Override
    public void copy(long destination, long source, long length) {
        if (length < 0 || length > size) {
            throw new MachineCheck(length < 0 ? destination : destination + length, (int) Math.min(Integer.MAX_VALUE, Math.abs(length)));
        }
        if (length == 0) {
            return;
        }
        int n = (int) length;
        int s = index(source, n);
        int d = index(destination, n);
        noteLoad(s, n);
        noteStore(d, n);
        System.arraycopy(ram, s, ram, d, n);
    }

    // ---- the same accesses as an extension makes them, through ExtensionMemory ----
    // Entered apart from the Memory methods above, which the kernel calls for its own structures:
    // the JIT keeps one branch profile per method for all its callers, and where the kernel's
    // reads (guard checks included) and first touches of pages had been counted, C2 compiled the
    // monitor's slow paths into an extension's loop as calls, which keeps it from hoisting the
    // memory's fields out of the loop (JMH forks 2 to 3 times slower, at random). Here the fast
    // path sees only the extension's accesses; anything else takes the general one.

    byte extensionLoad8(long address) {
        int i = index(address, 1);
        noteExtensionLoad(i, 1);
        return ram[i];
    }

    short extensionLoad16(long address) {
        int i = index(address, 2);
        noteExtensionLoad(i, 2);
        return (short) SHORT.get(ram, i);
    }

    int extensionLoad32(long address) {
        int i = index(address, 4);
        noteExtensionLoad(i, 4);
        return (int) INT.get(ram, i);
    }

    long extensionLoad64(long address) {
        int i = index(address, 8);
        noteExtensionLoad(i, 8);
        return (long) LONG.get(ram, i);
    }

    void extensionStore8(long address, byte value) {
        int i = index(address, 1);
        noteExtensionStore(i, 1);
        ram[i] = value;
    }

    void extensionStore16(long address, short value) {
        int i = index(address, 2);
        noteExtensionStore(i, 2);
        SHORT.set(ram, i, value);
    }

    void extensionStore32(long address, int value) {
        int i = index(address, 4);
        noteExtensionStore(i, 4);
        INT.set(ram, i, value);
    }

    void extensionStore64(long address, long value) {
        int i = index(address, 8);
        noteExtensionStore(i, 8);
        LONG.set(ram, i, value);
    }

    // ---- kernel-side bulk access (attributed to the current principal like any other) ----

    /** Copies bytes from physical memory into {@code target}. */
    public void read(long address, byte[] target, int offset, int length) {
        int i = index(address, length);
        noteLoad(i, length);
        System.arraycopy(ram, i, target, offset, length);
    }

    /** Copies {@code length} bytes of {@code source} into physical memory. */
    public void write(long address, byte[] source, int offset, int length) {
        int i = index(address, length);
        noteStore(i, length);
        System.arraycopy(source, offset, ram, i, length);
    }

    /** Sets {@code length} bytes to {@code value}. */
    public void fill(long address, long length, byte value) {
        int n = (int) length;
        int i = index(address, n);
        noteStore(i, n);
        // Doubling copies: Arrays.fill is a byte loop unless C2 compiles it, and workers run C1
        // only; a 64 KiB segment zeroed per trial cost tens of microseconds that way.
        int done = Math.min(n, 64);
        Arrays.fill(ram, i, i + done, value);
        while (done < n) {
            int step = Math.min(done, n - done);
            System.arraycopy(ram, i, ram, i + done, step);
            done += step;
        }
    }

    // ---- the oracle's view: unmonitored, never attributed ----

    /** Reads a long without recording the access: for the oracle and for snapshots only. */
    public long peek64(long address) {
        return (long) LONG.get(ram, index(address, 8));
    }

    /** Reads an int without recording the access: for the oracle and for snapshots only. */
    public int peek32(long address) {
        return (int) INT.get(ram, index(address, 4));
    }

    /** Reads a byte without recording the access: for the oracle and for snapshots only. */
    public byte peek8(long address) {
        return ram[index(address, 1)];
    }

    /** Reads a short without recording the access: for the oracle and for snapshots only. */
    public short peek16(long address) {
        return (short) SHORT.get(ram, index(address, 2));
    }

    /** Copies bytes out of memory without recording the access: for the oracle only. */
    public void peek(long address, byte[] target, int offset, int length) {
        System.arraycopy(ram, index(address, length), target, offset, length);
    }

    /**
     * Compares a range with a copy kept outside simulated memory, read without recording (as any
     * kernel read): how the kernel finds the pages a mirror of the range no longer matches, such
     * as the address space of an extension running in its own process.
     *
     * @return the offset from {@code address} of the first byte that differs, or -1 if none does
     */
    public int mismatch(long address, byte[] copy, int offset, int length) {
        int i = index(address, length);
        return Arrays.mismatch(ram, i, i + length, copy, offset, offset + length);
    }

    /** A 64-bit FNV-1a hash of one page, read without recording. */
    public long pageChecksum(int page) {
        return checksum((long) page << PAGE_SHIFT, PAGE_SIZE);
    }

    /** A 64-bit FNV-1a hash of a range, read without recording. */
    public long checksum(long address, int length) {
        return checksum(ram, index(address, length), length);
    }

    /**
     * The same 64-bit FNV-1a hash (over little-endian words, then the tail bytes) of a range of a
     * Java array, so that data kept outside simulated memory compares with data inside it.
     */
    public static long checksum(byte[] bytes, int offset, int length) {
        int i = offset;
        long h = 0xcbf29ce484222325L;
        int end = offset + length;
        for (; i + 8 <= end; i += 8) {
            h ^= (long) LONG.get(bytes, i);
            h *= 0x100000001b3L;
        }
        for (; i < end; i++) {
            h ^= bytes[i];
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** Domains (bit {@code d} for domain {@code d}) that stored into {@code page} since the last reset. */
    public long writersOf(int page) {
        return writers[page] | guardedWriters[page];
    }

    /** Domains that loaded from {@code page} since the last reset. */
    public long readersOf(int page) {
        return readers[page] | guardedReaders[page];
    }

    /** Whether {@code page} is a guard page: any access touching it faults. */
    public boolean isGuard(int page) {
        return (guards[page >>> 6] & (1L << page)) != 0;
    }

    /**
     * Makes {@code count} pages from {@code first} guard pages, or ordinary ones again: what the
     * kernel does for a guarded domain's guard zone (and undoes when it destroys the domain). The
     * monitor bits a page carries are set aside while it guards (what the oracle reads stays the
     * same), so that no principal finds it on the fast path.
     */
    public void guard(int first, int count, boolean on) {
        for (int p = first; p < first + count; p++) {
            if (isGuard(p) == on) {
                continue;
            }
            if (on) {
                guardedWriters[p] = writers[p];
                guardedReaders[p] = readers[p];
                writers[p] = 0;
                readers[p] = 0;
                guards[p >>> 6] |= 1L << p;
                guardPages++;
            } else {
                writers[p] |= guardedWriters[p];
                readers[p] |= guardedReaders[p];
                guardedWriters[p] = 0;
                guardedReaders[p] = 0;
                guards[p >>> 6] &= ~(1L << p);
                guardPages--;
            }
        }
    }

    /** A copy of which pages are guard pages, for a snapshot. */
    long[] guardImage() {
        return guards.clone();
    }

    /** Makes the guard pages those of {@code image}; only right after the monitor was reset (no bits to set aside). */
    void restoreGuards(long[] image) {
        System.arraycopy(image, 0, guards, 0, guards.length);
        int n = 0;
        for (long w : guards) {
            n += Long.bitCount(w);
        }
        guardPages = n;
    }

    /** First address a non-kernel domain stored to in {@code page}, or -1. */
    public long firstForeignStore(int page) {
        return (writers[page] & ~1L) != 0 ? firstForeignStore[page] : -1;
    }

    /** First address a non-kernel domain loaded from in {@code page}, or -1. */
    public long firstForeignLoad(int page) {
        return (readers[page] & ~1L) != 0 ? firstForeignLoad[page] : -1;
    }

    /** Pages touched (loaded or stored) since the last reset, in first-touch order. */
    public int[] touchedPages() {
        return Arrays.copyOf(touched, touchedCount);
    }

    /** Forgets what the monitor recorded: O(pages touched). */
    public void resetMonitor() {
        for (int k = 0; k < touchedCount; k++) {
            int p = touched[k];
            writers[p] = 0;
            readers[p] = 0;
            guardedWriters[p] = 0;
            guardedReaders[p] = 0;
        }
        touchedCount = 0;
    }

    /** A full copy of memory, to roll back to with {@link #restoreTouched}. */
    public byte[] snapshot() {
        return ram.clone();
    }

    /**
     * Restores every page touched since the last monitor reset from {@code snapshot}, then resets
     * the monitor: O(pages touched). Pages only loaded are restored too, which is harmless.
     */
    public void restoreTouched(byte[] snapshot) {
        if (snapshot.length != ram.length) {
            throw new IllegalArgumentException("snapshot is of another memory size");
        }
        for (int k = 0; k < touchedCount; k++) {
            int off = touched[k] << PAGE_SHIFT;
            System.arraycopy(snapshot, off, ram, off, PAGE_SIZE);
        }
        resetMonitor();
    }

    /**
     * Copies all of {@code snapshot} back, then resets the monitor: O(memory size). For a snapshot
     * the monitor has not been tracking, or after a write that bypassed the monitor.
     *
     * @param zeroPages which pages of {@code snapshot} are all zero ({@link Snapshot#zeroPages}): those are
     *     cleared from one zero page instead of copied, which halves the memory traffic of a
     *     restore, as almost all of a booted kernel's memory is free arena
     */
    public void restoreAll(byte[] snapshot, long[] zeroPages) {
        if (snapshot.length != ram.length || zeroPages.length != (pages() + 63) / 64) {
            throw new IllegalArgumentException("snapshot is of another memory size");
        }
        // A zero page of this restore's own: one kept in a field could be reached, and changed, by
        // the very extension whose writes past the monitor the restore undoes.
        byte[] zeros = new byte[PAGE_SIZE];
        int pages = pages();
        for (int first = 0; first < pages; ) {
            // Runs of pages alike (all zero, or not) in one copy each.
            boolean zero = (zeroPages[first >>> 6] & (1L << first)) != 0;
            int end = first + 1;
            while (end < pages && ((zeroPages[end >>> 6] & (1L << end)) != 0) == zero) {
                end++;
            }
            if (zero) {
                for (int page = first; page < end; page++) {
                    System.arraycopy(zeros, 0, ram, page << PAGE_SHIFT, PAGE_SIZE); // from a page the L1 cache holds
                }
            } else {
                System.arraycopy(snapshot, first << PAGE_SHIFT, ram, first << PAGE_SHIFT, (end - first) << PAGE_SHIFT);
            }
            first = end;
        }
        // Clear every page, not just the listed ones: a thread stopped inside the monitor may have
        // marked a page without listing it.
        Arrays.fill(writers, 0);
        Arrays.fill(readers, 0);
        Arrays.fill(guardedWriters, 0);
        Arrays.fill(guardedReaders, 0);
        touchedCount = 0;
    }

    /** Whether the monitor recorded any access to {@code page} since the last reset. */
    public boolean isTouched(int page) {
        return (writers[page] | readers[page] | guardedWriters[page] | guardedReaders[page]) != 0;
    }

    /** The {@code k}-th page touched since the last reset, without copying the list. */
    public int touchedPage(int k) {
        if (k < 0 || k >= touchedCount) {
            throw new IndexOutOfBoundsException("touched page " + k + " of " + touchedCount);
        }
        return touched[k];
    }

    /** Number of pages touched since the last reset. */
    public int touchedCount() {
        return touchedCount;
    }

    // ---- machinery ----

    private int index(long address, int width) {
        // One unsigned compare covers negative addresses, huge ones and a width running off the end.
        if (Long.compareUnsigned(address, size - width) > 0 || width < 0) {
            throw new MachineCheck(address, width);
        }
        return (int) address;
    }

    /**
     * {@link #noteLoad}'s common case for an extension's access, in a method of its own so that
     * its branch profile is the extensions' alone; the kernel's reads are never recorded, so they
     * always go on to {@link #noteLoad}.
     */
    private void noteExtensionLoad(int i, int width) {
        int page = i >>> PAGE_SHIFT;
        if ((readers[page] & principalBit) != 0 && (i + width - 1) >>> PAGE_SHIFT == page) {
            return;
        }
        noteLoad(i, width);
    }

    /** {@link #noteStore} again, for the same reason: the same test, with a branch profile of the extensions' stores alone. */
    private void noteExtensionStore(int i, int width) {
        int page = i >>> PAGE_SHIFT;
        if ((writers[page] & principalBit) != 0 && (i + width - 1) >>> PAGE_SHIFT == page) {
            return;
        }
        recordStore(i, width);
    }

    private void noteStore(int i, int width) {
        // Nearly every access hits one page its principal already touched: a load and a test, and
        // no loop for the JIT to keep registers for.
        int page = i >>> PAGE_SHIFT;
        if ((writers[page] & principalBit) != 0 && (i + width - 1) >>> PAGE_SHIFT == page) {
            return;
        }
        recordStore(i, width);
    }

    private void recordStore(int i, int width) {
        long bit = principalBit;
        int first = i >>> PAGE_SHIFT;
        int last = (i + width - 1) >>> PAGE_SHIFT;
        if (guardPages != 0) {
            checkGuards(i, width, first, last);
        }
        for (int p = first; p <= last; p++) {
            long w = writers[p];
            if ((w & bit) == 0) {
                if ((w | readers[p]) == 0) {
                    touch(p);
                }
                writers[p] = w | bit;
                if (bit != 1L && (w & ~1L) == 0) {
                    firstForeignStore[p] = Math.max(i, (long) p << PAGE_SHIFT);
                }
            }
        }
    }

    private void noteLoad(int i, int width) {
        long bit = principalBit;
        if (bit == 1L) {
            // The kernel reading its own memory is no finding, and a load changes nothing to restore.
            if (guardPages != 0) {
                checkGuards(i, width, i >>> PAGE_SHIFT, (i + width - 1) >>> PAGE_SHIFT);
            }
            return;
        }
        int page = i >>> PAGE_SHIFT;
        if ((readers[page] & bit) != 0 && (i + width - 1) >>> PAGE_SHIFT == page) {
            return;
        }
        recordLoad(i, width, bit);
    }

    private void recordLoad(int i, int width, long bit) {
        int first = i >>> PAGE_SHIFT;
        int last = (i + width - 1) >>> PAGE_SHIFT;
        if (guardPages != 0) {
            checkGuards(i, width, first, last);
        }
        for (int p = first; p <= last; p++) {
            long r = readers[p];
            if ((r & bit) == 0) {
                if ((r | writers[p]) == 0) {
                    touch(p);
                }
                readers[p] = r | bit;
                if (bit != 1L && (r & ~1L) == 0) {
                    firstForeignLoad[p] = Math.max(i, (long) p << PAGE_SHIFT);
                }
            }
        }
    }

    /** Faults before anything is recorded or changed if any page of the access is a guard page. */
    private void checkGuards(int i, int width, int first, int last) {
        for (int p = first; p <= last; p++) {
            if (isGuard(p)) {
                throw new MachineCheck(i, width, true);
            }
        }
    }

    private void touch(int page) {
        if (touchedCount == touched.length) {
            touched = Arrays.copyOf(touched, touchedCount * 2);
        }
        touched[touchedCount++] = page;
    }
}
