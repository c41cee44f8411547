package testbed.kernel;

/**
 * The kernel's structures in simulated memory, laid out by {@link MemoryLayout}: the boot
 * header, the segment, frame, lock, hook and heap tables, the buddy allocator, the packet rings,
 * the buffer cache and the log, with the disk beside them. They are what the oracle's fsck
 * checks against each other, so {@link testbed.kernel.oracle} reads them here
 * ({@link Kernel#structures()}); their public methods read without being recorded by the write
 * monitor, and only the kernel changes them. Other modules read the kernel through
 * {@link KernelView}, whose figures do not change when a table's layout does.
 */
public final class KernelStructures {
    final KernelConfig config;
    final MemoryLayout layout;
    final PhysicalMemory memory;
    final KernelMemory kernelMemory;
    final Header header;
    final SegmentTable segments;
    final FrameTable frames;
    final FrameAllocator allocator;
    final LockTable locks;
    final HookTable hooks;
    final HeapTable heap;
    final PacketRing rx;
    final PacketRing tx;
    final PacketRing socket;
    final BufferCache cache;
    final KernelLog log;
    final Disk disk;

    KernelStructures(KernelConfig config) {
        this.config = config;
        this.layout = new MemoryLayout(config);
        this.memory = new PhysicalMemory(config.memorySize());
        this.kernelMemory = new KernelMemory(memory);
        this.header = new Header(memory, kernelMemory, layout);
        this.segments = new SegmentTable(memory, kernelMemory, layout);
        this.frames = new FrameTable(memory, kernelMemory, layout);
        this.allocator = new FrameAllocator(memory, kernelMemory, layout, frames);
        this.locks = new LockTable(memory, kernelMemory, layout);
        this.hooks = new HookTable(memory, kernelMemory, layout);
        this.heap = new HeapTable(memory, kernelMemory, layout, segments);
        this.rx = new PacketRing(memory, kernelMemory, layout, Region.RX_RING, config.rxSlots());
        this.tx = new PacketRing(memory, kernelMemory, layout, Region.TX_RING, config.txSlots());
        this.socket = new PacketRing(memory, kernelMemory, layout, Region.SOCKET_QUEUE, config.socketSlots());
        this.cache = new BufferCache(memory, kernelMemory, layout);
        this.log = new KernelLog(memory, kernelMemory, layout);
        this.disk = new Disk(config);
    }

    /** Formats every structure in memory and fills the disk; the kernel's first act at boot. */
    void format() {
        header.format(layout);
        frames.setRange(0, layout.arenaFirstFrame(), FrameTable.KERNEL, 0);
        allocator.format();
        rx.format();
        tx.format();
        socket.format();
        log.format();
        disk.fill(config.seed());
    }

    /** The boot header and the kernel's own fields after it (time, cache use clock). */
    public Header header() {
        return header;
    }

    /** Per domain id: state, segment, capabilities, quotas and usage. */
    public SegmentTable segmentTable() {
        return segments;
    }

    /** Per frame: its use and owner. */
    public FrameTable frameTable() {
        return frames;
    }

    /** The buddy allocator of the domain arena. */
    public FrameAllocator frameAllocator() {
        return allocator;
    }

    /** Per kernel lock: holder and time taken. */
    public LockTable lockTable() {
        return locks;
    }

    /** Per hook: attached domain ids in call order and counters. */
    public HookTable hookTable() {
        return hooks;
    }

    /** Per domain: the records of its heap blocks. */
    public HeapTable heapTable() {
        return heap;
    }

    /** The NIC's receive ring. */
    public PacketRing rxRing() {
        return rx;
    }

    /** The transmit ring that {@code sendPacket} fills. */
    public PacketRing txRing() {
        return tx;
    }

    /** Packets delivered to the application. */
    public PacketRing socketQueue() {
        return socket;
    }

    /** The block map and data of the buffer cache. */
    public BufferCache bufferCache() {
        return cache;
    }

    /** The kernel log. */
    public KernelLog kernelLog() {
        return log;
    }

    /** The disk behind the buffer cache (outside simulated memory). */
    public Disk disk() {
        return disk;
    }
}
