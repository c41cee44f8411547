package testbed.kernel;

import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;
import testbed.kernel.api.Status;

/**
 * The network interface: the receive ring and the packet filters it asks, the socket queue the
 * application reads, and the transmit ring that {@code sendPacket} fills. All three rings live
 * in simulated memory.
 */
final class Nic {
    private final PhysicalMemory memory;
    private final Header header;
    private final PacketRing rx;
    private final PacketRing tx;
    private final PacketRing socket;
    private final HookCalls calls;

    Nic(KernelStructures s, HookCalls calls) {
        this.memory = s.memory;
        this.header = s.header;
        this.rx = s.rx;
        this.tx = s.tx;
        this.socket = s.socket;
        this.calls = calls;
    }

    /** See {@link Kernel#receive}. */
    int receive(byte[] packet) {
        if (packet == null || packet.length == 0 || packet.length > KernelConfig.MAX_PACKET) {
            return Status.EINVAL;
        }
        int prev = memory.actAs(PhysicalMemory.KERNEL);
        try {
            header.tick();
            int length = packet.length;
            long seq = rx.push(packet, length);
            if (seq < 0) {
                return Status.ENOMEM;
            }
            long data = rx.dataAddress(seq);
            int deliver = filter(data, length);
            int result = Math.max(deliver, 0);
            if (result > 0 && socket.pushFrom(data, result) < 0) {
                result = Status.ENOMEM;
            }
            while (rx.oldest() >= 0 && rx.oldest() <= seq) {
                rx.dropOldest();
            }
            return result;
        } finally {
            memory.actAs(prev);
        }
    }

    /**
     * Asks each packet filter in turn, a copy of the packet in its window; the first positive
     * answer is the length to deliver, 0 passes to the next filter, a bad answer drops the
     * packet. With no filter answering, the whole packet is delivered.
     */
    private int filter(long data, int length) {
        HookCalls.Attached<PacketFilter> filters = calls.packetFilters;
        int deliver = -1;
        boolean answered = false;
        for (Domain d : calls.callable(filters)) {
            PacketFilter filter = filters.extension(d);
            long window = d.window();
            memory.copy(window, data, length);
            Context ctx = d.context();
            long r = calls.call(filters, d, () -> filter.filter(ctx, window, length));
            if (r == HookCalls.TRAPPED) {
                continue;
            }
            answered = true;
            if (r < 0 || r > length) {
                calls.badAnswer(filters);
                deliver = 0;
                break;
            }
            if (r > 0) {
                deliver = (int) r;
                break;
            }
        }
        if (!answered) {
            calls.defaulted(filters);
            deliver = length;
        }
        return deliver;
    }

    /** See {@link Kernel#recv}. */
    int recv(byte[] target) {
        return pop(socket, target);
    }

    /** See {@link Kernel#transmit}. */
    int transmit(byte[] target) {
        return pop(tx, target);
    }

    private int pop(PacketRing ring, byte[] target) {
        if (target == null) {
            return Status.EINVAL;
        }
        int prev = memory.actAs(PhysicalMemory.KERNEL);
        try {
            int n = ring.pop(target);
            return n < 0 ? Status.ENOENT : n;
        } finally {
            memory.actAs(prev);
        }
    }
}
