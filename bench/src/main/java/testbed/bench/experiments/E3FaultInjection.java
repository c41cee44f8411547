package testbed.bench.experiments;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import testbed.corpus.Corpus;
import testbed.corpus.Outcome;
import testbed.faults.Campaign;
import testbed.faults.CampaignSettings;
import testbed.faults.Fault;
import testbed.faults.Faults;
import testbed.faults.TrialLog;
import testbed.faults.TrialRecord;
import testbed.reports.ExperimentPage;
import testbed.reports.ExperimentPage.Check;
import testbed.reports.ExperimentPage.Published;
import testbed.reports.ExperimentPage.Table;
import testbed.reports.Share;
import testbed.reports.stats.Goal;
import testbed.reports.stats.Latency;
import testbed.sfi.ProtectionMode;

/**
 * E3, the fault-injection table of Nooks (Swift et al. 2003) and Rio (Chen et al. 1996): a
 * campaign injects every fault kind into every corpus entry in every protection mode, and the
 * page tabulates by fault type and mode how often the host survived, and Rio's figure: of the
 * faults that took effect, the share after which the oracle found file data corrupted, in the
 * simulated buffer cache or on the simulated disk.
 */
final class E3FaultInjection implements Experiment {
    /** Outcomes after which an injected fault had visibly taken effect: Rio's "crashes". */
    static final Set<Outcome> ACTIVATED = EnumSet.of(Outcome.CONTAINED, Outcome.WRONG_RESULT, Outcome.ESCAPED, Outcome.HUNG, Outcome.CRASHED);
    private static final int QUICK_TRIALS = 1000;

    @Override
    public String id() {
        return "E3";
    }

    @Override
    public String title() {
        return "Fault injection: outcome by fault type and isolation (Nooks, Rio)";
    }

    @Override
    public String runTime() {
        return "about 1 min (11,360 trials); --quick about 10 s (1,000 trials)";
    }

    /** Whether an oracle violation says file data was corrupted or lost (buffer cache or disk). */
    static boolean corruptsFiles(String violation) {
        return violation.startsWith("DATA_LOST BUFFER_CACHE") || violation.startsWith("DATA_LOST DISK")
                || violation.startsWith("WILD_STORE BUFFER_CACHE") || violation.startsWith("CORRUPTED_PAGE BUFFER_CACHE");
    }

    @Override
    public ExperimentPage run(Run run) throws IOException {
        Corpus corpus = Corpus.bundled();
        List<String> modes = Arrays.stream(ProtectionMode.values()).map(Enum::name).toList();
        List<String> faults = new ArrayList<>(List.of(Faults.none().name()));
        Faults.all().stream().map(Fault::name).forEach(faults::add);
        long round = (long) corpus.entries().size() * faults.size() * modes.size();
        long trials = run.quick() ? QUICK_TRIALS - QUICK_TRIALS % modes.size() : 2 * round;
        CampaignSettings settings = new CampaignSettings(corpus.origin(), modes, faults, trials, null, 1, 2);
        run.log().println("E3: " + trials + " trials (" + corpus.entries().size() + " entries x " + faults.size() + " faults x "
                + modes.size() + " modes" + (run.quick() ? ", cut short" : ", two rounds") + "), 2 workers");
        java.nio.file.Path dir = Campaigns.directory(run, id());
        Campaigns.run(Campaign.of(settings, corpus, dir, run.workerJvm()), run, "E3");
        // The log has every record whole; the campaign keeps only brief ones in memory.
        List<TrialRecord> faulted = TrialLog.read(dir.resolve(TrialLog.FILE_NAME)).stream()
                .filter(r -> !r.fault().equals(Faults.none().name())).toList();

        Set<Outcome> survived = EnumSet.complementOf(EnumSet.copyOf(Campaigns.DAMAGE));
        Map<String, Map<String, Map<Outcome, Integer>>> byFault = new java.util.TreeMap<>(Campaigns.tally(faulted, r -> r.faultFamily() + ": " + r.fault()));
        List<String> header = new ArrayList<>(List.of("fault type"));
        header.addAll(modes);

        List<List<String>> rio = new ArrayList<>();
        List<List<String>> trialTimes = new ArrayList<>();
        Map<String, Latency.Summary> latencies = new LinkedHashMap<>();
        Map<String, Share> corrupted = new LinkedHashMap<>();
        int protectedActivated = 0;
        int protectedCorrupted = 0;
        int protectedDamage = 0;
        for (String mode : modes) {
            List<TrialRecord> mine = faulted.stream().filter(r -> r.mode().equals(mode)).toList();
            List<TrialRecord> activated = mine.stream().filter(r -> ACTIVATED.contains(r.outcome())).toList();
            int bad = (int) activated.stream().filter(r -> r.violations().stream().anyMatch(E3FaultInjection::corruptsFiles)).count();
            int damage = (int) mine.stream().filter(r -> Campaigns.DAMAGE.contains(r.outcome())).count();
            Share s = new Share(bad, activated.size());
            corrupted.put(mode, s);
            if (!mode.equals("NONE")) {
                protectedActivated += activated.size();
                protectedCorrupted += bad;
                protectedDamage += damage;
            }
            rio.add(List.of(mode, Integer.toString(mine.size()), Integer.toString(activated.size()),
                    Campaigns.cell(new Share(damage, mine.size())), Campaigns.cell(s)));
            Latency latency = new Latency();
            mine.forEach(r -> latency.record(r.micros() * 1000));
            Latency.Summary l = latency.summary();
            trialTimes.add(List.of(mode, Latency.Summary.human(l.p50()), Latency.Summary.human(l.p99()), Latency.Summary.human(l.p999()),
                    Latency.Summary.human(l.max()), String.format(java.util.Locale.ROOT, "%,d", l.count())));
            latencies.put(mode, l);
        }
        int protectedFaulted = (int) faulted.stream().filter(r -> !r.mode().equals("NONE")).count();
        Share protectedCorruption = new Share(protectedCorrupted, protectedActivated);
        Share protectedFailures = new Share(protectedDamage, protectedFaulted);
        List<Check> checks = List.of(
                Checks.of(new Goal("protected modes: faults that took effect and still corrupted file data (Rio's figure)",
                        Goal.Direction.AT_MOST, 0.011), "%", Checks.of(protectedCorruption), protectedActivated, run.quick(), "trials"),
                Checks.of(new Goal("protected modes: faulted trials the host did not survive (ESCAPED, HUNG, CRASHED)",
                        Goal.Direction.AT_MOST, 0.01), "%", Checks.of(protectedFailures), protectedFaulted, run.quick(), "trials"));
        Share none = corrupted.get("NONE");
        List<Published> published = List.of(
                new Published("crashes that corrupted file data, no protection", "1.1% (disk-based UFS) and 1.5% (Rio's file cache "
                        + "without protection) of crashes", "Chen et al. 1996, The Rio file cache: surviving operating system crashes, ASPLOS",
                        "NONE: " + none.percent() + " [" + none.interval() + "] of " + none.total() + " faults that took effect"),
                new Published("crashes that corrupted file data, with protection", "Rio's protection of the file cache made such "
                        + "corruption rarer than on a disk-based file system", "Chen et al. 1996",
                        "protected modes: " + protectedCorruption.percent() + " [" + protectedCorruption.interval() + "] of " + protectedActivated),
                new Published("faults that crashed the kernel and were survived with isolation", "99% of the faults that crashed native "
                        + "Linux were survived with Nooks", "Swift, Bershad and Levy 2003, Improving the reliability of commodity operating systems, SOSP",
                        "protected modes: " + new Share(protectedFaulted - protectedDamage, protectedFaulted).percent()
                        + " of " + protectedFaulted + " faulted trials survived"));

        ObjectNode data = JsonMapper.builder().build().createObjectNode();
        data.put("campaign", dir.getFileName().toString());
        data.put("trials", trials);
        ObjectNode counts = data.putObject("outcomesByFault");
        byFault.forEach((fault, byMode) -> counts.set(fault, data.pojoNode(byMode)));
        ObjectNode files = data.putObject("fileCorruptionByMode");
        corrupted.forEach((mode, s) -> files.putObject(mode).put("corrupted", s.count()).put("activated", s.total()));
        ObjectNode times = data.putObject("faultedTrialLatency");
        latencies.forEach((mode, l) -> times.set(mode, data.pojoNode(l.asMap())));
        return new ExperimentPage(id(), title(),
                "When a fault is injected into an extension, does the host survive, and does its file data? Outcome by fault type and "
                        + "protection mode, in the shape of Nooks' and Rio's fault-injection tables.",
                run.quick(), "trials", List.of(), checks,
                List.of(new Table("Faulted trials the host survived (OK, REJECTED, CONTAINED or WRONG_RESULT), by fault type and mode: share "
                                + "[95% Wilson interval] of the trials", header, Campaigns.rows(byFault, modes, survived)),
                        new Table("Rio's figure: of the faults that took effect (CONTAINED, WRONG_RESULT, ESCAPED, HUNG, CRASHED), the share after "
                                + "which the oracle found file data corrupted or lost in the buffer cache or on the disk",
                                List.of("mode", "faulted trials", "took effect", "host did not survive", "took effect and corrupted file data"), rio),
                        new Table("Wall time of one faulted trial in a worker (restore, fault, load, run, judge, unload; HdrHistogram)",
                                List.of("mode", "p50", "p99", "p99.9", "max", "trials"), trialTimes)),
                published,
                "Rio and Nooks injected faults into a real kernel (Digital Unix, Linux) and rebooted after each crash: hundreds of "
                        + "crashes per configuration, and corruption found by checksumming files afterwards. The testbed injects them into "
                        + "extensions of a simulated kernel that keeps its buffer cache and file blocks in simulated memory, and its oracle "
                        + "compares every file block with a record kept outside that memory after every trial, so a corruption is seen "
                        + "the moment it happens rather than after a reboot, and thousands of trials run per minute. The fault types are "
                        + "the testbed's bytecode mutations after Rio's and Nooks' fault models (and environment faults), not machine-code "
                        + "bit flips, and the faulted code is an extension, not the kernel itself: unprotected (NONE) it can corrupt the "
                        + "file cache; in a protected mode the rewrite confines it, which is what the second row of the comparison measures.",
                List.of("Trials with no fault (fault none) are left out of every table. The campaign's own files (trials.jsonl, findings) "
                        + "are in " + dir.getFileName() + "/ beside this page; ./testbed campaign renders the full containment report of such a run."),
                run.provenance(), data);
    }
}
