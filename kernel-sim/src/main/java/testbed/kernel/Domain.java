package testbed.kernel;

import testbed.kernel.api.Context;

/**
 * A fault domain as the kernel sees it: an id the write monitor attributes accesses to, a name,
 * a segment, and the context (helpers plus capabilities) the extension is called with.
 */
public interface Domain {

    /** Monitor id, {@code 1..PhysicalMemory.MAX_DOMAIN_ID}. */
    int id();

    String name();

    Segment segment();

    /** The context the extension receives on every call. */
    Context context();
}
