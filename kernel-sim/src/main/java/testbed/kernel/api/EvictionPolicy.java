package testbed.kernel.api;

/**
 * A VINO-style policy graft: the buffer cache asks it which block to evict. The kernel writes
 * the candidates into the segment as {@code count} records of 16 bytes each
 * ({@code long blockKey, long lastUse}) and uses its own LRU choice if the answer is bad.
 */
public interface EvictionPolicy {

    /** @return the index of the victim among the candidates, in {@code [0, count)} */
    int chooseVictim(Context ctx, long candidates, int count);
}
