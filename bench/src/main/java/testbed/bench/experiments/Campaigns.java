package testbed.bench.experiments;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import testbed.corpus.Outcome;
import testbed.faults.Campaign;
import testbed.faults.TrialRecord;
import testbed.reports.Share;

/** What the campaign-driven experiments (E3, E4) share: running one quietly and tabulating its outcomes. */
final class Campaigns {
    /** Outcomes after which the host did not survive intact. */
    static final Set<Outcome> DAMAGE = Set.of(Outcome.ESCAPED, Outcome.HUNG, Outcome.CRASHED);

    private Campaigns() {
    }

    /** Runs a campaign to its end, printing a line every few thousand trials. */
    static Campaign.Result run(Campaign campaign, Experiment.Run run, String what) throws IOException {
        long[] last = {0};
        Campaign.Result result = campaign.run(p -> {
            if (p.done() - last[0] >= 2000 || p.done() == p.total()) {
                last[0] = p.done();
                run.log().printf("%s: %d/%d trials, %.0f trials/s%n", what, p.done(), p.total(), p.trialsPerSecond());
            }
        });
        if (result.interrupted()) {
            throw new IOException(what + ": the campaign was interrupted");
        }
        return result;
    }

    /** Counts of each outcome by row key and mode, rows in first-seen order. */
    static Map<String, Map<String, Map<Outcome, Integer>>> tally(List<TrialRecord> records, java.util.function.Function<TrialRecord, String> row) {
        Map<String, Map<String, Map<Outcome, Integer>>> t = new LinkedHashMap<>();
        for (TrialRecord r : records) {
            t.computeIfAbsent(row.apply(r), k -> new LinkedHashMap<>()).computeIfAbsent(r.mode(), k -> new EnumMap<>(Outcome.class))
                    .merge(r.outcome(), 1, Integer::sum);
        }
        return t;
    }

    /** The share of trials in {@code counts} whose outcome is in {@code outcomes}. */
    static Share share(Map<Outcome, Integer> counts, Set<Outcome> outcomes) {
        int n = 0;
        int k = 0;
        for (Map.Entry<Outcome, Integer> e : counts.entrySet()) {
            n += e.getValue();
            if (outcomes.contains(e.getKey())) {
                k += e.getValue();
            }
        }
        return new Share(k, n);
    }

    /** {@code 97.5% [93.1–99.2%] of 120}, or a dash for an empty cell. */
    static String cell(Share s) {
        return s.total() == 0 ? "–" : s.percent() + " [" + s.interval() + "] of " + s.total();
    }

    /** A table's rows from a tally: one row per key, one cell per mode. */
    static List<List<String>> rows(Map<String, Map<String, Map<Outcome, Integer>>> t, List<String> modes, Set<Outcome> outcomes) {
        List<List<String>> rows = new ArrayList<>();
        t.forEach((key, byMode) -> {
            List<String> row = new ArrayList<>(List.of(key));
            for (String mode : modes) {
                row.add(cell(share(byMode.getOrDefault(mode, Collections.emptyMap()), outcomes)));
            }
            rows.add(row);
        });
        return rows;
    }

    /** The campaign's working directory under the report directory. */
    static Path directory(Experiment.Run run, String id) {
        return run.out().resolve(id.toLowerCase(java.util.Locale.ROOT) + "-campaign");
    }
}
