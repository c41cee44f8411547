package testbed.faults;

import java.time.Duration;
import java.util.List;

/**
 * The parameters of a campaign, as given on the command line and recorded in its report.
 *
 * @param corpus where the extensions came from: {@code bundled}, a directory or a jar
 * @param modes protection modes, in report column order
 * @param faults fault kind names
 * @param trials trial budget, or 0 for "until the time limit"
 * @param timeLimit wall-clock limit, or {@code null}
 * @param seed campaign seed; every trial seed derives from it
 * @param workers worker JVMs
 * @param shard the part of the plan this run covers ({@link Shard#WHOLE} unless a scheduler runs
 *     the campaign as several jobs); {@code trials} counts the whole plan's trials
 */
public record CampaignSettings(
        String corpus,
        List<String> modes,
        List<String> faults,
        long trials,
        Duration timeLimit,
        long seed,
        int workers,
        Shard shard) {

    public CampaignSettings {
        modes = List.copyOf(modes);
        faults = List.copyOf(faults);
        shard = shard == null ? Shard.WHOLE : shard;
    }

    /** The settings of a campaign run in one piece. */
    public CampaignSettings(String corpus, List<String> modes, List<String> faults, long trials, Duration timeLimit, long seed, int workers) {
        this(corpus, modes, faults, trials, timeLimit, seed, workers, Shard.WHOLE);
    }

    /** The same campaign as one piece: what the merged shards of it report. */
    public CampaignSettings whole() {
        return new CampaignSettings(corpus, modes, faults, trials, timeLimit, seed, workers, Shard.WHOLE);
    }

    /** Trials this run is to do: its shard's part of the trial budget, or 0 for "until the time limit". */
    public long shardTrials() {
        return trials <= 0 ? trials : shard.size(trials, modes.size());
    }
}
