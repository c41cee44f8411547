package testbed.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded map that drops its least recently used entries, in two segments: an entry starts
 * on probation and moves to the protected segment when it is asked for again. A campaign loads
 * a few classes over and over (every entry unfaulted, under every environment fault) between
 * streams of mutants it loads once each; with one plain LRU the stream pushes the classes in
 * constant use out, here it only cycles through probation.
 *
 * <p>Not thread-safe: callers synchronise.
 */
final class SegmentedLru<K, V> {
    private final Map<K, V> probation;
    private final Map<K, V> kept;
    private final int keptCapacity;

    /**
     * @param probation how many entries seen once are kept
     * @param kept how many entries seen more than once are kept
     */
    SegmentedLru(int probation, int kept) {
        this.probation = lru(probation);
        this.kept = new LinkedHashMap<>(64, 0.75f, true);
        this.keptCapacity = kept;
    }

    /** The value for {@code key}, or null; a hit on probation promotes the entry. */
    V get(K key) {
        V v = kept.get(key);
        if (v != null) {
            return v;
        }
        v = probation.remove(key);
        if (v != null) {
            kept.put(key, v);
            if (kept.size() > keptCapacity) {
                // The least recently used kept entry gets one more chance on probation.
                Map.Entry<K, V> eldest = kept.entrySet().iterator().next();
                kept.remove(eldest.getKey());
                probation.put(eldest.getKey(), eldest.getValue());
            }
        }
        return v;
    }

    /** Remembers {@code value} for {@code key}, on probation, unless the key is already known. */
    void putIfAbsent(K key, V value) {
        if (!kept.containsKey(key)) {
            probation.putIfAbsent(key, value);
        }
    }

    /** Remembers {@code value} for {@code key}, replacing what was known. */
    void put(K key, V value) {
        if (kept.containsKey(key)) {
            kept.put(key, value);
        } else {
            probation.put(key, value);
        }
    }

    private static <K, V> Map<K, V> lru(int capacity) {
        return new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }
}
