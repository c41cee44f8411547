package testbed.kernel;

import testbed.kernel.api.Context;
import testbed.kernel.api.LibraryOs;
import testbed.kernel.api.Status;

/**
 * The Exokernel side of a library OS: starting it, and visible revocation of the frames bound
 * to it, with the abort protocol taking them by force from one that does not give them back.
 */
final class LibraryOsHost {
    private final Kernel kernel;
    private final PhysicalMemory memory;
    private final Header header;
    private final SegmentTable segments;
    private final Domains domains;
    private final HookCalls calls;

    LibraryOsHost(Kernel kernel, KernelStructures s, Domains domains, HookCalls calls) {
        this.kernel = kernel;
        this.memory = s.memory;
        this.header = s.header;
        this.segments = s.segments;
        this.domains = domains;
        this.calls = calls;
    }

    /** See {@link Kernel#startLibraryOs}. */
    int start(Domain libraryOs) {
        int prev = memory.actAs(PhysicalMemory.KERNEL);
        try {
            Domain d = callable(libraryOs);
            if (d == null) {
                return Status.ENOENT;
            }
            LibraryOs os = calls.libraryOses.extension(d);
            Context ctx = d.context();
            calls.call(calls.libraryOses, d, () -> {
                os.start(ctx);
                return 0;
            });
            return domains.isAborted(d.id()) ? 0 : segments.getInt(d.id(), SegmentTable.FRAMES_AT);
        } finally {
            memory.actAs(prev);
        }
    }

    /** See {@link Kernel#revoke}. */
    int revoke(Domain libraryOs, int frames) {
        if (frames < 0) {
            return Status.EINVAL;
        }
        int prev = memory.actAs(PhysicalMemory.KERNEL);
        try {
            Domain d = callable(libraryOs);
            if (d == null) {
                return Status.ENOENT;
            }
            int id = d.id();
            int before = Math.max(0, segments.getInt(id, SegmentTable.FRAMES_AT));
            int wanted = Math.min(frames, before);
            LibraryOs os = calls.libraryOses.extension(d);
            Context ctx = d.context();
            calls.call(calls.libraryOses, d, () -> os.revoke(ctx, wanted));
            if (!domains.isAborted(id)) {
                int kept = segments.getInt(id, SegmentTable.FRAMES_AT);
                if (before - kept < wanted) {
                    kernel.abort(d, new Trap(Trap.Kind.REVOCATION_TIMEOUT, id, "Kernel.revoke",
                            "library OS " + d.name() + " released " + (before - kept) + " of " + wanted + " frames asked for"));
                }
            }
            int after = domains.isAborted(id) ? 0 : segments.getInt(id, SegmentTable.FRAMES_AT);
            return before - after;
        } finally {
            memory.actAs(prev);
        }
    }

    /** The library OS if attached and callable, after a tick of simulated time; else null. */
    private Domain callable(Domain libraryOs) {
        Domain d = calls.callable(calls.libraryOses, libraryOs);
        if (d != null) {
            header.tick();
        }
        return d;
    }
}
