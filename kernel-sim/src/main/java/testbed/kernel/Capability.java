package testbed.kernel;

import java.util.EnumSet;
import java.util.Set;
import testbed.kernel.api.Hook;

/**
 * What a fault domain may call or attach to (SPIN's capabilities). Each helper group and each
 * hook has one. The kernel keeps a domain's set in its segment-table record in simulated memory
 * and checks it on every helper call: a helper without the capability returns
 * {@link testbed.kernel.api.Status#EPERM}, an attach without it is refused.
 */
public enum Capability {
    /** {@code alloc} and {@code free}. */
    HEAP,
    /** {@code sendPacket}. */
    SEND,
    /** {@code log}. */
    LOG,
    /** {@code lock} and {@code unlock}. */
    LOCK,
    /** {@code time}. */
    TIME,
    /** {@code bindFrame} and {@code releaseFrame}. */
    FRAMES,
    /** Attach to {@link Hook#PACKET_FILTER}. */
    PACKET_FILTER,
    /** Attach to {@link Hook#READ_FILTER}. */
    READ_FILTER,
    /** Attach to {@link Hook#EVENT_HANDLER}. */
    EVENT_HANDLER,
    /** Attach to {@link Hook#EVICTION_POLICY}. */
    EVICTION_POLICY,
    /** Attach to {@link Hook#LIBRARY_OS}. */
    LIBRARY_OS;

    /** The bit of this capability in the in-memory capability word. */
    public int bit() {
        return 1 << ordinal();
    }

    /** All helper groups, no hooks. */
    public static Set<Capability> helpers() {
        return EnumSet.of(HEAP, SEND, LOG, LOCK, TIME, FRAMES);
    }

    /** The capability word of a set. */
    public static int bits(Set<Capability> capabilities) {
        int bits = 0;
        for (Capability c : capabilities) {
            bits |= c.bit();
        }
        return bits;
    }
}
