package testbed.kernel;

import testbed.kernel.api.Hook;
import testbed.kernel.api.Status;

/**
 * Per hook, in simulated memory: the ids of the attached domains in call order, and counters
 * of calls, default-policy uses, bad answers and aborts. This table, not the kernel's Java
 * references to extension objects, decides whom the kernel calls: a domain whose id is wiped
 * from it is no longer called. Public methods read without being recorded by the monitor (for
 * the oracle); package-private ones are the kernel's own.
 */
public final class HookTable {
    /** Most domains attached to one hook. */
    public static final int SLOTS = 16;

    static final int COUNT_AT = 0;
    static final int CALLS_AT = 8;
    static final int DEFAULTS_AT = 16;
    static final int BAD_ANSWERS_AT = 24;
    static final int ABORTS_AT = 32;
    static final int SLOTS_AT = 64;

    private final PhysicalMemory memory;
    private final KernelMemory kernel;
    private final long base;

    HookTable(PhysicalMemory memory, KernelMemory kernel, MemoryLayout layout) {
        this.memory = memory;
        this.kernel = kernel;
        this.base = layout.base(Region.HOOK_TABLE);
    }

    /** Address of the record of {@code hook}. */
    public long recordAddress(Hook hook) {
        return base + (long) hook.ordinal() * MemoryLayout.HOOK_RECORD;
    }

    /** Address of slot {@code i} of {@code hook}. */
    public long slotAddress(Hook hook, int i) {
        return recordAddress(hook) + SLOTS_AT + 4L * i;
    }

    /** Kernel's view of the attached ids, read once so that detaching during a walk is safe. */
    int[] ids(Hook hook) {
        int n = Math.max(0, Math.min(SLOTS, kernel.get32(recordAddress(hook) + COUNT_AT)));
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = kernel.get32(slotAddress(hook, i));
        }
        return ids;
    }

    boolean lists(Hook hook, int id) {
        for (int x : ids(hook)) {
            if (x == id) {
                return true;
            }
        }
        return false;
    }

    int add(Hook hook, int id) {
        long r = recordAddress(hook);
        int n = Math.max(0, Math.min(SLOTS, kernel.get32(r + COUNT_AT)));
        for (int i = 0; i < n; i++) {
            if (kernel.get32(slotAddress(hook, i)) == id) {
                return Status.EBUSY;
            }
        }
        if (n == SLOTS) {
            return Status.ENOMEM;
        }
        kernel.put32(slotAddress(hook, n), id);
        kernel.put32(r + COUNT_AT, n + 1);
        return Status.OK;
    }

    /** Removes {@code id} and closes the gap, keeping call order. */
    boolean remove(Hook hook, int id) {
        long r = recordAddress(hook);
        int n = Math.max(0, Math.min(SLOTS, kernel.get32(r + COUNT_AT)));
        boolean removed = false;
        int out = 0;
        for (int i = 0; i < n; i++) {
            int x = kernel.get32(slotAddress(hook, i));
            if (x == id) {
                removed = true;
                continue;
            }
            if (out != i) {
                kernel.put32(slotAddress(hook, out), x);
            }
            out++;
        }
        if (removed) {
            for (int i = out; i < n; i++) {
                kernel.put32(slotAddress(hook, i), 0);
            }
            kernel.put32(r + COUNT_AT, out);
        }
        return removed;
    }

    void count(Hook hook, int counter) {
        long a = recordAddress(hook) + counter;
        kernel.put64(a, kernel.get64(a) + 1);
    }

    /** Number of attached domains as recorded (may be out of range if corrupt). */
    public int attachedCount(Hook hook) {
        return memory.peek32(recordAddress(hook) + COUNT_AT);
    }

    /** The id in slot {@code i}. */
    public int slot(Hook hook, int i) {
        return memory.peek32(slotAddress(hook, i));
    }

    public long calls(Hook hook) {
        return memory.peek64(recordAddress(hook) + CALLS_AT);
    }

    /** Calls answered by the kernel's default policy instead of an extension. */
    public long defaults(Hook hook) {
        return memory.peek64(recordAddress(hook) + DEFAULTS_AT);
    }

    public long badAnswers(Hook hook) {
        return memory.peek64(recordAddress(hook) + BAD_ANSWERS_AT);
    }

    public long aborts(Hook hook) {
        return memory.peek64(recordAddress(hook) + ABORTS_AT);
    }
}
