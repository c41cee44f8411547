package testbed.kernel;

/**
 * A ring of packet slots in simulated memory (the NIC's receive and transmit rings and the
 * socket queue). The header holds the monotonic sequence numbers {@code head} (oldest entry) and
 * {@code tail} (next to fill); entry {@code seq} lives in slot {@code seq % slots}, which also
 * records its sequence number and length. Public methods read without being recorded by the
 * monitor (for the oracle); package-private ones are the kernel's own.
 */
public final class PacketRing {
    static final int HEAD_AT = 0;
    static final int TAIL_AT = 8;
    static final int SLOTS_AT = 16;
    static final int ACCEPTED_AT = 24;
    static final int DROPPED_AT = 32;
    static final int SLOT_LENGTH_AT = 0;
    static final int SLOT_SEQ_AT = 8;
    /** Bytes of a slot header; the packet follows it. */
    public static final int SLOT_HEADER = 16;

    private final PhysicalMemory memory;
    private final KernelMemory kernel;
    private final Region region;
    private final long base;
    private final int slots;

    PacketRing(PhysicalMemory memory, KernelMemory kernel, MemoryLayout layout, Region region, int slots) {
        this.memory = memory;
        this.kernel = kernel;
        this.region = region;
        this.base = layout.base(region);
        this.slots = slots;
    }

    /** The region the ring lives in. */
    public Region region() {
        return region;
    }

    /** Configured number of slots. */
    public int slots() {
        return slots;
    }

    /** Address of the slot that holds entry {@code seq}. */
    public long slotAddress(long seq) {
        return base + MemoryLayout.RING_HEADER + Math.floorMod(seq, (long) slots) * MemoryLayout.RING_SLOT;
    }

    /** Address of the packet bytes of entry {@code seq}. */
    public long dataAddress(long seq) {
        return slotAddress(seq) + SLOT_HEADER;
    }

    void format() {
        kernel.put32(base + SLOTS_AT, slots);
    }

    /** Entries in the ring, or -1 if the header is corrupt. */
    private long fill() {
        long head = kernel.get64(base + HEAD_AT);
        long tail = kernel.get64(base + TAIL_AT);
        long n = tail - head;
        return head < 0 || n < 0 || n > slots ? -1 : n;
    }

    /**
     * Claims the next slot for a packet of {@code length} bytes; the caller fills its data.
     *
     * @return the entry's sequence number, or -1 if the ring is full (or corrupt); counted as dropped
     */
    long claim(int length) {
        long n = fill();
        if (n < 0 || n == slots) {
            kernel.put64(base + DROPPED_AT, kernel.get64(base + DROPPED_AT) + 1);
            return -1;
        }
        long seq = kernel.get64(base + TAIL_AT);
        long slot = slotAddress(seq);
        kernel.put32(slot + SLOT_LENGTH_AT, length);
        kernel.put64(slot + SLOT_SEQ_AT, seq);
        kernel.put64(base + TAIL_AT, seq + 1);
        kernel.put64(base + ACCEPTED_AT, kernel.get64(base + ACCEPTED_AT) + 1);
        return seq;
    }

    /** Appends a packet from a Java array. */
    long push(byte[] packet, int length) {
        long seq = claim(length);
        if (seq >= 0) {
            kernel.memory.write(dataAddress(seq), packet, 0, length);
        }
        return seq;
    }

    /** Appends a packet copied from simulated memory. */
    long pushFrom(long address, int length) {
        long seq = claim(length);
        if (seq >= 0) {
            kernel.memory.copy(dataAddress(seq), address, length);
        }
        return seq;
    }

    /** Sequence number of the oldest entry, or -1 if the ring is empty (or corrupt). */
    long oldest() {
        long n = fill();
        return n <= 0 ? -1 : kernel.get64(base + HEAD_AT);
    }

    /** Length of entry {@code seq} as its slot records it, clamped to a packet's bounds. */
    int lengthOf(long seq) {
        int len = kernel.get32(slotAddress(seq) + SLOT_LENGTH_AT);
        return Math.max(0, Math.min(KernelConfig.MAX_PACKET, len));
    }

    /** Drops the oldest entry. */
    void dropOldest() {
        long n = fill();
        if (n > 0) {
            kernel.put64(base + HEAD_AT, kernel.get64(base + HEAD_AT) + 1);
        }
    }

    /** Removes the oldest entry into {@code target}; returns its length or -1 if empty. */
    int pop(byte[] target) {
        long seq = oldest();
        if (seq < 0) {
            return -1;
        }
        int len = Math.min(lengthOf(seq), target.length);
        kernel.memory.read(dataAddress(seq), target, 0, len);
        dropOldest();
        return len;
    }

    public long head() {
        return memory.peek64(base + HEAD_AT);
    }

    public long tail() {
        return memory.peek64(base + TAIL_AT);
    }

    /** Slot count as recorded in the header. */
    public int recordedSlots() {
        return memory.peek32(base + SLOTS_AT);
    }

    public long accepted() {
        return memory.peek64(base + ACCEPTED_AT);
    }

    public long dropped() {
        return memory.peek64(base + DROPPED_AT);
    }

    /** The sequence number recorded in the slot of entry {@code seq}. */
    public long recordedSeq(long seq) {
        return memory.peek64(slotAddress(seq) + SLOT_SEQ_AT);
    }

    /** The length recorded in the slot of entry {@code seq} (unclamped). */
    public int recordedLength(long seq) {
        return memory.peek32(slotAddress(seq) + SLOT_LENGTH_AT);
    }

    /** Checksum of the packet bytes of entry {@code seq}, with its recorded length clamped. */
    public long checksum(long seq) {
        int len = Math.max(0, Math.min(KernelConfig.MAX_PACKET, recordedLength(seq)));
        return memory.checksum(dataAddress(seq), len);
    }
}
