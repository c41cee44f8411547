package testbed.sandbox;

import java.lang.invoke.MethodHandle;
import java.util.Arrays;
import java.util.function.Supplier;
import testbed.kernel.Segment;
import testbed.sandbox.verify.Rejection;
import testbed.sandbox.verify.VerifiedClass;
import testbed.sandbox.verify.Verifier;
import testbed.sfi.runtime.Meter;

/**
 * What the load pipeline made of class bytes it has seen: the verifier's answer per bytes (for
 * every sandbox in the JVM), and per sandbox the rewrite per (bytes, segment) and, in protected
 * in-JVM modes, the defined class with its meter. A campaign loads the same bytes again and again (the unfaulted entry, every
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
 * fixed capacity ({@link SegmentedLru}: bytes seen again outlast a stream of bytes seen once),
 * so that Metaspace stays flat over a long campaign.
 */
final class LoadCache {
    /** Class bytes whose verdict and rewrite are kept: seen once, and seen again. */
    private static final int BYTES_ONCE = 2048;
    private static final int BYTES_AGAIN = 2048;
    /** Defined classes kept per sandbox: seen once, and seen again. */
    private static final int DEFINED_ONCE = 256;
    private static final int DEFINED_AGAIN = 768;

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

    /**
     * Verdicts of every sandbox in this JVM, keyed by verifier and bytes: a campaign loads the
     * same bytes in every protected mode one after another, and the verifier's answer does not
     * depend on the mode.
     */
    private static final SegmentedLru<Bytes, Verdict> VERDICTS = new SegmentedLru<>(2 * BYTES_ONCE, 2 * BYTES_AGAIN);

    private final SegmentedLru<Bytes, byte[]> rewritten = new SegmentedLru<>(BYTES_ONCE, BYTES_AGAIN);
    private final SegmentedLru<Bytes, Defined> defined = new SegmentedLru<>(DEFINED_ONCE, DEFINED_AGAIN);

    /**
     * The answer of {@code verifier} for {@code bytes}: its {@link Verifier#verify} if {@code enforce},
     * else its {@link Verifier#inspect}, computed the first time any sandbox asks.
     */
    static VerifiedClass verified(byte[] bytes, Verifier verifier, boolean enforce) throws Rejection {
        Bytes key = new Bytes(bytes, 0, 0, verifier, enforce);
        Verdict v;
        synchronized (VERDICTS) {
            v = VERDICTS.get(key);
        }
        if (v == null) {
            try {
                v = new Verdict(enforce ? verifier.verify(bytes) : verifier.inspect(bytes), null);
            } catch (Rejection r) {
                v = new Verdict(null, r);
            }
            synchronized (VERDICTS) {
                VERDICTS.put(new Bytes(bytes.clone(), 0, 0, verifier, enforce), v);
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

    /**
     * Class bytes compared by content, with the segment the rewrite is for (0, 0 where none
     * matters), or the verifier and which of its checks a verdict is of (null where none is).
     */
    private static final class Bytes {
        private final byte[] bytes;
        private final long base;
        private final long size;
        private final Verifier verifier;
        private final boolean enforce;
        private final int hash;

        Bytes(byte[] bytes, long base, long size) {
            this(bytes, base, size, null, false);
        }

        Bytes(byte[] bytes, long base, long size, Verifier verifier, boolean enforce) {
            this.bytes = bytes;
            this.base = base;
            this.size = size;
            this.verifier = verifier;
            this.enforce = enforce;
            this.hash = ContentHash.of(bytes) * 31 + Long.hashCode(base * 31 + size) + (enforce ? 1 : 0);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes b && b.hash == hash && b.base == base && b.size == size && b.verifier == verifier
                    && b.enforce == enforce && Arrays.equals(b.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
