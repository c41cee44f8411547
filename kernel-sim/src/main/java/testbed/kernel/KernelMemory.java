package testbed.kernel;

/**
 * The kernel's own access path to its structures in simulated memory. Every kernel store goes
 * through here so that, while a helper runs inside a transaction, the old value lands in the
 * undo log first. Accesses are attributed to whatever principal is current, which is
 * {@link PhysicalMemory#KERNEL} whenever kernel code runs.
 */
final class KernelMemory {
    final PhysicalMemory memory;
    /** Non-null only while a helper runs for the domain that has the open transaction. */
    private UndoLog recording;

    KernelMemory(PhysicalMemory memory) {
        this.memory = memory;
    }

    void record(UndoLog log) {
        recording = log;
    }

    long get64(long address) {
        return memory.load64(address);
    }

    int get32(long address) {
        return memory.load32(address);
    }

    int get16(long address) {
        return memory.load16(address) & 0xFFFF;
    }

    void put64(long address, long value) {
        if (recording != null) {
            recording.record(address, 8, memory.load64(address));
        }
        memory.store64(address, value);
    }

    void put32(long address, int value) {
        if (recording != null) {
            recording.record(address, 4, memory.load32(address));
        }
        memory.store32(address, value);
    }

    void put16(long address, int value) {
        if (recording != null) {
            recording.record(address, 2, memory.load16(address));
        }
        memory.store16(address, (short) value);
    }
}
