package testbed.bench;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import testbed.bench.extensions.ComputeFilter;
import testbed.bench.extensions.CopyFilter;
import testbed.bench.extensions.HashTableFilter;
import testbed.bench.extensions.HeaderFilter;
import testbed.bench.extensions.PatternReadFilter;
import testbed.bench.extensions.SortFilter;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;
import testbed.kernel.api.ReadFilter;

/**
 * One workload of the overhead experiment (E1): an extension from {@code testbed.bench.extensions}
 * loaded in one isolation variant through a {@link Rig}, its input written into the segment, and
 * the host's side of one operation ({@link #run()}: one or more direct calls of the extension).
 * The host side is the same in every variant; only the extension's rewritten code differs.
 *
 * <p>Every workload knows its answer from a plain-Java computation over the same input
 * ({@link #expected()}); {@link #load} refuses a variant whose answer, or whose result left in
 * memory, differs, so that a broken rewrite cannot post a good time.
 */
abstract class Workload implements AutoCloseable {
    /** Workload names, as {@code IsolationBench}'s {@code workload} parameter takes them. */
    static final List<String> NAMES = List.of("checksum", "packetFilter", "copy", "hashTable", "sort", "readFilter", "compute");

    private final String extension;
    Rig rig;
    Context ctx;
    long base;

    private Workload(String extension) {
        this.extension = extension;
    }

    /** A workload by name, not yet loaded. */
    static Workload named(String name) {
        switch (name) {
            case "checksum": return new Checksum();
            case "packetFilter": return new HeaderMatch();
            case "copy": return new Copy();
            case "hashTable": return new HashTable();
            case "sort": return new Sort();
            case "readFilter": return new PatternRead();
            case "compute": return new Compute();
            default: throw new IllegalArgumentException("unknown workload '" + name + "'; known: " + NAMES);
        }
    }

    /**
     * Loads workload {@code name}'s extension in {@code variant} (a {@code ProtectionMode} name or
     * {@code SFI_MASK_STORES}), writes its input (the same for every variant) and checks its answer.
     *
     * @throws IllegalStateException if the answer or the memory it leaves differs from plain Java's
     */
    static Workload load(String name, String variant, boolean metered) {
        Workload w = named(name);
        w.rig = Rig.load(w.extension, variant, metered);
        w.ctx = w.rig.context;
        w.base = w.rig.domain.segment().base();
        w.prepare(new SplittableRandom(42));
        w.rig.touchSegment();
        for (int call = 0; call < 2; call++) {
            int got = w.run();
            if (got != w.expected()) {
                w.close();
                throw new IllegalStateException(name + " in " + variant + (metered ? " metered" : "") + ": answered "
                        + got + ", plain Java says " + w.expected());
            }
            String wrong = w.wrongMemory();
            if (wrong != null) {
                w.close();
                throw new IllegalStateException(name + " in " + variant + (metered ? " metered" : "") + ": " + wrong);
            }
        }
        return w;
    }

    /** Simple name of the extension class. */
    final String extension() {
        return extension;
    }

    /** Writes the input into the segment and computes the expected answer. */
    abstract void prepare(SplittableRandom random);

    /** One operation: what the benchmark times. */
    abstract int run();

    /** The answer of {@link #run()}, computed in plain Java from the input. */
    abstract int expected();

    /** What is wrong with what the last {@link #run()} left in the segment, or null if nothing. */
    String wrongMemory() {
        return null;
    }

    /** Writes into the segment at {@code offset} as the kernel, as a kernel hands a domain its input. */
    final void write(int offset, byte[] data) {
        PhysicalMemory m = rig.kernel.memory();
        int prev = m.actAs(PhysicalMemory.KERNEL);
        try {
            m.write(base + offset, data, 0, data.length);
        } finally {
            m.actAs(prev);
        }
    }

    /** Reads the segment without the monitor seeing it. */
    final byte[] peek(int offset, int length) {
        byte[] b = new byte[length];
        rig.kernel.memory().peek(base + offset, b, 0, length);
        return b;
    }

    @Override
    public void close() {
        if (rig != null) {
            rig.close();
        }
    }

    static long le64(byte[] b, int i) {
        long v = 0;
        for (int k = 7; k >= 0; k--) {
            v = v << 8 | (b[i + k] & 0xFF);
        }
        return v;
    }

    static int le32(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
    }

    static void putLe(byte[] b, int i, long v, int width) {
        for (int k = 0; k < width; k++) {
            b[i + k] = (byte) (v >>> (8 * k));
        }
    }

    static void putBe(byte[] b, int i, long v, int width) {
        for (int k = 0; k < width; k++) {
            b[i + k] = (byte) (v >>> (8 * (width - 1 - k)));
        }
    }

    /** The Internet checksum of a 1,500-byte packet in the window: 750 {@code load16}. */
    static final class Checksum extends Workload {
        static final int LENGTH = 1500;
        private PacketFilter filter;
        private long packet;
        private int expected;

        Checksum() {
            super("ChecksumFilter");
        }

        @Override
        void prepare(SplittableRandom random) {
            filter = (PacketFilter) rig.extension;
            packet = rig.domain.window();
            byte[] data = new byte[LENGTH];
            random.nextBytes(data);
            write(0, data);
            expected = checksum(data);
        }

        @Override
        int run() {
            return filter.filter(ctx, packet, LENGTH);
        }

        @Override
        int expected() {
            return expected;
        }

        /** RFC 1071 over little-endian 16-bit words, folded and complemented, as the extension sums. */
        static int checksum(byte[] data) {
            long sum = 0;
            for (int i = 0; i + 1 < data.length; i += 2) {
                sum += (data[i] & 0xFF) | (data[i + 1] & 0xFF) << 8;
            }
            if ((data.length & 1) != 0) {
                sum += data[data.length - 1] & 0xFF;
            }
            while ((sum >>> 16) != 0) {
                sum = (sum & 0xFFFF) + (sum >>> 16);
            }
            return (int) (~sum & 0xFFFF);
        }
    }

    /**
     * {@code HeaderFilter} over {@link #PACKETS} packets of assorted headers (VLAN tags, IPv4
     * options, fragments, TCP, UDP, ICMP, IPv6, truncated frames), one call each, as the kernel
     * calls a filter per packet. The answer is the bytes delivered; the expected answer comes from
     * the fields the generator chose, not from parsing the bytes back.
     */
    static final class HeaderMatch extends Workload {
        static final int PACKETS = 64;
        static final int SLOT = 128;
        static final int FIRST = 4096;
        private PacketFilter filter;
        private final long[] addresses = new long[PACKETS];
        private final int[] lengths = new int[PACKETS];
        private int expected;

        HeaderMatch() {
            super("HeaderFilter");
        }

        @Override
        void prepare(SplittableRandom random) {
            filter = (PacketFilter) rig.extension;
            byte[] area = new byte[PACKETS * SLOT];
            int delivered = 0;
            int[] ports = {80, 443, 22, 53, 8080, 25};
            for (int p = 0; p < PACKETS; p++) {
                int at = p * SLOT;
                byte[] frame = new byte[SLOT];
                random.nextBytes(frame);
                boolean vlan = random.nextInt(5) == 0;
                int l3 = vlan ? 18 : 14;
                int kind = random.nextInt(20);
                int type = kind == 0 ? 0x86DD : kind == 1 ? 0x0806 : HeaderFilter.IPV4;
                if (vlan) {
                    putBe(frame, 12, HeaderFilter.VLAN, 2);
                    putBe(frame, 16, type, 2);
                } else {
                    putBe(frame, 12, type, 2);
                }
                int ihl = 5 + random.nextInt(3);
                frame[l3] = (byte) (4 << 4 | ihl);
                boolean laterFragment = random.nextInt(10) == 0;
                putBe(frame, l3 + 6, laterFragment ? 1 + random.nextInt(0x1FFF) : (random.nextBoolean() ? 0x4000 : 0), 2);
                int r = random.nextInt(20);
                int protocol = r < 10 ? HeaderFilter.TCP : r < 17 ? HeaderFilter.UDP : 1;
                frame[l3 + 9] = (byte) protocol;
                boolean tenNet = random.nextInt(3) == 0;
                int source = tenNet ? 10 << 24 | random.nextInt(1 << 24) : (11 + random.nextInt(200)) << 24 | random.nextInt(1 << 24);
                putBe(frame, l3 + 12, source, 4);
                int l4 = l3 + 4 * ihl;
                int sourcePort = random.nextInt(4) == 0 ? ports[random.nextInt(ports.length)] : 1024 + random.nextInt(60000);
                int destinationPort = ports[random.nextInt(ports.length)];
                putBe(frame, l4, sourcePort, 2);
                putBe(frame, l4 + 2, destinationPort, 2);
                boolean truncated = random.nextInt(16) == 0;
                int length = truncated ? l4 + random.nextInt(4) : l4 + 4 + random.nextInt(SLOT - l4 - 4 + 1);
                System.arraycopy(frame, 0, area, at, SLOT);
                addresses[p] = base + FIRST + at;
                lengths[p] = length;
                boolean accept = type == HeaderFilter.IPV4 && !truncated && !laterFragment
                        && (protocol == HeaderFilter.TCP
                                ? destinationPort == 80 || destinationPort == 443 || (destinationPort == 22 && tenNet)
                                : protocol == HeaderFilter.UDP && (sourcePort == 53 || destinationPort == 53));
                delivered += accept ? length : 0;
            }
            write(FIRST, area);
            expected = delivered;
        }

        /** Length of packet {@code p}. */
        int length(int p) {
            return lengths[p];
        }

        @Override
        int run() {
            int delivered = 0;
            for (int p = 0; p < PACKETS; p++) {
                delivered += filter.filter(ctx, addresses[p], lengths[p]);
            }
            return delivered;
        }

        @Override
        int expected() {
            return expected;
        }
    }

    /** {@code CopyFilter}: 8 KiB copied inside the segment, 1,024 {@code load64} and {@code store64}. */
    static final class Copy extends Workload {
        private PacketFilter filter;
        private byte[] block;
        private int expected;

        Copy() {
            super("CopyFilter");
        }

        @Override
        void prepare(SplittableRandom random) {
            filter = (PacketFilter) rig.extension;
            block = new byte[CopyFilter.BYTES];
            random.nextBytes(block);
            write(CopyFilter.SOURCE, block);
            long fold = 0;
            for (int i = 0; i < block.length; i += 8) {
                fold ^= le64(block, i);
            }
            expected = (int) (fold ^ (fold >>> 32)) & 0x7FFFFFFF;
        }

        @Override
        int run() {
            return filter.filter(ctx, 0, 0);
        }

        @Override
        int expected() {
            return expected;
        }

        @Override
        String wrongMemory() {
            return Arrays.equals(block, peek(CopyFilter.SOURCE + CopyFilter.BYTES, CopyFilter.BYTES)) ? null : "the copy did not copy";
        }
    }

    /** {@code HashTableFilter}: 512 inserts and 1,024 lookups (half of them misses) in a 1,024-slot table. */
    static final class HashTable extends Workload {
        private PacketFilter filter;
        private int expected;

        HashTable() {
            super("HashTableFilter");
        }

        @Override
        void prepare(SplittableRandom random) {
            filter = (PacketFilter) rig.extension;
            int n = HashTableFilter.KEYS;
            long[] keys = random.longs().filter(k -> k != 0).distinct().limit(2L * n).toArray();
            byte[] bytes = new byte[keys.length * 8];
            for (int i = 0; i < keys.length; i++) {
                putLe(bytes, 8 * i, keys[i], 8);
            }
            write(HashTableFilter.KEY_ARRAY, bytes);
            // The same table in a Java array: an independent account of where every key lands.
            int slots = HashTableFilter.SLOTS;
            long[] tableKeys = new long[slots];
            long[] tableValues = new long[slots];
            for (int i = 0; i < n; i++) {
                int s = slot(keys[i]);
                while (tableKeys[s] != 0) {
                    s = (s + 1) % slots;
                }
                tableKeys[s] = keys[i];
                tableValues[s] = i + 1;
            }
            long found = 0;
            long probes = 0;
            for (long key : keys) {
                for (int s = slot(key); ; s = (s + 1) % slots) {
                    probes++;
                    if (tableKeys[s] == key) {
                        found += tableValues[s];
                        break;
                    }
                    if (tableKeys[s] == 0) {
                        break;
                    }
                }
            }
            if (found != (long) n * (n + 1) / 2) {
                throw new IllegalStateException("the reference hash table lost keys");
            }
            expected = (int) (found * 31 + probes) & 0x7FFFFFFF;
        }

        private static int slot(long key) {
            return (int) ((key * 0x9E3779B97F4A7C15L) >>> (64 - HashTableFilter.SLOT_BITS));
        }

        @Override
        int run() {
            return filter.filter(ctx, 0, 0);
        }

        @Override
        int expected() {
            return expected;
        }
    }

    /** {@code SortFilter}: heapsort of 512 ints, restored from a saved shuffled copy each call. */
    static final class Sort extends Workload {
        private PacketFilter filter;
        private int[] sorted;
        private int expected;

        Sort() {
            super("SortFilter");
        }

        @Override
        void prepare(SplittableRandom random) {
            filter = (PacketFilter) rig.extension;
            int[] values = random.ints(SortFilter.COUNT).toArray();
            byte[] bytes = new byte[4 * values.length];
            for (int i = 0; i < values.length; i++) {
                putLe(bytes, 4 * i, values[i], 4);
            }
            write(SortFilter.SAVED, bytes);
            sorted = values.clone();
            Arrays.sort(sorted);
            int fold = 0;
            for (int v : sorted) {
                fold = fold * 31 + v;
            }
            expected = fold & 0x7FFFFFFF;
        }

        @Override
        int run() {
            return filter.filter(ctx, 0, 0);
        }

        @Override
        int expected() {
            return expected;
        }

        @Override
        String wrongMemory() {
            byte[] b = peek(SortFilter.WORK, 4 * SortFilter.COUNT);
            for (int i = 0; i < sorted.length; i++) {
                if (le32(b, 4 * i) != sorted[i]) {
                    return "element " + i + " of the sorted array is " + le32(b, 4 * i) + ", plain Java has " + sorted[i];
                }
            }
            return null;
        }
    }

    /**
     * {@code PatternReadFilter} over a 2 KiB block of 64 records, about a quarter holding the
     * pattern. Before each call the host copies the block into the window, as the kernel's
     * {@code read} does before it calls a read filter (the filter compacts the window in place).
     */
    static final class PatternRead extends Workload {
        static final int BLOCK = 2048;
        static final int SAVED = 4096;
        private ReadFilter filter;
        private PhysicalMemory memory;
        private long window;
        private long saved;
        private byte[] keptBytes;

        PatternRead() {
            super("PatternReadFilter");
        }

        @Override
        void prepare(SplittableRandom random) {
            filter = (ReadFilter) rig.extension;
            memory = rig.kernel.memory();
            window = rig.domain.window();
            saved = base + SAVED;
            byte[] block = new byte[BLOCK];
            random.nextBytes(block);
            int record = PatternReadFilter.RECORD;
            for (int r = 0; r < BLOCK; r += record) {
                if (random.nextInt(4) == 0) {
                    putLe(block, r + random.nextInt(record - 3), PatternReadFilter.PATTERN, 4);
                }
            }
            write(SAVED, block);
            ByteArrayOutputStream kept = new ByteArrayOutputStream();
            for (int r = 0; r < BLOCK; r += record) {
                for (int i = 0; i <= record - 4; i++) {
                    if (le32(block, r + i) == PatternReadFilter.PATTERN) {
                        kept.write(block, r, record);
                        break;
                    }
                }
            }
            keptBytes = kept.toByteArray();
        }

        @Override
        int run() {
            memory.copy(window, saved, BLOCK);
            return filter.filter(ctx, window, BLOCK);
        }

        @Override
        int expected() {
            return keptBytes.length;
        }

        @Override
        String wrongMemory() {
            return Arrays.equals(keptBytes, peek(0, keptBytes.length)) ? null : "the records kept are not the ones holding the pattern";
        }
    }

    /** {@code ComputeFilter}: arithmetic only, no memory access; the control. */
    static final class Compute extends Workload {
        private PacketFilter filter;
        private long argument;
        private int expected;

        Compute() {
            super("ComputeFilter");
        }

        @Override
        void prepare(SplittableRandom random) {
            filter = (PacketFilter) rig.extension;
            argument = rig.domain.window();
            long x = (argument & 0xFFF) ^ ((long) 1500 << 32);
            for (int i = 0; i < ComputeFilter.ROUNDS; i++) {
                x += 0x9E3779B97F4A7C15L;
                long z = x;
                z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
                z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
                x ^= z ^ (z >>> 31);
            }
            expected = (int) (x ^ (x >>> 32)) & 0x7FFFFFFF;
        }

        @Override
        int run() {
            return filter.filter(ctx, argument, 1500);
        }

        @Override
        int expected() {
            return expected;
        }
    }
}
