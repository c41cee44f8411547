package testbed.kernel;

import testbed.kernel.api.EventHandler;
import testbed.kernel.api.EvictionPolicy;
import testbed.kernel.api.LibraryOs;
import testbed.kernel.api.PacketFilter;
import testbed.kernel.api.ReadFilter;

/** A point where the kernel calls extensions, with the interface an extension implements to attach there. */
public enum Hook {
    /** NIC receive path: each arriving packet, first match delivers. */
    PACKET_FILTER(PacketFilter.class, Capability.PACKET_FILTER),
    /** ExtOS {@code read()}: filters file data in the kernel before it reaches the caller. */
    READ_FILTER(ReadFilter.class, Capability.READ_FILTER),
    /** SPIN dispatcher: guards choose handlers for each raised event. */
    EVENT_HANDLER(EventHandler.class, Capability.EVENT_HANDLER),
    /** VINO graft: the buffer cache's choice of victim. */
    EVICTION_POLICY(EvictionPolicy.class, Capability.EVICTION_POLICY),
    /** Exokernel library OS: start and visible revocation of bound frames. */
    LIBRARY_OS(LibraryOs.class, Capability.LIBRARY_OS);

    private final Class<?> type;
    private final Capability capability;

    Hook(Class<?> type, Capability capability) {
        this.type = type;
        this.capability = capability;
    }

    /** The hook interface. */
    public Class<?> type() {
        return type;
    }

    /** The capability a domain needs to attach here. */
    public Capability capability() {
        return capability;
    }

    /**
     * The one hook an extension object implements.
     *
     * @throws IllegalArgumentException if it implements none or several hook interfaces
     */
    public static Hook of(Object extension) {
        if (extension == null) {
            throw new IllegalArgumentException("extension is null");
        }
        Hook found = null;
        for (Hook h : values()) {
            if (h.type.isInstance(extension)) {
                if (found != null) {
                    throw new IllegalArgumentException(extension.getClass().getName() + " implements both "
                            + found.type.getSimpleName() + " and " + h.type.getSimpleName() + "; an extension implements exactly one hook interface");
                }
                found = h;
            }
        }
        if (found == null) {
            throw new IllegalArgumentException(extension.getClass().getName() + " implements no hook interface of testbed.kernel.api");
        }
        return found;
    }
}
