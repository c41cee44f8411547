package testbed.bench.extensions;

import testbed.kernel.api.Context;
import testbed.kernel.api.Memory;
import testbed.kernel.api.PacketFilter;

/**
 * Workload: an open-addressing hash table (linear probing) kept in the segment, the kind of flow
 * table an in-kernel packet handler keeps. Each call clears the table, inserts the {@link #KEYS}
 * keys found at {@link #KEY_ARRAY} (non-zero, distinct; the value of key {@code i} is {@code i + 1}),
 * then looks up those keys and the {@link #KEYS} absent keys that follow them. Ignores the packet;
 * answers a fold of the values found and the number of probes, so a probe that went wrong changes
 * the answer. Roughly 6,000 memory accesses per call, loads and stores mixed.
 */
public final class HashTableFilter implements PacketFilter {
    /** Offset in the segment of the keys: {@link #KEYS} present keys, then {@link #KEYS} absent ones, 8 bytes each. */
    public static final int KEY_ARRAY = 4096;
    /** Offset in the segment of the table: {@link #SLOTS} slots of 16 bytes, key then value; key 0 marks a free slot. */
    public static final int TABLE = 16384;
    public static final int KEYS = 512;
    public static final int SLOTS = 1024;
    /** log2 of {@link #SLOTS}. */
    public static final int SLOT_BITS = 10;

    @Override
    public int filter(Context ctx, long packet, int length) {
        Memory mem = ctx.memory();
        long keys = ctx.segmentBase() + KEY_ARRAY;
        long table = ctx.segmentBase() + TABLE;
        for (int s = 0; s < SLOTS; s++) {
            mem.store64(table + ((long) s << 4), 0);
        }
        for (int i = 0; i < KEYS; i++) {
            long key = mem.load64(keys + ((long) i << 3));
            int s = slot(key);
            while (mem.load64(table + ((long) s << 4)) != 0) {
                s = (s + 1) & (SLOTS - 1);
            }
            mem.store64(table + ((long) s << 4), key);
            mem.store64(table + ((long) s << 4) + 8, i + 1);
        }
        long found = 0;
        long probes = 0;
        for (int i = 0; i < 2 * KEYS; i++) {
            long key = mem.load64(keys + ((long) i << 3));
            int s = slot(key);
            while (true) {
                probes++;
                long k = mem.load64(table + ((long) s << 4));
                if (k == key) {
                    found += mem.load64(table + ((long) s << 4) + 8);
                    break;
                }
                if (k == 0) {
                    break;
                }
                s = (s + 1) & (SLOTS - 1);
            }
        }
        return (int) (found * 31 + probes) & 0x7FFFFFFF;
    }

    /** Fibonacci hashing: the top bits of the key times 2^64 over the golden ratio. */
    private static int slot(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> (64 - SLOT_BITS));
    }
}
