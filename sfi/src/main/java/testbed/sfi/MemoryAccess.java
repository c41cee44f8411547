package testbed.sfi;

/**
 * The nine methods of {@link testbed.kernel.api.Memory} that the rewrite confines. Public for the
 * static analysis of {@code VERIFIED} ({@code testbed.sfi.verify}), which reasons about the same calls.
 */
public enum MemoryAccess {
    LOAD8("load8", "(J)B", 1, false),
    LOAD16("load16", "(J)S", 2, false),
    LOAD32("load32", "(J)I", 4, false),
    LOAD64("load64", "(J)J", 8, false),
    STORE8("store8", "(JB)V", 1, true),
    STORE16("store16", "(JS)V", 2, true),
    STORE32("store32", "(JI)V", 4, true),
    STORE64("store64", "(JJ)V", 8, true),
    /** Width 0: the length is an argument. */
    COPY("copy", "(JJJ)V", 0, true);

    /** Internal name of {@code Memory}. */
    public static final String OWNER = "testbed/kernel/api/Memory";
    private static final MemoryAccess[] ALL = values();

    /** Method name, e.g. {@code load32}. */
    public final String method;
    /** Method descriptor. */
    public final String descriptor;
    /** Bytes accessed; 0 for {@code copy}, whose length is an argument. */
    public final int width;
    /** Whether it writes. */
    public final boolean store;

    MemoryAccess(String method, String descriptor, int width, boolean store) {
        this.method = method;
        this.descriptor = descriptor;
        this.width = width;
        this.store = store;
    }

    /** The access an {@code invokeinterface} names, or null if it is not one. */
    public static MemoryAccess of(String owner, String name, String descriptor) {
        if (!OWNER.equals(owner)) {
            return null;
        }
        for (MemoryAccess access : ALL) {
            if (access.method.equals(name) && access.descriptor.equals(descriptor)) {
                return access;
            }
        }
        return null;
    }
}
