package testbed.reports;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether the campaign's sample is balanced across protection modes: every (entry, fault) pair
 * ran the same number of trials in every mode. Only then is a difference between two columns of
 * the containment table the modes' doing rather than a difference in what each mode drew.
 * Computed from the trials' counts alone, so it describes what ran, whatever the plan meant to run.
 *
 * @param pairs (entry, fault) pairs with at least one trial
 * @param unbalancedPairs pairs whose trial count differs between two modes (a mode without
 *     trials of the pair counts as 0)
 * @param perPairMin the fewest trials any pair had in any mode
 * @param perPairMax the most trials any pair had in any mode
 * @param trialsPerMode mode → trials, in column order
 */
record Balance(int pairs, int unbalancedPairs, int perPairMin, int perPairMax, Map<String, Integer> trialsPerMode) {

    static Balance of(List<String> modes, TrialCounts trials) {
        Map<String, Map<String, Integer>> byPair = new HashMap<>();
        Map<String, Integer> perMode = new LinkedHashMap<>();
        modes.forEach(m -> perMode.put(m, 0));
        for (TrialCounts.Cell c : trials.cells()) {
            byPair.computeIfAbsent(c.entry + '\u0000' + c.fault, p -> new HashMap<>()).merge(c.mode, c.trials(), Integer::sum);
            perMode.merge(c.mode, c.trials(), Integer::sum);
        }
        int unbalanced = 0;
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (Map<String, Integer> counts : byPair.values()) {
            int pairMin = Integer.MAX_VALUE;
            int pairMax = 0;
            for (String mode : modes) {
                int n = counts.getOrDefault(mode, 0);
                pairMin = Math.min(pairMin, n);
                pairMax = Math.max(pairMax, n);
            }
            if (pairMin != pairMax) {
                unbalanced++;
            }
            min = Math.min(min, pairMin);
            max = Math.max(max, pairMax);
        }
        return new Balance(byPair.size(), unbalanced, byPair.isEmpty() ? 0 : min, max, java.util.Collections.unmodifiableMap(perMode));
    }

    /** Every pair ran equally often in every mode (and something ran). */
    boolean balanced() {
        return pairs > 0 && unbalancedPairs == 0;
    }

    /** One or two sentences for the page: what the counts show and what that means for reading columns. */
    String statement() {
        int modes = trialsPerMode.size();
        if (pairs == 0) {
            return "No trials yet, so nothing to compare.";
        }
        if (modes < 2) {
            return "One protection mode ran, so there are no columns to compare.";
        }
        String perMode = perModeCounts();
        if (balanced()) {
            return "Balanced across modes: each of the " + Figures.count(pairs) + " (entry, fault) pairs ran "
                    + times(perPairMin) + " in every one of the " + modes + " modes (" + perMode
                    + "), so a difference between two columns is the modes' doing.";
        }
        return "Not balanced across modes: " + Figures.count(unbalancedPairs) + " of " + Figures.count(pairs)
                + " (entry, fault) pairs ran a different number of times in different modes (from " + Figures.count(perPairMin)
                + " to " + Figures.count(perPairMax) + " per pair and mode; " + perMode + "). Compare columns by share, "
                + "with their intervals, and keep in mind that part of a difference may come from which pairs each mode drew.";
    }

    private String perModeCounts() {
        StringBuilder text = new StringBuilder();
        trialsPerMode.forEach((mode, n) -> text.append(text.length() == 0 ? "" : ", ").append(mode).append(' ').append(Figures.count(n)));
        return text + " trials";
    }

    private static String times(int n) {
        return n == 1 ? "once" : n == 2 ? "twice" : Figures.count(n) + " times";
    }
}
