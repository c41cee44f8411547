package testbed.kernel;

import testbed.kernel.api.Context;
import testbed.kernel.api.Memory;
import testbed.kernel.api.Status;

/**
 * The kernel helpers as one domain sees them. Each helper checks that the domain is live, that
 * its in-memory record grants the capability, and every argument, before it changes anything;
 * a bad argument yields a negative {@link Status}, never an exception and never a change. It
 * runs as {@link PhysicalMemory#KERNEL} and records its stores in the open transaction's undo
 * log if the transaction is this domain's.
 */
final class DomainContext implements Context {
    private final Kernel kernel;
    private final KernelStructures s;
    private final Transactions transactions;
    private final Domain domain;
    private final int id;

    DomainContext(Kernel kernel, Domain domain) {
        this.kernel = kernel;
        this.s = kernel.structures();
        this.transactions = kernel.transactions();
        this.domain = domain;
        this.id = domain.id();
    }

    @Override
    public Memory memory() {
        return kernel.extensionMemory();
    }

    @Override
    public long segmentBase() {
        return domain.segment().base();
    }

    @Override
    public long segmentSize() {
        return domain.segment().size();
    }

    @Override
    public long alloc(long size) {
        int prev = transactions.enterHelper(domain, "alloc");
        try {
            int refusal = refusal("alloc", Capability.HEAP);
            if (refusal != 0) {
                return refusal;
            }
            if (size <= 0 || size > domain.segment().size()) {
                return Status.EINVAL;
            }
            return s.heap.alloc(domain, size);
        } finally {
            transactions.exitHelper(prev);
        }
    }

    @Override
    public int free(long address) {
        int prev = transactions.enterHelper(domain, "free");
        try {
            int refusal = refusal("free", Capability.HEAP);
            if (refusal != 0) {
                return refusal;
            }
            if (address == 0) {
                return Status.ENOENT;
            }
            return s.heap.free(domain, address);
        } finally {
            transactions.exitHelper(prev);
        }
    }

    @Override
    public int sendPacket(long address, int length) {
        int prev = transactions.enterHelper(domain, "sendPacket");
        try {
            int refusal = refusal("sendPacket", Capability.SEND);
            if (refusal != 0) {
                return refusal;
            }
            if (length <= 0 || length > KernelConfig.MAX_PACKET) {
                return Status.EINVAL;
            }
            if (!domain.segment().contains(address, length)) {
                return Status.EFAULT;
            }
            return s.tx.pushFrom(address, length) < 0 ? Status.ENOMEM : Status.OK;
        } finally {
            transactions.exitHelper(prev);
        }
    }

    @Override
    public int log(long address, int length) {
        int prev = transactions.enterHelper(domain, "log");
        try {
            int refusal = refusal("log", Capability.LOG);
            if (refusal != 0) {
                return refusal;
            }
            if (length < 0 || length > KernelLog.MAX_MESSAGE) {
                return Status.EINVAL;
            }
            if (!domain.segment().contains(address, length)) {
                return Status.EFAULT;
            }
            return s.log.append(id, address, length, s.header.now()) ? Status.OK : Status.ENOMEM;
        } finally {
            transactions.exitHelper(prev);
        }
    }

    @Override
    public int lock(int lockId) {
        int prev = transactions.enterHelper(domain, "lock");
        try {
            int refusal = refusal("lock", Capability.LOCK);
            if (refusal != 0) {
                return refusal;
            }
            LockTable locks = s.locks;
            if (lockId < 0 || lockId >= locks.count()) {
                return Status.EINVAL;
            }
            int holder = locks.holderOf(lockId);
            if (holder == id) {
                return Status.EDEADLK;
            }
            if (holder != 0) {
                return Status.EBUSY;
            }
            SegmentTable segments = s.segments;
            int held = segments.getInt(id, SegmentTable.LOCKS_AT);
            if (held < 0 || held >= segments.getInt(id, SegmentTable.LOCK_QUOTA_AT)) {
                return Status.ENOMEM;
            }
            locks.take(lockId, id, s.header.now());
            segments.putInt(id, SegmentTable.LOCKS_AT, held + 1);
            return Status.OK;
        } finally {
            transactions.exitHelper(prev);
        }
    }

    @Override
    public int unlock(int lockId) {
        int prev = transactions.enterHelper(domain, "unlock");
        try {
            int refusal = refusal("unlock", Capability.LOCK);
            if (refusal != 0) {
                return refusal;
            }
            LockTable locks = s.locks;
            if (lockId < 0 || lockId >= locks.count()) {
                return Status.EINVAL;
            }
            if (locks.holderOf(lockId) != id) {
                return Status.EPERM;
            }
            locks.release(lockId);
            SegmentTable segments = s.segments;
            segments.putInt(id, SegmentTable.LOCKS_AT, Math.max(0, segments.getInt(id, SegmentTable.LOCKS_AT) - 1));
            return Status.OK;
        } finally {
            transactions.exitHelper(prev);
        }
    }

    @Override
    public long time() {
        int prev = transactions.enterHelper(domain, "time");
        try {
            return allowed(Capability.TIME) ? s.header.now() : Status.EPERM;
        } finally {
            transactions.exitHelper(prev);
        }
    }

    @Override
    public int bindFrame() {
        int prev = transactions.enterHelper(domain, "bindFrame");
        try {
            int refusal = refusal("bindFrame", Capability.FRAMES);
            if (refusal != 0) {
                return refusal;
            }
            SegmentTable segments = s.segments;
            int bound = segments.getInt(id, SegmentTable.FRAMES_AT);
            if (bound < 0 || bound >= segments.getInt(id, SegmentTable.FRAME_QUOTA_AT)) {
                return Status.ENOMEM;
            }
            int frame = s.allocator.allocate(0);
            if (frame < 0) {
                return Status.ENOMEM;
            }
            s.frames.set(frame, FrameTable.BOUND, id);
            segments.putInt(id, SegmentTable.FRAMES_AT, bound + 1);
            return frame;
        } finally {
            transactions.exitHelper(prev);
        }
    }

    @Override
    public int releaseFrame(int frame) {
        int prev = transactions.enterHelper(domain, "releaseFrame");
        try {
            int refusal = refusal("releaseFrame", Capability.FRAMES);
            if (refusal != 0) {
                return refusal;
            }
            FrameTable frames = s.frames;
            if (frame < 0 || frame >= frames.frames()) {
                return Status.EINVAL;
            }
            if (frames.useOf(frame) != FrameTable.BOUND || frames.ownerOf(frame) != id) {
                return Status.EPERM;
            }
            frames.set(frame, FrameTable.FREE, 0);
            s.allocator.free(frame, 0);
            SegmentTable segments = s.segments;
            segments.putInt(id, SegmentTable.FRAMES_AT, Math.max(0, segments.getInt(id, SegmentTable.FRAMES_AT) - 1));
            return Status.OK;
        } finally {
            transactions.exitHelper(prev);
        }
    }

    /** The domain is this kernel's current one under its id, and its in-memory record grants the capability. */
    /**
     * Why the kernel refuses this helper call before looking at its arguments: a failure that
     * fault injection armed for it, or a missing capability ({@link Status#EPERM}); 0 to go on.
     */
    private int refusal(String helper, Capability capability) {
        int injected = kernel.injectedFailure(helper);
        if (injected != 0) {
            return injected;
        }
        return allowed(capability) ? 0 : Status.EPERM;
    }

    private boolean allowed(Capability capability) {
        return kernel.domain(id) == domain && s.segments.grants(id, capability);
    }
}
