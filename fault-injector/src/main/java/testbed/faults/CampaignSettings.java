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
 */
public record CampaignSettings(
        String corpus,
        List<String> modes,
        List<String> faults,
        long trials,
        Duration timeLimit,
        long seed,
        int workers) {

    public CampaignSettings {
        modes = List.copyOf(modes);
        faults = List.copyOf(faults);
    }
}
