package testbed.kernel;

import testbed.kernel.api.Context;

/**
 * A fault domain as the kernel sees it: an id the write monitor attributes accesses to, a name,
 * a segment, and the context (helpers plus capabilities) the extension is called with.
 *
 * <p>The first {@link #WINDOW_SIZE} bytes of the segment are the domain's window: the kernel
 * copies a packet, a block of file data or the eviction candidates there before it calls the
 * extension. The rest of the segment is the heap that {@link Context#alloc} manages.
 *
 * <p>Only the kernel creates domains ({@link Kernel#createDomain}); a {@code Domain} names one
 * for the life of that domain and is never reused for another.
 */
public final class Domain {
    /** Bytes at the start of every segment that the kernel uses to pass data in. */
    public static final int WINDOW_SIZE = 2048;

    private final Kernel kernel;
    private final int id;
    private final String name;
    private final Segment segment;
    private final DomainSpec spec;
    private final Context context;
    private HelperMeter helperMeter = HelperMeter.FREE;

    Domain(Kernel kernel, int id, String name, Segment segment, DomainSpec spec) {
        this.kernel = kernel;
        this.id = id;
        this.name = name;
        this.segment = segment;
        this.spec = spec;
        this.context = new DomainContext(kernel, this);
    }

    /** Monitor id, {@code 1..PhysicalMemory.MAX_DOMAIN_ID}; 1 is the canary. */
    public int id() {
        return id;
    }

    public String name() {
        return name;
    }

    public Segment segment() {
        return segment;
    }

    /** What the domain was created with. */
    public DomainSpec spec() {
        return spec;
    }

    /** The context the extension receives on every call. */
    public Context context() {
        return context;
    }

    /** Address of the window, the start of the segment. */
    public long window() {
        return segment.base();
    }

    /** First address of the heap area, just past the window. */
    public long heapBase() {
        return segment.base() + WINDOW_SIZE;
    }

    /** Bills every later helper call of this domain to {@code meter}. */
    public void meterHelpers(HelperMeter meter) {
        if (meter == null) {
            throw new IllegalArgumentException("helper meter is null");
        }
        this.helperMeter = meter;
    }

    HelperMeter helperMeter() {
        return helperMeter;
    }

    Kernel kernel() {
        return kernel;
    }

    @Override
    public String toString() {
        return "domain " + id + " (" + name + ") " + segment;
    }
}
