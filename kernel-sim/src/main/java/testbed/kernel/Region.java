package testbed.kernel;

/**
 * The named, page-aligned regions of simulated physical memory, in address order. Everything
 * below {@link #DOMAIN_ARENA} is kernel state; the arena holds domain segments and bound frames.
 * {@link MemoryLayout} places them for a given {@link KernelConfig}.
 */
public enum Region {
    /** Magic, memory size, simulated time, the cache's use clock, boot counters. */
    HEADER,
    /** One 64-byte record per domain id: state, segment, capabilities, quotas and usage. */
    SEGMENT_TABLE,
    /** Two bytes per 4 KiB frame of all memory: its use and its owner domain. */
    FRAME_TABLE,
    /** The buddy allocator's free bitmaps, one per order. */
    BUDDY_MAP,
    /** One 16-byte record per kernel lock: owner and time taken. */
    LOCK_TABLE,
    /** One 128-byte record per hook: counters and the ids of attached domains. */
    HOOK_TABLE,
    /** Per domain, the records of its heap blocks (the blocks themselves are in its segment). */
    HEAP_TABLE,
    /** NIC receive ring. */
    RX_RING,
    /** NIC transmit ring, filled by {@code sendPacket}. */
    TX_RING,
    /** Delivered packets waiting for the application. */
    SOCKET_QUEUE,
    /** Block map and block data of the buffer cache; dirty blocks exist only here. */
    BUFFER_CACHE,
    /** Fixed-size entries appended by the {@code log} helper. */
    KERNEL_LOG,
    /** Frames for domain segments and secure bindings, managed by the buddy allocator. */
    DOMAIN_ARENA
}
