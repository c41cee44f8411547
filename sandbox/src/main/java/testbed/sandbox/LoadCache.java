package testbed.sandbox;

import java.lang.invoke.MethodHandle;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import testbed.kernel.Segment;
import testbed.sandbox.verify.Rejection;
import testbed.sandbox.verify.VerifiedClass;
import testbed.sfi.runtime.Meter;

/**
 * What one sandbox's load pipeline made of class bytes it has seen: the verifier's answer per
 * bytes, the rewrite per (bytes, segment), and in protected in-JVM modes the defined class with
 * its meter. A campaign loads the same bytes again and again (the unfaulted entry, every
 * environment fault, mutants that hit the same site); each of those skips verify, rewrite and
 * define, and the class it reuses is one the JIT has already compiled.
 *
 * <p>Sharing a defined class between domains is sound only where the verifier has ruled out
 * state that outlives a domain: protected modes refuse static state and static initialisers, so
 * two domains of one class share nothing but code. Under {@code NONE} only a class without static
 * state or initialiser is shared ({@code ClassState}); any other is defined afresh for every
 * domain. A cached class serves one domain at a time: its meter is that domain's.
 *
 * <p>Every answer is a function of the bytes (and the segment the rewrite bakes in), so a cache
 * hit gives exactly what a fresh load would. Least recently used entries are dropped beyond a
 * fixed capacity, so that Metaspace stays flat over a long campaign.
 */
final class LoadCache {
    private static final int VERIFIED_CAPACITY = 2048;
    private static final int DEFINED_CAPACITY = 256;

    /** A loaded class one domain at a time may use: taken by a load, given back by the domain's unload. */
    static final class Defined {
        final Class<?> type;
        final Meter meter;
        final MethodHandle constructor;
        private boolean inUse;

        Defined(Class<?> type, Meter meter, MethodHandle constructor) {
            this.type = type;
            this.meter = meter;
            this.constructor = constructor;
        }

        synchronized void release() {
            inUse = false;
        }

        private synchronized boolean take() {
            if (inUse) {
                return false;
            }
            inUse = true;
            return true;
        }
    }

    private record Verdict(VerifiedClass verified, Rejection rejection) {
    }

    private final Map<Bytes, Verdict> verified = lru(VERIFIED_CAPACITY);
    private final Map<Bytes, byte[]> rewritten = lru(VERIFIED_CAPACITY);
    private final Map<Bytes, Defined> defined = lru(DEFINED_CAPACITY);

    /** The verifier's answer for {@code bytes}, computed by {@code verify} the first time. */
    VerifiedClass verified(byte[] bytes, Verification verify) throws Rejection {
        Bytes key = new Bytes(bytes, 0, 0);
        Verdict v;
        synchronized (this) {
            v = verified.get(key);
        }
        if (v == null) {
            try {
                v = new Verdict(verify.run(bytes), null);
            } catch (Rejection r) {
                v = new Verdict(null, r);
            }
            synchronized (this) {
                verified.put(new Bytes(bytes.clone(), 0, 0), v);
            }
        }
        if (v.rejection != null) {
            throw v.rejection;
        }
        return v.verified;
    }

    /** The rewrite of verified {@code bytes} for {@code segment}, computed by {@code rewrite} the first time. */
    byte[] rewritten(byte[] bytes, Segment segment, Supplier<byte[]> rewrite) {
        Bytes key = new Bytes(bytes, segment.base(), segment.size());
        byte[] out;
        synchronized (this) {
            out = rewritten.get(key);
        }
        if (out == null) {
            out = rewrite.get();
            synchronized (this) {
                rewritten.put(key, out);
            }
        }
        return out;
    }

    /** A defined class for {@code rewritten} bytes that no live domain uses, taken for one; null if there is none. */
    synchronized Defined take(byte[] rewritten) {
        Defined d = defined.get(new Bytes(rewritten, 0, 0));
        return d != null && d.take() ? d : null;
    }

    /** Remembers a class just defined for {@code rewritten}, taken by the domain being loaded. */
    synchronized void put(byte[] rewritten, Defined d) {
        d.take();
        defined.putIfAbsent(new Bytes(rewritten, 0, 0), d);
    }

    @FunctionalInterface
    interface Verification {
        VerifiedClass run(byte[] bytes) throws Rejection;
    }

    private static <K, V> Map<K, V> lru(int capacity) {
        return new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Class bytes compared by content, with the segment the rewrite is for (0, 0 where none matters). */
    private static final class Bytes {
        private final byte[] bytes;
        private final long base;
        private final long size;
        private final int hash;

        Bytes(byte[] bytes, long base, long size) {
            this.bytes = bytes;
            this.base = base;
            this.size = size;
            this.hash = Arrays.hashCode(bytes) * 31 + Long.hashCode(base * 31 + size);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes b && b.hash == hash && b.base == base && b.size == size && Arrays.equals(b.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
