package testbed.bench.experiments;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import testbed.bench.extensions.FrameHoldingLibraryOs;
import testbed.kernel.Trap;
import testbed.reports.ExperimentPage;
import testbed.reports.ExperimentPage.Check;
import testbed.reports.ExperimentPage.Published;
import testbed.reports.ExperimentPage.Table;
import testbed.reports.stats.Bootstrap;
import testbed.reports.stats.Goal;
import testbed.reports.stats.Interval;
import testbed.reports.stats.Latency;
import testbed.sandbox.FaultDomain;
import testbed.sfi.ProtectionMode;

/**
 * E7, Exokernel (Engler et al. 1995): visible revocation and the abort protocol. A library OS
 * holding {@link FrameHoldingLibraryOs#TARGET} frames is asked for {@link #ASKED} of them back;
 * the time is from the kernel's {@code revoke} request until it returns with the frames
 * reclaimed, for a library OS that cooperates, one that is slow (writes each page out first),
 * and one that refuses (the kernel's abort protocol then takes every frame by force). The abort
 * itself is also timed alone, on a library OS holding all its frames.
 */
final class E7Revocation implements Experiment {
    static final int ASKED = 8;
    private static final String ABORT = "abort alone (kernel.abort of a library OS holding 16 frames)";
    private static final Map<String, Integer> POLICIES = Map.of("cooperating", FrameHoldingLibraryOs.COOPERATE,
            "slow", FrameHoldingLibraryOs.SLOW, "refusing", FrameHoldingLibraryOs.REFUSE);
    private static final List<String> KINDS = List.of("cooperating", "slow", "refusing");

    @Override
    public String id() {
        return "E7";
    }

    @Override
    public String title() {
        return "Exokernel: revocation and the abort protocol for cooperating, slow and refusing library OSes";
    }

    @Override
    public String runTime() {
        return "about 30 s; --quick about 3 s";
    }

    @Override
    public ExperimentPage run(Run run) {
        List<Sampler.Configuration> configurations = new ArrayList<>();
        for (String kind : KINDS) {
            configurations.add(new Sampler.Configuration(kind, () -> revocation(POLICIES.get(kind))));
        }
        configurations.add(new Sampler.Configuration(ABORT, E7Revocation::abortAlone));
        run.log().println("E7: " + configurations.size() + " configurations (three library OSes, and the abort alone)");
        Map<String, Sampler.Measured> m = Sampler.measure(run.plan(), configurations);

        List<List<String>> rows = new ArrayList<>();
        ObjectNode data = JsonMapper.builder().build().createObjectNode();
        Sampler.Measured cooperating = m.get("cooperating");
        for (Sampler.Configuration c : configurations) {
            Sampler.Measured x = m.get(c.name());
            Latency.Summary l = x.latency().summary();
            String reclaimed = switch (c.name()) {
                case "cooperating", "slow" -> ASKED + " of " + ASKED + " asked, by the library OS";
                case "refusing" -> FrameHoldingLibraryOs.TARGET + " (all) by the abort protocol";
                default -> FrameHoldingLibraryOs.TARGET + " (all)";
            };
            rows.add(List.of(c.name(), reclaimed, micros(Bootstrap.mean(x.samples())), Bootstrap.ratio(x.samples(), cooperating.samples()).times(),
                    Latency.Summary.human(l.p50()), Latency.Summary.human(l.p99()), Latency.Summary.human(l.p999()),
                    Latency.Summary.human(l.max()), String.format(Locale.ROOT, "%,d", l.count())));
            ObjectNode o = data.putObject(c.name());
            o.set("samplesNs", data.pojoNode(x.samples().asLists()));
            o.set("latency", data.pojoNode(l.asMap()));
        }
        int rounds = run.plan().rounds();
        Interval refusing = Bootstrap.ratio(m.get("refusing").samples(), cooperating.samples());
        Interval abort = Bootstrap.mean(m.get(ABORT).samples());
        List<Check> checks = List.of(
                Checks.of(new Goal("frames back from a refusing library OS, over a cooperating one's time (the abort protocol bounds revocation)",
                        Goal.Direction.AT_MOST, 10), "x", refusing, rounds, run.quick(), "rounds"),
                Checks.of(new Goal("the abort protocol alone, a library OS holding 16 frames", Goal.Direction.AT_MOST, 100_000), "ns",
                        abort, rounds, run.quick(), "rounds"));
        List<Published> published = List.of(
                new Published("revocation latency and the abort protocol's cost", "no figure published; the paper describes visible "
                        + "revocation, a time limit for the library OS to comply, and the abort protocol that breaks its secure bindings",
                        "Engler, Kaashoek and O'Toole 1995, Exokernel, SOSP", "cooperating " + micros(Bootstrap.mean(cooperating.samples()))
                        + " µs, refusing " + micros(Bootstrap.mean(m.get("refusing").samples())) + " µs, abort alone " + micros(abort) + " µs"),
                new Published("the abort protocol's bound", "revocation completes within the kernel's time limit whatever the library OS does",
                        "Engler et al. 1995", "refusing over cooperating " + refusing.times()));
        return new ExperimentPage(id(), title(),
                "How long does the kernel take to get frames back from a library OS, when it cooperates, when it is slow, and when "
                        + "it refuses and the abort protocol has to take them by force? And what does the abort itself cost?",
                run.quick(), "rounds", List.of(), checks,
                List.of(new Table("Revocation of " + ASKED + " of " + FrameHoldingLibraryOs.TARGET + " bound frames, library OS under "
                        + ProtectionMode.SFI_MASK + ": mean [95% interval] µs over " + rounds + " round(s), and each one's latency (HdrHistogram)",
                        List.of("library OS", "frames reclaimed", "µs, request to frames back", "over cooperating", "p50", "p99", "p99.9", "max", "revocations"),
                        rows)),
                published,
                "The Exokernel paper gives the protocol, not its cost: on Aegis the kernel would wait for the library OS up to a "
                        + "time limit measured in timer ticks and then break its bindings. The testbed's kernel does not wait on a "
                        + "clock: revoke() calls the library OS through its crossing, which bounds it by fuel and the watchdog, and a "
                        + "refusal is known as soon as the call returns short, so the abort protocol (roll back, release locks, frames "
                        + "and heap, detach) follows at once. Its cost is the JVM's work on the simulated frame and segment tables, not "
                        + "a 1995 MIPS machine's; the slow library OS's extra time is its own page copies through simulated memory.",
                List.of("The library OS runs under " + ProtectionMode.SFI_MASK + ", so every call into it is the sandbox's transactional crossing. "
                                + "After each timed revocation the library OS binds its frames back (or, once aborted, is loaded and started "
                                + "again), untimed.",
                        "Samples are rounds of timed iterations in one JVM; each round boots a new kernel."),
                run.provenance(), data);
    }

    private static String micros(Interval i) {
        return new Interval(i.low() / 1e3, i.estimate() / 1e3, i.high() / 1e3, i.level()).text("");
    }

    /** A kernel with one library OS of {@code policy}; each operation revokes {@link #ASKED} frames and times it. */
    private static Sampler.Probe revocation(int policy) {
        Grafts grafts = new Grafts(ProtectionMode.SFI_MASK);
        FaultDomain[] os = {start(grafts, policy)};
        return new Sampler.Probe() {
            @Override
            public long run() {
                long t0 = System.nanoTime();
                int back = grafts.kernel.revoke(os[0].domain(), ASKED);
                long t = System.nanoTime() - t0;
                boolean aborted = grafts.kernel.isAborted(os[0].domain());
                if (policy == FrameHoldingLibraryOs.REFUSE ? !aborted || back != FrameHoldingLibraryOs.TARGET : aborted || back != ASKED) {
                    throw new IllegalStateException("E7: revocation of a library OS with policy " + policy + " reclaimed " + back
                            + " frames" + (aborted ? " and aborted it" : ""));
                }
                if (aborted) {
                    os[0].unload();
                    os[0] = start(grafts, policy);
                } else if (grafts.kernel.startLibraryOs(os[0].domain()) != FrameHoldingLibraryOs.TARGET) {
                    throw new IllegalStateException("E7: the library OS did not bind its frames back");
                }
                return t;
            }

            @Override
            public void close() {
                grafts.close();
            }
        };
    }

    /** Each operation aborts a library OS holding all its frames, timed, then loads a new one, untimed. */
    private static Sampler.Probe abortAlone() {
        Grafts grafts = new Grafts(ProtectionMode.SFI_MASK);
        FaultDomain[] os = {start(grafts, FrameHoldingLibraryOs.COOPERATE)};
        return new Sampler.Probe() {
            @Override
            public long run() {
                int id = os[0].domain().id();
                Trap trap = new Trap(Trap.Kind.REVOCATION_TIMEOUT, id, "E7", "revoked by the experiment");
                long t0 = System.nanoTime();
                grafts.kernel.abort(os[0].domain(), trap);
                long t = System.nanoTime() - t0;
                os[0].unload();
                os[0] = start(grafts, FrameHoldingLibraryOs.COOPERATE);
                return t;
            }

            @Override
            public void close() {
                grafts.close();
            }
        };
    }

    private static FaultDomain start(Grafts grafts, int policy) {
        FaultDomain fd = grafts.load("FrameHoldingLibraryOs", d -> grafts.poke(d, FrameHoldingLibraryOs.POLICY, policy));
        int bound = grafts.kernel.startLibraryOs(fd.domain());
        if (bound != FrameHoldingLibraryOs.TARGET) {
            throw new IllegalStateException("E7: the library OS bound " + bound + " frames, not " + FrameHoldingLibraryOs.TARGET);
        }
        return fd;
    }
}
