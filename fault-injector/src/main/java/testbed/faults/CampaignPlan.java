package testbed.faults;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import testbed.corpus.Corpus;
import testbed.corpus.CorpusEntry;

/**
 * The order in which a campaign runs its trials: position {@code n} of the plan is always the same
 * trial, so a campaign is reproducible from its settings and an interrupted one resumes by
 * skipping the positions already logged.
 *
 * <p>The settings' plan is rounds of every entry under every fault, each (entry, fault) pair with
 * one seed run in every mode one after another, and the pairs of a round in their own seeded
 * order. It is balanced: every mode gets the same (entry, fault, seed) triples, so a difference
 * between two columns of the report is the modes' doing, and a campaign cut short by its trial
 * count or time limit still samples every entry and fault evenly (exactly balanced when cut at a
 * multiple of the mode count). An explicit plan (a replay, a check of every entry) is a list of
 * trials run in its order.
 */
public final class CampaignPlan {
    private final CampaignSettings settings;
    private final List<String> entries;
    /** An explicit plan, or null for the settings' cross product. */
    private final List<TrialId> explicit;
    private long orderRound = -1;
    private int[] order;

    private CampaignPlan(CampaignSettings settings, List<String> entries, List<TrialId> explicit) {
        this.settings = settings;
        this.entries = List.copyOf(entries);
        this.explicit = explicit == null ? null : List.copyOf(explicit);
    }

    /** The cross product of the settings over {@code corpus}. */
    public static CampaignPlan of(CampaignSettings settings, Corpus corpus) {
        List<String> names = new ArrayList<>();
        for (CorpusEntry e : corpus.entries()) {
            names.add(e.name());
        }
        return new CampaignPlan(settings, names, null);
    }

    /** Exactly {@code trials}, in order. */
    public static CampaignPlan of(CampaignSettings settings, List<TrialId> trials) {
        return new CampaignPlan(settings, List.of(), trials);
    }

    /** Whether this plan is a given list of trials rather than the settings' cross product. */
    public boolean isExplicit() {
        return explicit != null;
    }

    /** The {@code n}-th trial of the plan. */
    public TrialId trial(long n) {
        if (explicit != null) {
            return explicit.get((int) (n % explicit.size()));
        }
        int modes = settings.modes().size();
        int faults = settings.faults().size();
        int pairs = entries.size() * faults;
        long perRound = (long) pairs * modes;
        long round = n / perRound;
        long inRound = n % perRound;
        int pair = order(round, pairs)[(int) (inRound / modes)];
        String mode = settings.modes().get((int) (inRound % modes));
        String fault = settings.faults().get(pair % faults);
        String entry = entries.get(pair / faults);
        return new TrialId(entry, fault, mode, Fault.draw(settings.seed() + round, pair) & Long.MAX_VALUE);
    }

    private synchronized int[] order(long round, int size) {
        if (round != orderRound) {
            List<Integer> indices = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                indices.add(i);
            }
            Collections.shuffle(indices, new Random(Fault.draw(settings.seed(), (int) round)));
            order = indices.stream().mapToInt(Integer::intValue).toArray();
            orderRound = round;
        }
        return order;
    }
}
