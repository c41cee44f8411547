package testbed.kernel.oracle;

import java.util.Arrays;
import java.util.List;
import testbed.kernel.BufferCache;
import testbed.kernel.Capability;
import testbed.kernel.Domain;
import testbed.kernel.Header;
import testbed.kernel.HeapTable;
import testbed.kernel.api.Hook;
import testbed.kernel.HookTable;
import testbed.kernel.Kernel;
import testbed.kernel.KernelConfig;
import testbed.kernel.KernelLog;
import testbed.kernel.LockTable;
import testbed.kernel.MemoryLayout;
import testbed.kernel.PacketRing;
import testbed.kernel.Region;
import testbed.kernel.SegmentTable;
import testbed.kernel.api.BootHeader;

/**
 * fsck of the kernel structures in simulated memory, read without being monitored, compared
 * with each other and with the kernel's Java-side record of its domains and attachments. It also
 * finds what aborted or destroyed domains left behind (locks, frames, heap blocks, hook slots,
 * segments) and locks taken during the trial and never released. Reports at most
 * {@link #PER_STRUCTURE} findings per structure, then a count of the rest. The frame table and
 * the buddy map are checked by {@link FrameCheck}.
 */
final class StructureCheck {
    static final int PER_STRUCTURE = 8;
    private static final byte[] ZEROS = new byte[MemoryLayout.HEAP_RECORDS * MemoryLayout.HEAP_RECORD];

    private final FrameCheck frames = new FrameCheck();
    private final int[] held = new int[MemoryLayout.DOMAIN_IDS];

    void check(Kernel kernel, Baseline baseline, List<Violation> out) {
        header(kernel, out);
        segmentTable(kernel, out);
        frames.check(kernel, out);
        locks(kernel, baseline, out);
        hooks(kernel, out);
        heap(kernel, out);
        ring(kernel.structures().rxRing(), out);
        ring(kernel.structures().txRing(), out);
        ring(kernel.structures().socketQueue(), out);
        cache(kernel, out);
        log(kernel, out);
    }

    static boolean live(Kernel kernel, int id) {
        Domain d = kernel.domain(id);
        return d != null && !kernel.isAborted(d);
    }

    private static void header(Kernel kernel, List<Violation> out) {
        Findings r = new Findings(out, Region.HEADER);
        Header h = kernel.structures().header();
        long base = kernel.layout().base(Region.HEADER);
        if (h.magic() != Header.MAGIC) {
            r.inconsistent(base, "magic is " + Long.toHexString(h.magic()));
        }
        if (h.publishedCount() != BootHeader.REGION_COUNT) {
            r.inconsistent(base + BootHeader.REGION_COUNT_OFFSET, "the boot map counts " + h.publishedCount() + " regions");
        }
        for (int i = 0; i < BootHeader.REGION_COUNT; i++) {
            Region region = Header.published(i);
            if (h.publishedBase(i) != kernel.layout().base(region) || h.publishedSize(i) != kernel.layout().size(region)) {
                r.inconsistent(base + BootHeader.baseOf(i), "the boot map gives " + region + " as 0x" + Long.toHexString(h.publishedBase(i))
                        + " +" + h.publishedSize(i));
            }
        }
        if (h.memorySize() != kernel.config().memorySize()) {
            r.inconsistent(base + Header.FIELDS, "memory size reads " + h.memorySize());
        }
        if (h.arenaBase() != kernel.layout().base(Region.DOMAIN_ARENA)) {
            r.inconsistent(base + Header.FIELDS + 24, "arena base reads 0x" + Long.toHexString(h.arenaBase()));
        }
        if (h.time() < 0 || h.cacheClock() < 0) {
            r.inconsistent(base + Header.FIELDS + 8, "time " + h.time() + " or cache clock " + h.cacheClock() + " is negative");
        }
        r.close();
    }

    private static void segmentTable(Kernel kernel, List<Violation> out) {
        Findings r = new Findings(out, Region.SEGMENT_TABLE);
        SegmentTable t = kernel.structures().segmentTable();
        for (int id = 0; id < MemoryLayout.DOMAIN_IDS; id++) {
            Domain d = kernel.domain(id);
            long at = t.recordAddress(id);
            int state = t.state(id);
            if (d == null) {
                if (state != SegmentTable.FREE || t.segmentSize(id) != 0) {
                    r.add(id == 0 ? Violation.Kind.INCONSISTENT_STRUCTURE : Violation.Kind.LEAKED_SEGMENT, at, id,
                            "record of id " + id + " is in use (state " + state + ", segment size " + t.segmentSize(id) + ") but no such domain exists");
                }
                continue;
            }
            int expected = kernel.isAborted(d) ? SegmentTable.ABORTED : SegmentTable.LIVE;
            if (state != expected) {
                r.inconsistent(at, d + ": state " + state + ", expected " + expected);
            }
            if (t.segmentBase(id) != d.segment().base() || t.segmentSize(id) != d.segment().size()) {
                r.inconsistent(at, d + ": record says segment at 0x" + Long.toHexString(t.segmentBase(id)) + " of " + t.segmentSize(id) + " bytes");
            }
            if (t.capabilities(id) != Capability.bits(d.spec().capabilities())) {
                r.inconsistent(at, d + ": capability word 0x" + Integer.toHexString(t.capabilities(id)) + " differs from the granted 0x"
                        + Integer.toHexString(Capability.bits(d.spec().capabilities())));
            }
            if (t.frameQuota(id) != d.spec().frameQuota() || t.heapQuota(id) != d.spec().heapQuota() || t.lockQuota(id) != d.spec().lockQuota()) {
                r.inconsistent(at, d + ": quotas differ from its spec");
            }
            if (t.framesBound(id) < 0 || t.framesBound(id) > t.frameQuota(id) || t.locksHeld(id) < 0 || t.locksHeld(id) > t.lockQuota(id)
                    || t.heapUsed(id) < 0 || t.heapUsed(id) > t.heapQuota(id) || t.heapBlocks(id) < 0 || t.heapBlocks(id) > MemoryLayout.HEAP_RECORDS) {
                r.inconsistent(at, d + ": usage out of range (frames " + t.framesBound(id) + ", locks " + t.locksHeld(id)
                        + ", heap " + t.heapUsed(id) + " bytes in " + t.heapBlocks(id) + " blocks)");
            }
        }
        r.close();
    }

    private void locks(Kernel kernel, Baseline baseline, List<Violation> out) {
        Findings r = new Findings(out, Region.LOCK_TABLE);
        LockTable locks = kernel.structures().lockTable();
        Arrays.fill(held, 0);
        long now = kernel.time();
        for (int l = 0; l < locks.count(); l++) {
            int owner = locks.owner(l);
            if (owner == 0) {
                continue;
            }
            long at = locks.recordAddress(l);
            if (owner < 0 || owner >= MemoryLayout.DOMAIN_IDS) {
                r.inconsistent(at, "lock " + l + " names owner " + owner);
            } else if (!live(kernel, owner)) {
                r.add(Violation.Kind.LEAKED_LOCK, at, owner, "lock " + l + " is held by "
                        + (kernel.domain(owner) == null ? "destroyed" : "aborted") + " domain " + owner);
            } else {
                held[owner]++;
                if (baseline.lockOwners[l] != owner) {
                    r.add(Violation.Kind.LEAKED_LOCK, at, owner, "lock " + l + " was taken by domain " + owner
                            + " during the trial and never released");
                }
                if (locks.takenAt(l) > now || locks.takenAt(l) < 0) {
                    r.inconsistent(at, "lock " + l + " taken at time " + locks.takenAt(l) + ", now is " + now);
                }
            }
        }
        SegmentTable t = kernel.structures().segmentTable();
        for (Domain d : kernel.domains()) {
            if (!kernel.isAborted(d) && t.locksHeld(d.id()) != held[d.id()]) {
                r.inconsistent(t.recordAddress(d.id()), d + " counts " + t.locksHeld(d.id()) + " locks held, the lock table " + held[d.id()]);
            }
        }
        r.close();
    }

    private static void hooks(Kernel kernel, List<Violation> out) {
        Findings r = new Findings(out, Region.HOOK_TABLE);
        HookTable table = kernel.structures().hookTable();
        for (Hook hook : Hook.values()) {
            long at = table.recordAddress(hook);
            int n = table.attachedCount(hook);
            if (n < 0 || n > HookTable.SLOTS) {
                r.inconsistent(at, hook + " lists " + n + " domains; at most " + HookTable.SLOTS + " fit");
                n = Math.max(0, Math.min(HookTable.SLOTS, n));
            }
            long listed = 0;
            for (int i = 0; i < n; i++) {
                int id = table.slot(hook, i);
                long slot = table.slotAddress(hook, i);
                if (id <= 0 || id >= MemoryLayout.DOMAIN_IDS || kernel.domain(id) == null) {
                    r.inconsistent(slot, hook + " slot " + i + " names " + id + ", which is no domain");
                    continue;
                }
                if ((listed & (1L << id)) != 0) {
                    r.inconsistent(slot, hook + " lists domain " + id + " twice");
                }
                listed |= 1L << id;
                if (kernel.isAborted(kernel.domain(id))) {
                    r.add(Violation.Kind.STILL_ATTACHED, slot, id, "aborted domain " + id + " is still listed on " + hook);
                } else if (!kernel.isAttached(id, hook)) {
                    r.inconsistent(slot, hook + " lists domain " + id + " but the kernel holds no extension of it for that hook");
                }
            }
            for (int id = 1; id < MemoryLayout.DOMAIN_IDS; id++) {
                if (kernel.isAttached(id, hook) && (listed & (1L << id)) == 0) {
                    r.inconsistent(at, "domain " + id + " is attached to " + hook + " but missing from the hook table: the kernel no longer calls it");
                }
            }
            if (table.calls(hook) < 0 || table.defaults(hook) < 0 || table.badAnswers(hook) < 0 || table.aborts(hook) < 0) {
                r.inconsistent(at, hook + " has a negative counter");
            }
        }
        r.close();
    }

    private static void heap(Kernel kernel, List<Violation> out) {
        Findings r = new Findings(out, Region.HEAP_TABLE);
        HeapTable heap = kernel.structures().heapTable();
        SegmentTable t = kernel.structures().segmentTable();
        for (int id = 1; id < MemoryLayout.DOMAIN_IDS; id++) {
            Domain d = kernel.domain(id);
            if (d == null || kernel.isAborted(d)) {
                long records = heap.recordAddress(id, 0);
                if (kernel.memory().mismatch(records, ZEROS, 0, ZEROS.length) < 0) {
                    continue;
                }
                for (int i = 0; i < MemoryLayout.HEAP_RECORDS; i++) {
                    if (heap.blockAddress(id, i) != 0 || heap.blockSize(id, i) != 0) {
                        r.add(Violation.Kind.LEAKED_HEAP, heap.recordAddress(id, i), id, "heap block record " + i + " of "
                                + (d == null ? "destroyed" : "aborted") + " domain " + id + " remains");
                        break;
                    }
                }
                continue;
            }
            int n = t.heapBlocks(id);
            if (n < 0 || n > MemoryLayout.HEAP_RECORDS) {
                continue; // reported with the segment table
            }
            long cursor = d.heapBase();
            long sum = 0;
            for (int i = 0; i < MemoryLayout.HEAP_RECORDS; i++) {
                long a = heap.blockAddress(id, i);
                long s = heap.blockSize(id, i);
                long at = heap.recordAddress(id, i);
                if (i >= n) {
                    if (a != 0 || s != 0) {
                        r.inconsistent(at, d + ": record " + i + " beyond its " + n + " blocks is not empty");
                    }
                    continue;
                }
                if (a < cursor || s <= 0 || a > d.segment().end() - s || (a & (HeapTable.ALIGN - 1)) != 0) {
                    r.inconsistent(at, d + ": heap block " + i + " [0x" + Long.toHexString(a) + ", +" + s
                            + ") overlaps another or leaves the heap area");
                } else {
                    cursor = a + s;
                }
                sum += s;
            }
            if (sum != t.heapUsed(id)) {
                r.inconsistent(t.recordAddress(id), d + ": heap blocks add up to " + sum + " bytes, the record says " + t.heapUsed(id));
            }
        }
        r.close();
    }

    private static void ring(PacketRing ring, List<Violation> out) {
        Findings r = new Findings(out, ring.region());
        long head = ring.head();
        long tail = ring.tail();
        long at = ring.slotAddress(0) - MemoryLayout.RING_HEADER;
        if (ring.recordedSlots() != ring.slots()) {
            r.inconsistent(at, "header says " + ring.recordedSlots() + " slots, the ring has " + ring.slots());
        }
        if (head < 0 || tail - head < 0 || tail - head > ring.slots()) {
            r.inconsistent(at, "head " + head + " and tail " + tail + " do not describe 0.." + ring.slots() + " entries");
        } else {
            for (long seq = head; seq < tail; seq++) {
                if (ring.recordedSeq(seq) != seq) {
                    r.inconsistent(ring.slotAddress(seq), "slot of entry " + seq + " records entry " + ring.recordedSeq(seq));
                }
                int len = ring.recordedLength(seq);
                if (len < 1 || len > KernelConfig.MAX_PACKET) {
                    r.inconsistent(ring.slotAddress(seq), "entry " + seq + " has length " + len);
                }
            }
        }
        r.close();
    }

    private static void cache(Kernel kernel, List<Violation> out) {
        Findings r = new Findings(out, Region.BUFFER_CACHE);
        BufferCache cache = kernel.structures().bufferCache();
        int files = kernel.config().files();
        int blocks = kernel.config().fileBlocks();
        boolean[] seen = new boolean[files * blocks];
        long clock = kernel.structures().header().cacheClock();
        for (int e = 0; e < cache.entries(); e++) {
            int state = cache.state(e);
            long at = cache.entryAddress(e);
            if (state == BufferCache.EMPTY) {
                continue;
            }
            if (state != BufferCache.CLEAN && state != BufferCache.DIRTY) {
                r.inconsistent(at, "entry " + e + " has state " + state);
                continue;
            }
            int f = cache.file(e);
            int b = cache.block(e);
            if (f < 0 || f >= files || b < 0 || b >= blocks) {
                r.inconsistent(at, "entry " + e + " maps file " + f + " block " + b + ", which does not exist");
                continue;
            }
            if (seen[f * blocks + b]) {
                r.inconsistent(at, "entry " + e + " maps file " + f + " block " + b + ", which another entry maps too");
            }
            seen[f * blocks + b] = true;
            if (cache.lastUse(e) < 0 || cache.lastUse(e) > clock) {
                r.inconsistent(at, "entry " + e + " was last used at " + cache.lastUse(e) + ", the clock reads " + clock);
            }
        }
        r.close();
    }

    private static void log(Kernel kernel, List<Violation> out) {
        Findings r = new Findings(out, Region.KERNEL_LOG);
        KernelLog log = kernel.structures().kernelLog();
        long base = kernel.layout().base(Region.KERNEL_LOG);
        long next = log.next();
        if (next < 0 || log.recordedEntries() != log.entries()) {
            r.inconsistent(base, "header says " + next + " messages in " + log.recordedEntries() + " entries");
        } else {
            for (long n = Math.max(0, next - log.entries()); n < next; n++) {
                int len = log.length(n);
                if (len < 0 || len > KernelLog.MAX_MESSAGE) {
                    r.inconsistent(log.entryAddress(n), "message " + n + " has length " + len);
                }
            }
        }
        r.close();
    }
}
