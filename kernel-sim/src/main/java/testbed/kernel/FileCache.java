package testbed.kernel;

import testbed.kernel.api.Context;
import testbed.kernel.api.EvictionPolicy;
import testbed.kernel.api.ReadFilter;
import testbed.kernel.api.Status;

/**
 * Files through the buffer cache: {@code read} (with ExtOS's in-kernel read filter) and
 * {@code write} walk the same blocks, and a miss asks the eviction policy (a VINO graft) for a
 * victim. Dirty blocks exist only in the cache, in simulated memory, until evicted to the disk.
 */
final class FileCache {
    private final KernelConfig config;
    private final PhysicalMemory memory;
    private final Header header;
    private final BufferCache cache;
    private final Disk disk;
    private final HookCalls calls;
    private final byte[] blockBuffer;
    private final int[] candidates = new int[Kernel.MAX_CANDIDATES];

    FileCache(KernelStructures s, HookCalls calls) {
        this.config = s.config;
        this.memory = s.memory;
        this.header = s.header;
        this.cache = s.cache;
        this.disk = s.disk;
        this.calls = calls;
        this.blockBuffer = new byte[config.blockSize()];
    }

    /** See {@link Kernel#read}. */
    int read(int fileId, long offset, byte[] target, int length, Domain filterOrNull) {
        return transfer(fileId, offset, target, length, false, filterOrNull);
    }

    /** See {@link Kernel#write}. */
    int write(int fileId, long offset, byte[] source, int length) {
        return transfer(fileId, offset, source, length, true, null);
    }

    /** Moves bytes between {@code buffer} and the file's cached blocks, block by block; the bytes moved. */
    private int transfer(int fileId, long offset, byte[] buffer, int length, boolean store, Domain filterOrNull) {
        if (fileId < 0 || fileId >= config.files()) {
            return Status.ENOENT;
        }
        if (offset < 0 || length < 0 || buffer == null || length > buffer.length) {
            return Status.EINVAL;
        }
        int prev = memory.actAs(PhysicalMemory.KERNEL);
        try {
            header.tick();
            if (offset >= config.fileSize()) {
                return 0;
            }
            int bs = config.blockSize();
            int remaining = (int) Math.min(length, config.fileSize() - offset);
            long pos = offset;
            int done = 0;
            while (remaining > 0) {
                int block = (int) (pos / bs);
                int within = (int) (pos % bs);
                int n = Math.min(bs - within, remaining);
                int e = cached(fileId, block);
                long address = cache.dataAddress(e) + within;
                if (store) {
                    memory.write(address, buffer, done, n);
                    cache.setState(e, BufferCache.DIRTY);
                    done += n;
                } else {
                    done += load(address, buffer, done, n, filterOrNull);
                }
                pos += n;
                remaining -= n;
            }
            return done;
        } finally {
            memory.actAs(prev);
        }
    }

    /** Copies {@code n} bytes at {@code source} to {@code target}, through the filter if one is named; the bytes placed. */
    private int load(long source, byte[] target, int out, int n, Domain filterOrNull) {
        int kept = filterOrNull == null ? -1 : filter(filterOrNull, source, n);
        if (kept >= 0) {
            memory.read(filterOrNull.window(), target, out, kept);
            return kept;
        }
        memory.read(source, target, out, n);
        return n;
    }

    /** Runs the read filter over {@code n} bytes at {@code source}; -1 means use the default. */
    private int filter(Domain domain, long source, int n) {
        HookCalls.Attached<ReadFilter> filters = calls.readFilters;
        Domain d = calls.callable(filters, domain);
        if (d == null) {
            calls.defaulted(filters);
            return -1;
        }
        ReadFilter filter = filters.extension(d);
        long window = d.window();
        memory.copy(window, source, n);
        Context ctx = d.context();
        long r = calls.call(filters, d, () -> filter.filter(ctx, window, n));
        if (r == HookCalls.TRAPPED) {
            calls.defaulted(filters);
            return -1;
        }
        if (r < 0 || r > n) {
            calls.badAnswer(filters);
            calls.defaulted(filters);
            return -1;
        }
        return (int) r;
    }

    /** The cache entry holding the block, loading it (and evicting another) if needed. */
    private int cached(int file, int block) {
        int e = cache.lookup(file, block);
        if (e >= 0) {
            cache.used(e, header.nextUse());
            return e;
        }
        e = cache.emptyEntry();
        if (e < 0) {
            e = evict();
        }
        memory.write(cache.dataAddress(e), disk.raw(file, block), 0, config.blockSize());
        cache.install(e, file, block, BufferCache.CLEAN, header.nextUse());
        return e;
    }

    /**
     * Frees an entry: the least recently used blocks (up to {@link Kernel#MAX_CANDIDATES},
     * oldest first) are offered to the first attached eviction policy as 16-byte records in its
     * window; a bad answer or an abort means the oldest (LRU). A dirty victim is written back to
     * disk first.
     */
    private int evict() {
        int count = oldestEntries();
        if (count == 0) {
            return 0;
        }
        int e = candidates[choose(count)];
        if (cache.stateOf(e) == BufferCache.DIRTY) {
            int file = cache.fileOf(e);
            int block = cache.blockOf(e);
            // A map entry a wild store scribbled on names no real block: its data is lost, and the
            // oracle reports that; writing it somewhere would spread the damage to the disk.
            if (file >= 0 && file < config.files() && block >= 0 && block < config.fileBlocks()) {
                memory.read(cache.dataAddress(e), blockBuffer, 0, blockBuffer.length);
                disk.write(file, block, blockBuffer);
            }
        }
        cache.setState(e, BufferCache.EMPTY);
        return e;
    }

    /** Fills {@code candidates} with the oldest used entries, oldest first; how many. */
    private int oldestEntries() {
        int count = 0;
        for (int e = 0; e < cache.entries(); e++) {
            int st = cache.stateOf(e);
            if (st != BufferCache.CLEAN && st != BufferCache.DIRTY) {
                continue;
            }
            long use = cache.lastUseOf(e);
            // Insertion into the sorted candidate list, keeping the oldest MAX_CANDIDATES.
            int at = count;
            while (at > 0 && cache.lastUseOf(candidates[at - 1]) > use) {
                at--;
            }
            if (at < Kernel.MAX_CANDIDATES) {
                int last = Math.min(count, Kernel.MAX_CANDIDATES - 1);
                System.arraycopy(candidates, at, candidates, at + 1, last - at);
                candidates[at] = e;
                count = Math.min(count + 1, Kernel.MAX_CANDIDATES);
            }
        }
        return count;
    }

    /** Asks the first callable eviction policy which of {@code count} candidates to evict; 0 (LRU) by default. */
    private int choose(int count) {
        HookCalls.Attached<EvictionPolicy> policies = calls.evictionPolicies;
        int victim = 0;
        boolean asked = false;
        for (Domain d : calls.callable(policies)) {
            EvictionPolicy policy = policies.extension(d);
            long window = d.window();
            for (int i = 0; i < count; i++) {
                int e = candidates[i];
                memory.store64(window + (long) i * Kernel.CANDIDATE_RECORD, Kernel.blockKey(cache.fileOf(e), cache.blockOf(e)));
                memory.store64(window + (long) i * Kernel.CANDIDATE_RECORD + 8, cache.lastUseOf(e));
            }
            Context ctx = d.context();
            long r = calls.call(policies, d, () -> policy.chooseVictim(ctx, window, count));
            if (r != HookCalls.TRAPPED) {
                asked = true;
                if (r >= 0 && r < count) {
                    victim = (int) r;
                } else {
                    calls.badAnswer(policies);
                }
            }
            break;
        }
        if (!asked) {
            calls.defaulted(policies);
        }
        return victim;
    }
}
