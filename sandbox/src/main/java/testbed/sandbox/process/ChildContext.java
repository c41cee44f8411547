package testbed.sandbox.process;

import testbed.kernel.api.Context;
import testbed.kernel.api.Memory;
import testbed.sandbox.HelperFuel;
import testbed.sfi.runtime.Meter;

/**
 * The {@link Context} an instance gets in the extension's process: its own address space, its
 * segment's bounds, and helpers that are requests to the kernel, answered in the kernel's JVM
 * against the domain's real context (with its capabilities and transaction) while the call waits.
 *
 * <p>Each helper call is charged {@link ExtensionProcess#HELPER_FUEL} units of fuel.
 */
final class ChildContext implements Context {
    static final int HELPER_FUEL = ExtensionProcess.HELPER_FUEL;

    private final ChildMain link;
    private final ChildMemory memory;
    private final Meter meter;
    private final long base;
    private final long size;

    ChildContext(ChildMain link, ChildMemory memory, Meter meter, long base, long size) {
        this.link = link;
        this.memory = memory;
        this.meter = meter;
        this.base = base;
        this.size = size;
    }

    @Override
    public Memory memory() {
        return memory;
    }

    @Override
    public long segmentBase() {
        return base;
    }

    @Override
    public long segmentSize() {
        return size;
    }

    @Override
    public long alloc(long size) {
        return call(Protocol.ALLOC, "alloc", size, 0);
    }

    @Override
    public int free(long address) {
        return (int) call(Protocol.FREE, "free", address, 0);
    }

    @Override
    public int sendPacket(long address, int length) {
        return (int) call(Protocol.SEND_PACKET, "sendPacket", address, length);
    }

    @Override
    public int log(long address, int length) {
        return (int) call(Protocol.LOG, "log", address, length);
    }

    @Override
    public int lock(int lockId) {
        return (int) call(Protocol.LOCK, "lock", lockId, 0);
    }

    @Override
    public int unlock(int lockId) {
        return (int) call(Protocol.UNLOCK, "unlock", lockId, 0);
    }

    @Override
    public long time() {
        return call(Protocol.TIME, "time", 0, 0);
    }

    @Override
    public int bindFrame() {
        return (int) call(Protocol.BIND_FRAME, "bindFrame", 0, 0);
    }

    @Override
    public int releaseFrame(int frame) {
        return (int) call(Protocol.RELEASE_FRAME, "releaseFrame", frame, 0);
    }

    private long call(int helper, String name, long a, long b) {
        HelperFuel.charge(meter, HELPER_FUEL, name);
        return link.helper(memory, helper, a, b);
    }
}
