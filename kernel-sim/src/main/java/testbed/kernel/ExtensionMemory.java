package testbed.kernel;

import testbed.kernel.api.Memory;

/**
 * The {@link Memory} an extension is handed: physical memory and nothing else. Handing out the
 * {@link PhysicalMemory} itself would let an unprotected extension cast it and switch the
 * monitor's principal, hiding its stores from the oracle.
 */
final class ExtensionMemory implements Memory {
    private final PhysicalMemory memory;

    ExtensionMemory(PhysicalMemory memory) {
        this.memory = memory;
    }

    @Override
    public byte load8(long address) {
        return memory.load8(address);
    }

    @Override
    public short load16(long address) {
        return memory.load16(address);
    }

    @Override
    public int load32(long address) {
        return memory.load32(address);
    }

    @Override
    public long load64(long address) {
        return memory.load64(address);
    }

    @Override
    public void store8(long address, byte value) {
        memory.store8(address, value);
    }

    @Override
    public void store16(long address, short value) {
        memory.store16(address, value);
    }

    @Override
    public void store32(long address, int value) {
        memory.store32(address, value);
    }

    @Override
    public void store64(long address, long value) {
        memory.store64(address, value);
    }

    @Override
    public void copy(long destination, long source, long length) {
        memory.copy(destination, source, length);
    }
}
