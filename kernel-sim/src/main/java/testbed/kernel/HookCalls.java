package testbed.kernel;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import testbed.kernel.api.EventHandler;
import testbed.kernel.api.EvictionPolicy;
import testbed.kernel.api.Hook;
import testbed.kernel.api.LibraryOs;
import testbed.kernel.api.PacketFilter;
import testbed.kernel.api.ReadFilter;
import testbed.kernel.api.Status;

/**
 * How the kernel calls the extensions attached to its hooks: a typed table per {@link Hook} of
 * the extension objects and their crossings, the walk over the domains that the in-memory
 * {@link HookTable} lists, and the one call path every hook goes through.
 *
 * <p>The hook table in simulated memory decides whom the kernel calls (a domain whose id a wild
 * store wiped is no longer called); these tables only hold the Java objects an id stands for.
 * A call is attributed to its domain whatever the crossing does, and a {@link Trap} out of the
 * crossing ends in the abort protocol (if the crossing did not run it) and in the hook's
 * default policy. What an answer means stays with the structure that owns the hook.
 */
final class HookCalls {
    /** A call into a domain ended in a trap; the hook uses its default. */
    static final long TRAPPED = Long.MIN_VALUE;

    /** The extensions attached to one hook and the crossings they are entered through, by domain id. */
    static final class Attached<T> {
        final Hook hook;
        private final Object[] extensions = new Object[MemoryLayout.DOMAIN_IDS];
        private final Crossing[] crossings = new Crossing[MemoryLayout.DOMAIN_IDS];

        private Attached(Hook hook, Class<T> type) {
            if (hook.type() != type) {
                throw new IllegalArgumentException(hook + " is implemented by " + hook.type().getName() + ", not " + type.getName());
            }
            this.hook = hook;
        }

        /** The extension of a domain the walk or {@link HookCalls#callable(Attached, Domain)} returned. */
        @SuppressWarnings("unchecked") // attach files an extension under the hook its class implements
        T extension(Domain domain) {
            return (T) extensions[domain.id()];
        }
    }

    final Attached<PacketFilter> packetFilters = new Attached<>(Hook.PACKET_FILTER, PacketFilter.class);
    final Attached<ReadFilter> readFilters = new Attached<>(Hook.READ_FILTER, ReadFilter.class);
    final Attached<EventHandler> eventHandlers = new Attached<>(Hook.EVENT_HANDLER, EventHandler.class);
    final Attached<EvictionPolicy> evictionPolicies = new Attached<>(Hook.EVICTION_POLICY, EvictionPolicy.class);
    final Attached<LibraryOs> libraryOses = new Attached<>(Hook.LIBRARY_OS, LibraryOs.class);
    private final Attached<?>[] byHook = new Attached<?>[Hook.values().length];

    private final Kernel kernel;
    private final PhysicalMemory memory;
    private final HookTable hooks;
    private final SegmentTable segments;
    private final Domains domains;
    private boolean defaultsOnly;

    HookCalls(Kernel kernel, KernelStructures s, Domains domains) {
        this.kernel = kernel;
        this.memory = s.memory;
        this.hooks = s.hooks;
        this.segments = s.segments;
        this.domains = domains;
        for (Attached<?> a : new Attached<?>[] {packetFilters, readFilters, eventHandlers, evictionPolicies, libraryOses}) {
            byHook[a.hook.ordinal()] = a;
        }
        for (Hook h : Hook.values()) {
            if (byHook[h.ordinal()] == null) {
                throw new IllegalStateException("the kernel has no table of extensions for hook " + h);
            }
        }
    }

    // ------------------------------------------------------------------ attachments

    /** See {@link Kernel#attach}; the caller has checked the domain. */
    int attach(Domain domain, Object extension, Crossing crossing) {
        Hook hook;
        try {
            hook = Hook.of(extension);
        } catch (IllegalArgumentException e) {
            throw new KernelException(Status.EINVAL, "attach: " + e.getMessage());
        }
        if (crossing == null) {
            throw new KernelException(Status.EINVAL, "attach: crossing is null; use Crossing.DIRECT for none");
        }
        int id = domain.id();
        int prev = memory.actAs(PhysicalMemory.KERNEL);
        try {
            if (domains.isAborted(id) || !segments.grants(id, hook.capability())) {
                return Status.EPERM;
            }
            int status = hooks.add(hook, id);
            if (status == Status.OK) {
                Attached<?> a = byHook[hook.ordinal()];
                a.extensions[id] = extension;
                a.crossings[id] = crossing;
            }
            return status;
        } finally {
            memory.actAs(prev);
        }
    }

    /** See {@link Kernel#detach}; the caller has checked the domain. */
    int detach(Domain domain, Hook hook) {
        if (domain.id() == Kernel.CANARY_ID) {
            return Status.EPERM;
        }
        int prev = memory.actAs(PhysicalMemory.KERNEL);
        try {
            return detach(hook, domain.id()) ? Status.OK : Status.ENOENT;
        } finally {
            memory.actAs(prev);
        }
    }

    /** Removes the domain from the hook; whether it was listed or filed there. */
    private boolean detach(Hook hook, int id) {
        Attached<?> a = byHook[hook.ordinal()];
        boolean listed = hooks.remove(hook, id);
        boolean referenced = a.extensions[id] != null;
        a.extensions[id] = null;
        a.crossings[id] = null;
        return listed || referenced;
    }

    /** Removes the domain from every hook. */
    void detachAll(int id) {
        for (Hook h : Hook.values()) {
            detach(h, id);
        }
    }

    boolean isAttached(int id, Hook hook) {
        return id >= 0 && id < MemoryLayout.DOMAIN_IDS && byHook[hook.ordinal()].extensions[id] != null;
    }

    // ------------------------------------------------------------------ whom to call

    /**
     * The domains {@code hook} lists that the kernel can call, in call order. The list is read
     * once, so that detaching during the walk is safe; each domain is checked again when the
     * walk reaches it, since an earlier call may have aborted it.
     */
    Iterable<Domain> callable(Attached<?> hook) {
        return new Walk(hook, hooks.ids(hook.hook));
    }

    /** {@code domain} if {@code hook} lists it and the kernel can call it; else null. */
    Domain callable(Attached<?> hook, Domain domain) {
        if (domain == null || domain.kernel() != kernel || !hooks.lists(hook.hook, domain.id())) {
            return null;
        }
        return callable(hook, domain.id()) == domain ? domain : null;
    }

    /** Whether a domain the walk returned can still be called (an earlier call into it may have aborted it). */
    boolean stillCallable(Attached<?> hook, Domain domain) {
        return callable(hook, domain.id()) != null;
    }

    private Domain callable(Attached<?> hook, int id) {
        if (id <= 0 || id >= MemoryLayout.DOMAIN_IDS) {
            return null;
        }
        Domain d = domains.get(id);
        if (d == null || domains.isAborted(id) || hook.extensions[id] == null) {
            return null;
        }
        if (defaultsOnly && id != Kernel.CANARY_ID) {
            return null;
        }
        return d;
    }

    private final class Walk implements Iterable<Domain>, Iterator<Domain> {
        private final Attached<?> hook;
        private final int[] ids;
        private int at;
        private Domain next;

        Walk(Attached<?> hook, int[] ids) {
            this.hook = hook;
            this.ids = ids;
        }

        @Override
        public Iterator<Domain> iterator() {
            return this;
        }

        @Override
        public boolean hasNext() {
            while (next == null && at < ids.length) {
                next = callable(hook, ids[at++]);
            }
            return next != null;
        }

        @Override
        public Domain next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Domain d = next;
            next = null;
            return d;
        }
    }

    // ------------------------------------------------------------------ the call

    /**
     * One call into a domain: counted, attributed to the domain, entered through its crossing.
     * A trap ends in the abort protocol (if the crossing did not run it) and returns
     * {@link #TRAPPED}; anything else an extension throws propagates, as a fault in unprotected
     * kernel code would.
     */
    long call(Attached<?> hook, Domain d, DomainCall body) {
        hooks.count(hook.hook, HookTable.CALLS_AT);
        Crossing crossing = hook.crossings[d.id()];
        int prev = memory.actAs(d.id());
        long result;
        try {
            result = crossing.enter(d, body);
        } catch (Trap trap) {
            memory.actAs(PhysicalMemory.KERNEL);
            hooks.count(hook.hook, HookTable.ABORTS_AT);
            if (domains.get(d.id()) == d && !domains.isAborted(d.id()) && d.id() != Kernel.CANARY_ID) {
                kernel.abort(d, trap.inDomain(d.id()));
            }
            return TRAPPED;
        } finally {
            memory.actAs(prev);
        }
        return result;
    }

    /** Counts a use of the hook's default policy. */
    void defaulted(Attached<?> hook) {
        hooks.count(hook.hook, HookTable.DEFAULTS_AT);
    }

    /** Counts an answer the hook could not use. */
    void badAnswer(Attached<?> hook) {
        hooks.count(hook.hook, HookTable.BAD_ANSWERS_AT);
    }

    /** Runs {@code work} with every extension except the canary bypassed. */
    <T> T underDefaultPolicies(Supplier<T> work) {
        boolean prev = defaultsOnly;
        defaultsOnly = true;
        try {
            return work.get();
        } finally {
            defaultsOnly = prev;
        }
    }

    // ------------------------------------------------------------------ snapshots

    /** A copy of the tables, for a snapshot. */
    Saved save() {
        Object[][] extensions = new Object[byHook.length][];
        Crossing[][] crossings = new Crossing[byHook.length][];
        for (int h = 0; h < byHook.length; h++) {
            extensions[h] = byHook[h].extensions.clone();
            crossings[h] = byHook[h].crossings.clone();
        }
        return new Saved(extensions, crossings);
    }

    /** Puts saved tables back and ends any bypass. */
    void restore(Saved saved) {
        for (int h = 0; h < byHook.length; h++) {
            System.arraycopy(saved.extensions[h], 0, byHook[h].extensions, 0, MemoryLayout.DOMAIN_IDS);
            System.arraycopy(saved.crossings[h], 0, byHook[h].crossings, 0, MemoryLayout.DOMAIN_IDS);
        }
        defaultsOnly = false;
    }

    /** The tables as a snapshot keeps them. */
    record Saved(Object[][] extensions, Crossing[][] crossings) {
    }
}
