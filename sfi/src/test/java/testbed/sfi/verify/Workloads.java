package testbed.sfi.verify;

import testbed.kernel.api.Context;
import testbed.kernel.api.Memory;
import testbed.kernel.api.PacketFilter;
import testbed.kernel.api.ReadFilter;

/** Sample extensions in the shapes of the bench's memory workloads, for the analysis's tests. */
final class Workloads {
    private Workloads() {
    }

    /** The bench's copy: 8 KiB by 64-bit words from the base plus a constant. */
    public static final class Copy implements PacketFilter {
        @Override
        public int filter(Context ctx, long packet, int length) {
            Memory mem = ctx.memory();
            long src = ctx.segmentBase() + 4096;
            long dst = src + 8192;
            long fold = 0;
            for (int off = 0; off < 8192; off += 8) {
                long v = mem.load64(src + off);
                mem.store64(dst + off, v);
                fold ^= v;
            }
            return (int) (fold ^ (fold >>> 32)) & 0x7FFFFFFF;
        }
    }

    /** The bench's checksum: over the packet in the window, bounded by the hook's length. */
    public static final class Checksum implements PacketFilter {
        @Override
        public int filter(Context ctx, long packet, int length) {
            Memory mem = ctx.memory();
            long sum = 0;
            int even = length & ~1;
            for (int i = 0; i < even; i += 2) {
                sum += mem.load16(packet + i) & 0xFFFF;
            }
            if ((length & 1) != 0) {
                sum += mem.load8(packet + even) & 0xFF;
            }
            while ((sum >>> 16) != 0) {
                sum = (sum & 0xFFFF) + (sum >>> 16);
            }
            return (int) (~sum & 0xFFFF);
        }
    }

    /** The bench's hash table: slots from a hash helper's result and a mask. */
    public static final class HashTable implements PacketFilter {
        @Override
        public int filter(Context ctx, long packet, int length) {
            Memory mem = ctx.memory();
            long keys = ctx.segmentBase() + 4096;
            long table = ctx.segmentBase() + 16384;
            for (int s = 0; s < 1024; s++) {
                mem.store64(table + ((long) s << 4), 0);
            }
            long found = 0;
            for (int i = 0; i < 512; i++) {
                long key = mem.load64(keys + ((long) i << 3));
                int s = slot(key);
                while (mem.load64(table + ((long) s << 4)) != 0) {
                    s = (s + 1) & 1023;
                }
                mem.store64(table + ((long) s << 4), key);
                found += mem.load64(table + ((long) s << 4) + 8);
            }
            long probes = 0;
            for (int i = 0; i < 2 * 512; i++) {
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
                    s = (s + 1) & 1023;
                }
            }
            return (int) (found * 31 + probes) & 0x7FFFFFFF;
        }

        private static int slot(long key) {
            return (int) ((key * 0x9E3779B97F4A7C15L) >>> 54);
        }
    }

    /** The bench's heapsort: a private helper whose arguments come from its call sites. */
    public static final class Sort implements PacketFilter {
        @Override
        public int filter(Context ctx, long packet, int length) {
            Memory mem = ctx.memory();
            long a = ctx.segmentBase() + 8192;
            mem.copy(a, ctx.segmentBase() + 4096, 4L * 512);
            for (int start = 512 / 2 - 1; start >= 0; start--) {
                siftDown(mem, a, start, 512);
            }
            for (int end = 512 - 1; end > 0; end--) {
                int top = mem.load32(a);
                mem.store32(a, mem.load32(a + 4L * end));
                mem.store32(a + 4L * end, top);
                siftDown(mem, a, 0, end);
            }
            return mem.load32(a) & 0x7FFFFFFF;
        }

        private static void siftDown(Memory mem, long a, int root, int end) {
            int value = mem.load32(a + 4L * root);
            int hole = root;
            int child = 2 * hole + 1;
            while (child < end) {
                int c = mem.load32(a + 4L * child);
                if (child + 1 < end) {
                    int right = mem.load32(a + 4L * (child + 1));
                    if (right > c) {
                        child++;
                        c = right;
                    }
                }
                if (c <= value) {
                    break;
                }
                mem.store32(a + 4L * hole, c);
                hole = child;
                child = 2 * hole + 1;
            }
            mem.store32(a + 4L * hole, value);
        }
    }

    /** The bench's read filter: records of the block the kernel passed, compacted in place. */
    public static final class Records implements ReadFilter {
        @Override
        public int filter(Context ctx, long buffer, int length) {
            Memory mem = ctx.memory();
            int kept = 0;
            for (int r = 0; r + 32 <= length; r += 32) {
                boolean match = false;
                for (int i = 0; i <= 32 - 4 && !match; i++) {
                    match = mem.load32(buffer + r + i) == 0x21545845;
                }
                if (match) {
                    if (kept != r) {
                        for (int w = 0; w < 32; w += 8) {
                            mem.store64(buffer + kept + w, mem.load64(buffer + r + w));
                        }
                    }
                    kept += 32;
                }
            }
            return kept;
        }
    }

    /** The bench's header match: loads at offsets the length checks before them bound. */
    public static final class Header implements PacketFilter {
        @Override
        public int filter(Context ctx, long packet, int length) {
            if (length < 14) {
                return 0;
            }
            Memory mem = ctx.memory();
            int l3 = 14;
            int type = Short.reverseBytes(mem.load16(packet + 12)) & 0xFFFF;
            if (type == 0x8100) {
                if (length < 18) {
                    return 0;
                }
                type = Short.reverseBytes(mem.load16(packet + 16)) & 0xFFFF;
                l3 = 18;
            }
            if (type != 0x0800 || length < l3 + 20) {
                return 0;
            }
            int versionAndLength = mem.load8(packet + l3) & 0xFF;
            int headerLength = (versionAndLength & 0xF) << 2;
            if ((versionAndLength >>> 4) != 4 || headerLength < 20) {
                return 0;
            }
            int l4 = l3 + headerLength;
            if (length < l4 + 4) {
                return 0;
            }
            int protocol = mem.load8(packet + l3 + 9) & 0xFF;
            int port = Short.reverseBytes(mem.load16(packet + l4 + 2)) & 0xFFFF;
            return protocol == 6 && port == 80 ? length : 0;
        }
    }

    /** Addresses the analysis cannot bound: from the packet's own bytes. */
    public static final class Wild implements PacketFilter {
        @Override
        public int filter(Context ctx, long packet, int length) {
            Memory mem = ctx.memory();
            long target = mem.load64(packet);
            mem.store32(target, 1);
            return mem.load8(packet + 8);
        }
    }
}
