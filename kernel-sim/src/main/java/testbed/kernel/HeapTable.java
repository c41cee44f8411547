package testbed.kernel;

import testbed.kernel.api.Status;

/**
 * Records of each domain's heap blocks, kept in kernel memory while the blocks themselves lie in
 * the domain's segment, so a domain cannot forge its own bookkeeping without a wild store.
 * Per domain up to {@link MemoryLayout#HEAP_RECORDS} records {@code (address, size)}, sorted by
 * address; the count and the bytes in use are in the domain's segment-table record.
 * Public methods read without being recorded by the monitor (for the oracle).
 */
public final class HeapTable {
    /** Heap blocks are aligned to, and sized in multiples of, this many bytes. */
    public static final int ALIGN = 16;

    private final PhysicalMemory memory;
    private final KernelMemory kernel;
    private final SegmentTable segments;
    private final long base;

    HeapTable(PhysicalMemory memory, KernelMemory kernel, MemoryLayout layout, SegmentTable segments) {
        this.memory = memory;
        this.kernel = kernel;
        this.segments = segments;
        this.base = layout.base(Region.HEAP_TABLE);
    }

    /** Address of record {@code i} of domain {@code id}. */
    public long recordAddress(int id, int i) {
        return base + ((long) id * MemoryLayout.HEAP_RECORDS + i) * MemoryLayout.HEAP_RECORD;
    }

    long alloc(Domain d, long size) {
        int id = d.id();
        long need = (size + ALIGN - 1) & -ALIGN;
        long used = segments.getLong(id, SegmentTable.HEAP_USED_AT);
        long quota = segments.getLong(id, SegmentTable.HEAP_QUOTA_AT);
        if (used < 0 || need > quota - used) {
            return Status.ENOMEM;
        }
        int n = segments.getInt(id, SegmentTable.HEAP_BLOCKS_AT);
        if (n < 0 || n > MemoryLayout.HEAP_RECORDS) {
            return Status.ENOMEM; // corrupt count: refuse rather than trust it
        }
        if (n == MemoryLayout.HEAP_RECORDS) {
            return Status.ENOMEM;
        }
        long cursor = d.heapBase();
        long end = d.segment().end();
        int at = n;
        for (int i = 0; i < n; i++) {
            long a = kernel.get64(recordAddress(id, i));
            long s = kernel.get64(recordAddress(id, i) + 8);
            if (a < cursor || s <= 0 || a > end - s) {
                return Status.ENOMEM; // corrupt records: refuse rather than hand out overlapping blocks
            }
            if (a - cursor >= need) {
                at = i;
                break;
            }
            cursor = a + s;
        }
        if (at == n && end - cursor < need) {
            return Status.ENOMEM;
        }
        for (int i = n; i > at; i--) {
            kernel.put64(recordAddress(id, i), kernel.get64(recordAddress(id, i - 1)));
            kernel.put64(recordAddress(id, i) + 8, kernel.get64(recordAddress(id, i - 1) + 8));
        }
        kernel.put64(recordAddress(id, at), cursor);
        kernel.put64(recordAddress(id, at) + 8, need);
        segments.putInt(id, SegmentTable.HEAP_BLOCKS_AT, n + 1);
        segments.putLong(id, SegmentTable.HEAP_USED_AT, used + need);
        return cursor;
    }

    int free(Domain d, long address) {
        int id = d.id();
        int n = Math.max(0, Math.min(MemoryLayout.HEAP_RECORDS, segments.getInt(id, SegmentTable.HEAP_BLOCKS_AT)));
        for (int i = 0; i < n; i++) {
            if (kernel.get64(recordAddress(id, i)) == address) {
                long s = kernel.get64(recordAddress(id, i) + 8);
                for (int j = i; j < n - 1; j++) {
                    kernel.put64(recordAddress(id, j), kernel.get64(recordAddress(id, j + 1)));
                    kernel.put64(recordAddress(id, j) + 8, kernel.get64(recordAddress(id, j + 1) + 8));
                }
                kernel.put64(recordAddress(id, n - 1), 0);
                kernel.put64(recordAddress(id, n - 1) + 8, 0);
                segments.putInt(id, SegmentTable.HEAP_BLOCKS_AT, n - 1);
                segments.putLong(id, SegmentTable.HEAP_USED_AT, segments.getLong(id, SegmentTable.HEAP_USED_AT) - s);
                return Status.OK;
            }
        }
        return Status.ENOENT;
    }

    /** Drops every block of a domain (abort, destroy). */
    void clear(int id) {
        for (int i = 0; i < MemoryLayout.HEAP_RECORDS; i++) {
            if (kernel.get64(recordAddress(id, i)) != 0 || kernel.get64(recordAddress(id, i) + 8) != 0) {
                kernel.put64(recordAddress(id, i), 0);
                kernel.put64(recordAddress(id, i) + 8, 0);
            }
        }
        segments.putInt(id, SegmentTable.HEAP_BLOCKS_AT, 0);
        segments.putLong(id, SegmentTable.HEAP_USED_AT, 0);
    }

    /** Address of block record {@code i} of domain {@code id} (0 if empty). */
    public long blockAddress(int id, int i) {
        return memory.peek64(recordAddress(id, i));
    }

    /** Size of block record {@code i} of domain {@code id} (0 if empty). */
    public long blockSize(int id, int i) {
        return memory.peek64(recordAddress(id, i) + 8);
    }
}
