package testbed.bench.experiments;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import testbed.corpus.Corpus;
import testbed.corpus.CorpusEntry;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.faults.Campaign;
import testbed.faults.TrialId;
import testbed.faults.TrialRecord;
import testbed.kernel.Domain;
import testbed.kernel.Kernel;
import testbed.kernel.KernelConfig;
import testbed.kernel.Transaction;
import testbed.kernel.api.Context;
import testbed.reports.ExperimentPage;
import testbed.reports.ExperimentPage.Check;
import testbed.reports.ExperimentPage.Published;
import testbed.reports.ExperimentPage.Table;
import testbed.reports.Share;
import testbed.reports.stats.Bootstrap;
import testbed.reports.stats.Goal;
import testbed.reports.stats.Interval;
import testbed.sfi.ProtectionMode;

/**
 * E4, VINO (Seltzer et al. 1996, "Dealing with disaster"): the corpus's misbehaving grafts
 * (resource hoarding, lock abuse, runaway control flow, hostile helper arguments) run in every
 * protection mode, counted by kind as survived or not; and what the kernel's transactions cost
 * (begin, commit, abort) against the number of kernel-state changes in them.
 */
final class E4Transactions implements Experiment {
    /** The misbehaviours VINO's grafts were tested with, as corpus families. */
    private static final List<Family> KINDS = List.of(Family.RESOURCE, Family.CONTROL, Family.KERNEL_INTERFACE);
    /** Rounds of the graft (five helper calls each, every one a change to kernel state). */
    private static final List<Integer> ROUNDS = List.of(0, 1, 4, 16, 64);
    private static final List<String> VARIANTS = List.of("graft alone", "in a transaction, commit", "in a transaction, abort");

    @Override
    public String id() {
        return "E4";
    }

    @Override
    public String title() {
        return "VINO: misbehaving grafts survived, and the cost of begin, commit and abort";
    }

    @Override
    public String runTime() {
        return "about 1 min; --quick about 15 s";
    }

    @Override
    public ExperimentPage run(Run run) throws IOException {
        List<String> modes = run.quick() ? List.of("NONE", "SFI_MASK")
                : java.util.Arrays.stream(ProtectionMode.values()).map(Enum::name).toList();
        Corpus corpus = Corpus.bundled();
        List<TrialId> trials = new ArrayList<>();
        for (Family f : KINDS) {
            for (CorpusEntry e : corpus.entries(f)) {
                for (String mode : modes) {
                    trials.add(new TrialId(e.name(), "none", mode, 1));
                }
            }
        }
        run.log().println("E4: " + trials.size() + " trials of misbehaving grafts (" + KINDS + " x " + modes + ")");
        Campaign.Result result = Campaigns.run(Campaign.of(trials, corpus, Campaigns.directory(run, id()), run.workerJvm(), 2), run, "E4");
        Set<Outcome> survived = EnumSet.complementOf(EnumSet.copyOf(Campaigns.DAMAGE));
        Map<String, Map<String, Map<Outcome, Integer>>> byKind = Campaigns.tally(result.records(), TrialRecord::family);
        List<String> header = new ArrayList<>(List.of("kind of misbehaviour"));
        header.addAll(modes);
        int protectedDamage = 0;
        int protectedTrials = 0;
        for (TrialRecord r : result.records()) {
            if (!r.mode().equals("NONE")) {
                protectedTrials++;
                protectedDamage += Campaigns.DAMAGE.contains(r.outcome()) ? 1 : 0;
            }
        }
        Share notSurvived = new Share(protectedDamage, protectedTrials);

        List<Sampler.Configuration> configurations = new ArrayList<>();
        configurations.add(new Sampler.Configuration("begin, commit (empty)", () -> emptyTransaction(true)));
        configurations.add(new Sampler.Configuration("begin, abort (empty)", () -> emptyTransaction(false)));
        List<Integer> rounds = run.quick() ? List.of(0, 4, 64) : ROUNDS;
        for (int k : rounds) {
            for (String v : VARIANTS) {
                configurations.add(new Sampler.Configuration(v + "/" + k, () -> graft(k, v)));
            }
        }
        run.log().println("E4: " + configurations.size() + " transaction configurations");
        Map<String, Sampler.Measured> m = Sampler.measure(run.plan(), configurations);
        List<List<String>> costRows = new ArrayList<>();
        ObjectNode data = JsonMapper.builder().build().createObjectNode();
        for (int k : rounds) {
            Sampler.Measured alone = m.get(VARIANTS.get(0) + "/" + k);
            Sampler.Measured commit = m.get(VARIANTS.get(1) + "/" + k);
            Sampler.Measured abort = m.get(VARIANTS.get(2) + "/" + k);
            costRows.add(List.of(Integer.toString(5 * k), Integer.toString(undoWords(k)), Bootstrap.mean(alone.samples()).text(""),
                    Bootstrap.difference(commit.samples(), alone.samples()).text(""),
                    Bootstrap.difference(abort.samples(), alone.samples()).text("")));
        }
        m.forEach((name, x) -> {
            ObjectNode o = data.putObject(name);
            o.set("samplesNs", data.pojoNode(x.samples().asLists()));
            o.set("latency", data.pojoNode(x.latency().summary().asMap()));
        });
        ObjectNode outcomes = data.putObject("outcomes");
        byKind.forEach((kind, byMode) -> outcomes.set(kind, data.pojoNode(byMode)));

        int most = rounds.get(rounds.size() - 1);
        int groups = run.plan().rounds();
        Interval empty = Bootstrap.mean(m.get("begin, commit (empty)").samples());
        Interval abortOverGraft = Bootstrap.ratio(m.get(VARIANTS.get(2) + "/" + most).samples(), m.get(VARIANTS.get(0) + "/" + most).samples());
        List<Check> checks = List.of(
                Checks.of(new Goal("misbehaving grafts not survived (ESCAPED, HUNG, CRASHED) in the protected modes", Goal.Direction.AT_MOST, 0.05),
                        "%", Checks.of(notSurvived),
                        notSurvived.total(), run.quick(), "trials"),
                Checks.of(new Goal("an empty transaction, begin and commit", Goal.Direction.AT_MOST, 1000), "ns", empty, groups, run.quick(), "rounds"),
                Checks.of(new Goal("a graft of " + 5 * most + " helper calls, aborted (rolled back) over the graft alone",
                        Goal.Direction.AT_MOST, 2), "x", abortOverGraft, groups, run.quick(), "rounds"));
        List<Published> published = List.of(
                new Published("transaction begin, commit, abort", "about 30 to 50 µs each (on 1996 hardware)",
                        "Seltzer et al. 1996, Dealing with disaster, OSDI", "begin and commit of an empty transaction " + empty.text("ns")
                        + "; abort of " + 5 * most + " changes "
                        + Bootstrap.difference(m.get(VARIANTS.get(2) + "/" + most).samples(), m.get(VARIANTS.get(0) + "/" + most).samples()).text("ns")
                        + " beyond the graft"),
                new Published("misbehaving grafts survived", "every misbehaving graft of their test set was caught and the kernel went on "
                        + "(no rate given)", "Seltzer et al. 1996", "protected modes: " + (protectedTrials - protectedDamage) + " of " + protectedTrials
                        + " survived; not survived " + notSurvived.percent() + " [" + notSurvived.interval() + "]"));
        return new ExperimentPage(id(), title(),
                "Does the kernel survive grafts that hoard resources, hold locks, loop or call its helpers with hostile arguments, and "
                        + "what does wrapping a graft in a VINO-style transaction cost as the graft changes more kernel state?",
                run.quick(), "rounds", List.of(), checks,
                List.of(new Table("Misbehaving grafts survived (outcome OK, REJECTED, CONTAINED or WRONG_RESULT), by kind and mode: share "
                                + "[95% Wilson interval] of the corpus entries of that kind", header, Campaigns.rows(byKind, modes, survived)),
                        new Table("Transactions against the changes in them: the graft's own time, and what commit or abort adds, mean "
                                + "[95% interval] ns over " + groups + " round(s)",
                                List.of("helper calls", "kernel words in the undo log", "graft alone (ns)", "commit adds (ns)", "abort adds (ns)"),
                                costRows)),
                published,
                "VINO's figures are for a C++ kernel on 1996 hardware, where a transaction also took locks through a lock manager and "
                        + "logged to an undo stack of function closures. Here the undo log records old kernel words of simulated memory "
                        + "in a Java array and a rollback writes them back, newest first; the cost per change is a few nanoseconds of JIT "
                        + "code, so the begin and commit that cost VINO tens of microseconds cost well under one here. The survival figures "
                        + "are the corpus's: each entry runs once per mode (an unfaulted trial is deterministic, so more seeds would add "
                        + "copies, not evidence), which is why the interval is wide for a handful of entries.",
                List.of("The graft does rounds of five helper calls (take lock 0, allocate 64 bytes, log 32 bytes, free, unlock): each "
                                + "round leaves the lock and the heap as it found them and one more log entry.",
                        "Transaction samples are rounds of timed iterations in one JVM; each round boots a new kernel."),
                run.provenance(), data);
    }

    private static Kernel kernel() {
        return Kernel.boot(KernelConfig.defaults().withMemorySize(16L << 20));
    }

    private static Sampler.Probe emptyTransaction(boolean commit) {
        Kernel kernel = kernel();
        Domain d = kernel.createDomain("graft", testbed.kernel.DomainSpec.segment(Grafts.SEGMENT).allowAll());
        return Sampler.Probe.timing(() -> {
            Transaction t = kernel.begin(d);
            if (commit) {
                t.commit();
            } else {
                t.rollback();
            }
            return t.changes();
        });
    }

    /** Kernel words one graft of {@code rounds} rounds records in its transaction. */
    private static int undoWords(int rounds) {
        Kernel kernel = kernel();
        Domain d = kernel.createDomain("graft", testbed.kernel.DomainSpec.segment(Grafts.SEGMENT).allowAll());
        kernel.memory().actAs(d.id());
        Transaction t = kernel.begin(d);
        helpers(d.context(), d.window(), rounds);
        int words = t.changes();
        t.commit();
        return words;
    }

    /** {@code rounds} rounds of lock, alloc, log, free, unlock; answers a fold of their results. */
    static long helpers(Context ctx, long message, int rounds) {
        long fold = 0;
        for (int r = 0; r < rounds; r++) {
            int locked = ctx.lock(0);
            long block = ctx.alloc(64);
            int logged = ctx.log(message, 32);
            fold = fold * 31 + (locked | logged | ctx.free(block) | ctx.unlock(0)) + block;
        }
        return fold;
    }

    private static Sampler.Probe graft(int rounds, String variant) {
        Kernel kernel = kernel();
        Domain d = kernel.createDomain("graft", testbed.kernel.DomainSpec.segment(Grafts.SEGMENT).allowAll());
        kernel.memory().actAs(d.id());
        Context ctx = d.context();
        long message = d.window();
        long logBefore = kernel.view().messagesLogged();
        if (variant.equals(VARIANTS.get(2))) {
            Transaction t = kernel.begin(d);
            helpers(ctx, message, Math.max(1, rounds));
            t.rollback();
            if (kernel.view().messagesLogged() != logBefore || kernel.locksHeldBy(d) != 0) {
                throw new IllegalStateException("E4: a rolled-back graft left its log entries or its lock");
            }
        }
        return Sampler.Probe.timing(() -> {
            if (variant.equals(VARIANTS.get(0))) {
                return helpers(ctx, message, rounds);
            }
            Transaction t = kernel.begin(d);
            long r = helpers(ctx, message, rounds);
            if (variant.equals(VARIANTS.get(1))) {
                t.commit();
            } else {
                t.rollback();
            }
            return r;
        });
    }
}
