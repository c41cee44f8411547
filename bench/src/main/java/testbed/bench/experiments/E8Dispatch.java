package testbed.bench.experiments;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import testbed.bench.extensions.SelectiveEventHandler;
import testbed.kernel.KernelView;
import testbed.kernel.api.Event;
import testbed.reports.ExperimentPage;
import testbed.reports.ExperimentPage.Check;
import testbed.reports.ExperimentPage.Published;
import testbed.reports.ExperimentPage.Table;
import testbed.reports.stats.Bootstrap;
import testbed.reports.stats.Goal;
import testbed.reports.stats.Interval;
import testbed.reports.stats.Latency;
import testbed.sfi.ProtectionMode;

/**
 * E8, SPIN (Bershad et al. 1995): what the kernel's event dispatcher costs against the number
 * of handlers installed on one event, when every handler's guard accepts the event and when only
 * one does (the others' guards decline), unprotected and under address masking.
 */
final class E8Dispatch implements Experiment {
    private static final List<ProtectionMode> MODES = List.of(ProtectionMode.NONE, ProtectionMode.SFI_MASK);
    /** A hook has {@link KernelView#HOOK_SLOTS} slots, and the canary holds one. */
    private static final int MAX_HANDLERS = KernelView.HOOK_SLOTS - 1;
    private static final List<String> SERIES = List.of("all accept", "one accepts");

    @Override
    public String id() {
        return "E8";
    }

    @Override
    public String title() {
        return "SPIN: event dispatch cost against the number of handlers and guards";
    }

    @Override
    public String runTime() {
        return "about 1 min 30 s; --quick about 5 s";
    }

    @Override
    public ExperimentPage run(Run run) {
        List<Integer> counts = run.quick() ? List.of(1, 4, MAX_HANDLERS) : List.of(1, 2, 4, 8, MAX_HANDLERS);
        List<Sampler.Configuration> configurations = new ArrayList<>();
        for (ProtectionMode mode : MODES) {
            for (String series : SERIES) {
                for (int n : counts) {
                    configurations.add(new Sampler.Configuration(name(mode, series, n), () -> setUp(mode, series.equals("all accept"), n)));
                }
            }
        }
        run.log().println("E8: " + configurations.size() + " configurations (modes x guard series x handlers)");
        Map<String, Sampler.Measured> m = Sampler.measure(run.plan(), configurations);

        List<String> header = new ArrayList<>(List.of("handlers"));
        MODES.forEach(mode -> SERIES.forEach(s -> header.add(mode + ", " + s + " (ns per dispatch)")));
        List<List<String>> rows = new ArrayList<>();
        for (int n : counts) {
            List<String> row = new ArrayList<>(List.of(Integer.toString(n)));
            for (ProtectionMode mode : MODES) {
                for (String s : SERIES) {
                    row.add(Bootstrap.mean(m.get(name(mode, s, n)).samples()).text(""));
                }
            }
            rows.add(row);
        }
        List<List<String>> latencyRows = new ArrayList<>();
        for (Sampler.Configuration c : configurations) {
            Latency.Summary l = m.get(c.name()).latency().summary();
            latencyRows.add(List.of(c.name(), Latency.Summary.human(l.p50()), Latency.Summary.human(l.p99()),
                    Latency.Summary.human(l.p999()), Latency.Summary.human(l.max()), String.format(java.util.Locale.ROOT, "%,d", l.count())));
        }

        int most = counts.get(counts.size() - 1);
        int rounds = run.plan().rounds();
        Interval growth = Bootstrap.ratio(m.get(name(ProtectionMode.SFI_MASK, "all accept", most)).samples(),
                m.get(name(ProtectionMode.SFI_MASK, "all accept", 1)).samples());
        Interval declining = Bootstrap.ratio(m.get(name(ProtectionMode.SFI_MASK, "one accepts", most)).samples(),
                m.get(name(ProtectionMode.SFI_MASK, "all accept", most)).samples());
        List<Check> checks = List.of(
                Checks.of(new Goal("SFI_MASK dispatch to " + most + " accepting handlers over dispatch to 1 (at most linear growth)",
                        Goal.Direction.AT_MOST, most), "x", growth, rounds, run.quick(), "rounds"),
                Checks.of(new Goal("SFI_MASK, " + most + " handlers: " + (most - 1) + " guards declining over all " + most + " handling",
                        Goal.Direction.AT_MOST, 1.0), "x", declining, rounds, run.quick(), "rounds"));

        double perHandler = (m.get(name(ProtectionMode.SFI_MASK, "all accept", most)).samples().mean()
                - m.get(name(ProtectionMode.SFI_MASK, "all accept", 1)).samples().mean()) / (most - 1);
        double perHandlerNone = (m.get(name(ProtectionMode.NONE, "all accept", most)).samples().mean()
                - m.get(name(ProtectionMode.NONE, "all accept", 1)).samples().mean()) / (most - 1);
        List<Published> published = List.of(
                new Published("protected in-kernel call (an extension's handler invoked by the dispatcher)",
                        "0.13 µs; a system call 4 µs (DEC Alpha 3000/400, 133 MHz)",
                        "Bershad et al. 1995, SPIN, SOSP, protected communication table",
                        String.format(java.util.Locale.ROOT, "%.0f ns per extra accepting handler under SFI_MASK, %.0f ns unprotected",
                                perHandler, perHandlerNone)),
                new Published("dispatch cost against handlers", "linear in the number of guards evaluated",
                        "Bershad et al. 1995 (the dispatcher evaluates every guard)", "growth " + growth.times()
                        + " from 1 to " + most + " accepting handlers"));

        ObjectNode data = JsonMapper.builder().build().createObjectNode();
        m.forEach((name, measured) -> {
            ObjectNode o = data.putObject(name);
            o.set("samplesNsPerDispatch", data.pojoNode(measured.samples().asLists()));
            o.set("latency", data.pojoNode(measured.latency().summary().asMap()));
            o.put("dispatches", measured.operations());
        });
        return new ExperimentPage(id(), title(),
                "How much does SPIN-style event dispatch cost as handlers are installed on an event, and how much of that "
                        + "is the guards? Each handler is its own fault domain, entered through the kernel's crossing for its guard "
                        + "and, if the guard accepts, again for the handler.",
                run.quick(), "rounds", List.of(), checks,
                List.of(new Table("Time per dispatch of a timer event, mean [95% interval] in ns over " + rounds + " round(s)"
                                + " (the kernel's canary handler is always installed too)", header, rows),
                        new Table("Latency of one dispatch (HdrHistogram)", List.of("configuration", "p50", "p99", "p99.9", "max", "dispatches"),
                                latencyRows)),
                published,
                "SPIN's figures are for Modula-3 code compiled to native Alpha instructions, where a handler invocation is an "
                        + "indirect procedure call and a guard a few instructions. Here every guard and every handler is a crossing "
                        + "into a fault domain: the kernel switches the memory monitor's principal, and under SFI_MASK the sandbox's "
                        + "crossing opens and commits a transaction, refills the fuel meter and arms the watchdog, twice per accepting "
                        + "handler. The handlers' memory accesses go through simulated physical memory and its write monitor. The shape "
                        + "(linear growth, declining guards cheaper than running handlers) is what carries over; the absolute figures "
                        + "measure the JVM and the testbed's crossing, not 1995 hardware.",
                List.of("Samples are rounds of timed iterations in one JVM; each round boots a new kernel and loads the handlers afresh."),
                run.provenance(), data);
    }

    private static String name(ProtectionMode mode, String series, int n) {
        return mode + "/" + series + "/" + n;
    }

    private static Sampler.Probe setUp(ProtectionMode mode, boolean allAccept, int handlers) {
        Grafts grafts = new Grafts(mode);
        for (int i = 0; i < handlers; i++) {
            boolean accept = allAccept || i == handlers - 1;
            grafts.load("SelectiveEventHandler", fd -> grafts.poke(fd, SelectiveEventHandler.ACCEPT, accept ? 1 : 0));
        }
        if (grafts.kernel.dispatch(Event.TIMER, 7) != 8) {
            throw new IllegalStateException("E8: the accepting handler did not answer the timer event");
        }
        return Sampler.Probe.timing(() -> grafts.kernel.dispatch(Event.TIMER, 7), grafts::close);
    }
}
