package testbed.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's Java-side record of its domains: the {@link Domain} object each id stands for
 * and whether it is aborted. The segment table in simulated memory holds the rest; the oracle
 * checks the two against each other. Saved and restored with every snapshot.
 */
final class Domains {
    private final Domain[] byId = new Domain[MemoryLayout.DOMAIN_IDS];
    private final boolean[] aborted = new boolean[MemoryLayout.DOMAIN_IDS];

    /** The current domain with {@code id}, or null (also for an id out of range). */
    Domain get(int id) {
        return id < 0 || id >= byId.length ? null : byId[id];
    }

    boolean isAborted(int id) {
        return aborted[id];
    }

    /** Whether {@code domain} is the current domain with its id. */
    boolean isCurrent(Domain domain) {
        return byId[domain.id()] == domain;
    }

    /** The lowest free id from {@code first} on, or -1. */
    int lowestFree(int first) {
        for (int i = first; i < byId.length; i++) {
            if (byId[i] == null) {
                return i;
            }
        }
        return -1;
    }

    void add(Domain domain) {
        byId[domain.id()] = domain;
        aborted[domain.id()] = false;
    }

    void remove(int id) {
        byId[id] = null;
        aborted[id] = false;
    }

    void markAborted(int id) {
        aborted[id] = true;
    }

    /** Current domains in id order. */
    List<Domain> list() {
        return listOf(byId);
    }

    /** A copy for a snapshot. */
    Saved save() {
        return new Saved(byId.clone(), aborted.clone());
    }

    void restore(Saved saved) {
        System.arraycopy(saved.byId, 0, byId, 0, byId.length);
        System.arraycopy(saved.aborted, 0, aborted, 0, aborted.length);
    }

    private static List<Domain> listOf(Domain[] byId) {
        List<Domain> list = new ArrayList<>();
        for (Domain d : byId) {
            if (d != null) {
                list.add(d);
            }
        }
        return list;
    }

    /** The record as a snapshot keeps it. */
    record Saved(Domain[] byId, boolean[] aborted) {
        /** The domains that were current, in id order. */
        List<Domain> list() {
            return listOf(byId);
        }
    }
}
