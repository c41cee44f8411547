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
        return memory.extensionLoad8(address);
    }

    @Override
    public short load16(long address) {
        return memory.extensionLoad16(address);
    }

    @Override
    public int load32(long address) {
        return memory.extensionLoad32(address);
    }

    @Override
    public long load64(long address) {
        return memory.extensionLoad64(address);
    }

    @Override
    public void store8(long address, byte value) {
        memory.extensionStore8(address, value);
    }

    @Override
    public void store16(long address, short value) {
        memory.extensionStore16(address, value);
    }

    @Override
    public void store32(long address, int value) {
        memory.extensionStore32(address, value);
    }

    @Override
    public void store64(long address, long value) {
        memory.extensionStore64(address, value);
    }

    @Override
    public void copy(long destination, long source, long length) {
        memory.copy(destination, source, length);
    }
}
