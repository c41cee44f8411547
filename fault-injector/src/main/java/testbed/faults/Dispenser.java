package testbed.faults;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Hands out plan positions {@code 0..total-1} in order to the workers, skipping trials already
 * logged, until the deadline or a stop; trials a lost worker had been sent come back first.
 */
final class Dispenser {
    private final CampaignPlan plan;
    private final Shard shard;
    private final int modes;
    private final long total;
    private final Set<String> done;
    private final long deadline;
    private final BooleanSupplier stopping;
    private final Deque<TrialId> retry = new ArrayDeque<>();
    private long next;

    /**
     * @param shard the part of the plan this campaign runs (of a cross product; an explicit plan runs whole)
     * @param modes the plan's modes, which a shard keeps together
     * @param done ids of trials already logged
     * @param deadline {@link System#nanoTime()} after which nothing more is handed out
     */
    Dispenser(CampaignPlan plan, Shard shard, int modes, long total, Set<String> done, long deadline, BooleanSupplier stopping) {
        this.plan = plan;
        this.shard = shard;
        this.modes = modes;
        this.total = total;
        this.done = done;
        this.deadline = deadline;
        this.stopping = stopping;
    }

    /** The next trial to run, or null when there is none. */
    synchronized TrialId take() {
        if (stopping.getAsBoolean() || System.nanoTime() > deadline) {
            return null;
        }
        if (!retry.isEmpty()) {
            return retry.poll();
        }
        return fromPlan();
    }

    /**
     * The next trial to run and the rest of its (entry, fault, seed) in the plan's other modes,
     * so that one worker runs them all: it mutates the class once and verifies it once for them.
     * Empty when there is nothing left.
     */
    synchronized List<TrialId> takeGroup() {
        TrialId first = take();
        if (first == null) {
            return List.of();
        }
        List<TrialId> group = new ArrayList<>(modes);
        group.add(first);
        if (!plan.isExplicit()) {
            while (next % modes != 0 && next < total) {
                TrialId id = fromPlan();
                if (id == null) {
                    break;
                }
                group.add(id);
            }
        }
        return group;
    }

    private TrialId fromPlan() {
        while (next < total) {
            if (!plan.isExplicit()) {
                next = shard.next(next, modes);
                if (next >= total) {
                    break;
                }
            }
            TrialId id = plan.trial(next++);
            // Positions of the cross product are distinct trials, so only those already logged
            // need remembering; an explicit plan may name a trial twice.
            if (!plan.isExplicit() ? !done.contains(id.toString()) : done.add(id.toString())) {
                return id;
            }
        }
        return null;
    }

    /** Trials that were sent to a worker but not answered, to be handed out again before any other. */
    synchronized void giveBack(List<TrialId> ids) {
        for (int i = ids.size() - 1; i >= 0; i--) {
            retry.addFirst(ids.get(i));
        }
    }
}
