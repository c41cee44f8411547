package testbed.bench.experiments;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import testbed.bench.extensions.PatternReadFilter;
import testbed.kernel.Domain;
import testbed.kernel.KernelConfig;
import testbed.reports.ExperimentPage;
import testbed.reports.ExperimentPage.Check;
import testbed.reports.ExperimentPage.Published;
import testbed.reports.ExperimentPage.Table;
import testbed.reports.stats.Bootstrap;
import testbed.reports.stats.Goal;
import testbed.reports.stats.Interval;
import testbed.reports.stats.Latency;
import testbed.sandbox.Budget;
import testbed.sfi.ProtectionMode;

/**
 * E6, ExtOS: {@code read()} of a whole file with an in-kernel filter (the kernel runs the
 * extension over each block and copies only what it keeps to the caller) against reading it
 * unfiltered and filtering in the caller, over file sizes and selectivities: bytes copied to the
 * caller and time per read. The filter is {@link PatternReadFilter} (keep the 32-byte records
 * that contain a pattern); the caller's filter is the same rule in plain Java over the bytes it
 * received, and every setup checks that both keep the same bytes.
 */
final class E6ReadFilter implements Experiment {
    private static final int BLOCK = 1024;
    private static final String COPY = "copy, then filter in the caller";
    private static final List<ProtectionMode> IN_KERNEL = List.of(ProtectionMode.NONE, ProtectionMode.SFI_MASK);

    @Override
    public String id() {
        return "E6";
    }

    @Override
    public String title() {
        return "ExtOS: read() with an in-kernel filter against copy-then-filter";
    }

    @Override
    public String runTime() {
        return "about 2 min; --quick about 5 s";
    }

    private static String variant(ProtectionMode mode) {
        return "in-kernel filter, " + mode;
    }

    private static String name(int kib, double selectivity, String variant) {
        return kib + " KiB/" + pct(selectivity) + "/" + variant;
    }

    @Override
    public ExperimentPage run(Run run) {
        List<Integer> sizes = run.quick() ? List.of(8, 64) : List.of(8, 64, 256);
        List<Double> selectivities = run.quick() ? List.of(0.01, 0.5) : List.of(0.01, 0.1, 0.5, 1.0);
        List<String> variants = new ArrayList<>(List.of(COPY));
        IN_KERNEL.forEach(m -> variants.add(variant(m)));
        List<Sampler.Configuration> configurations = new ArrayList<>();
        for (int kib : sizes) {
            for (double s : selectivities) {
                configurations.add(new Sampler.Configuration(name(kib, s, COPY), () -> setUp(kib, s, null)));
                for (ProtectionMode m : IN_KERNEL) {
                    configurations.add(new Sampler.Configuration(name(kib, s, variant(m)), () -> setUp(kib, s, m)));
                }
            }
        }
        run.log().println("E6: " + configurations.size() + " configurations (file sizes x selectivities x variants)");
        Map<String, Sampler.Measured> m = Sampler.measure(run.plan(), configurations);

        List<List<String>> rows = new ArrayList<>();
        ObjectNode data = JsonMapper.builder().build().createObjectNode();
        for (int kib : sizes) {
            for (double s : selectivities) {
                File file = File.of(kib, s);
                Sampler.Measured copy = m.get(name(kib, s, COPY));
                List<String> row = new ArrayList<>(List.of(kib + " KiB, " + pct(s)));
                row.add(String.format(Locale.ROOT, "%,d", file.bytes.length));
                row.add(String.format(Locale.ROOT, "%,d", file.kept));
                row.add(micros(Bootstrap.mean(copy.samples())));
                for (ProtectionMode mode : IN_KERNEL) {
                    Sampler.Measured k = m.get(name(kib, s, variant(mode)));
                    row.add(micros(Bootstrap.mean(k.samples())) + "; " + Bootstrap.ratio(k.samples(), copy.samples()).times());
                }
                rows.add(row);
                for (String v : variants) {
                    Sampler.Measured x = m.get(name(kib, s, v));
                    ObjectNode o = data.putObject(name(kib, s, v));
                    o.put("fileBytes", file.bytes.length).put("bytesToCaller", v.equals(COPY) ? file.bytes.length : file.kept);
                    o.set("samplesNsPerRead", data.pojoNode(x.samples().asLists()));
                    o.set("latency", data.pojoNode(x.latency().summary().asMap()));
                }
            }
        }
        List<List<String>> latencyRows = new ArrayList<>();
        int largest = sizes.get(sizes.size() - 1);
        for (String v : variants) {
            Latency.Summary l = m.get(name(largest, selectivities.get(0), v)).latency().summary();
            latencyRows.add(List.of(v, Latency.Summary.human(l.p50()), Latency.Summary.human(l.p99()), Latency.Summary.human(l.p999()),
                    Latency.Summary.human(l.max()), String.format(Locale.ROOT, "%,d", l.count())));
        }

        double sparse = selectivities.get(0);
        File sparseFile = File.of(largest, sparse);
        Interval time = Bootstrap.ratio(m.get(name(largest, sparse, variant(ProtectionMode.SFI_MASK))).samples(),
                m.get(name(largest, sparse, COPY)).samples());
        Interval bytes = Interval.exact((double) Math.max(1, sparseFile.kept) / sparseFile.bytes.length);
        int rounds = run.plan().rounds();
        List<Check> checks = List.of(
                Checks.of(new Goal("bytes copied to the caller, in-kernel filter over copy-then-filter, " + largest + " KiB at "
                        + pct(sparse) + " selectivity", Goal.Direction.AT_MOST, 0.2), "x", bytes, rounds, run.quick(), "rounds"),
                Checks.of(new Goal("time per read(), in-kernel filter under SFI_MASK over copy-then-filter, " + largest + " KiB at "
                        + pct(sparse) + " selectivity (the seed's \"up to 80%\" saving)", Goal.Direction.AT_MOST, 0.2),
                        "x", time, rounds, run.quick(), "rounds"));
        List<Published> published = List.of(
                new Published("time saved by filtering in the kernel instead of copying to the caller", "up to 80% (a projection from trends, no measurement given)",
                        "the ExtOS proposal (in-kernel filters for fast storage I/O), as a review of it reads it", "in-kernel SFI_MASK over copy-then-filter "
                        + time.times() + " at " + largest + " KiB, " + pct(sparse)),
                new Published("copying a file with sendfile() instead of read() and write()", "about 40% faster", "the same paper, as the review reads it",
                        "not measured: the simulated kernel has no sendfile(); bytes to the caller with the in-kernel filter "
                                + String.format(Locale.ROOT, "%,d of %,d", sparseFile.kept, sparseFile.bytes.length) + " at " + pct(sparse)));
        return new ExperimentPage(id(), title(),
                "Does running a read filter inside the kernel, so that discarded bytes never cross to the caller, save copying and "
                        + "time against reading everything and filtering in the caller? Over file sizes and the share of records the filter keeps.",
                run.quick(), "rounds", List.of(), checks,
                List.of(new Table("One read() of a whole file: mean [95% interval] µs per read over " + rounds
                                + " round(s); for the in-kernel filter also its time over copy-then-filter", withVariants(), rows),
                        new Table("Latency of one read(), " + largest + " KiB at " + pct(sparse) + " selectivity (HdrHistogram)",
                                List.of("variant", "p50", "p99", "p99.9", "max", "reads"), latencyRows)),
                published,
                "ExtOS's case rests on the copy across the user-kernel boundary being expensive (a trap, a copy through the "
                        + "cache hierarchy, page-table work) and the filter running at native speed on either side. On the testbed "
                        + "the copy to the caller is one System.arraycopy out of simulated memory, cheap, while the in-kernel filter "
                        + "reads every byte through the Memory interface and the write monitor and, under SFI_MASK, through masked "
                        + "accesses and a transactional crossing per block; the caller's filter is JIT-compiled Java over a byte array. "
                        + "The bytes saved carry over exactly; the time saved does not, and the gap measures the cost of confining "
                        + "the filter, not the cost of the copy.",
                List.of("Files are records of 32 bytes in 1 KiB blocks, kept in the buffer cache; a kept record holds the bytes "
                                + "\"EXT!\" at some offset. The in-kernel filter also copies every block into its window inside the "
                                + "kernel: that copy stays in the kernel and is not counted as a copy to the caller.",
                        "Samples are rounds of timed iterations in one JVM; each round boots a new kernel and loads the filter afresh."),
                run.provenance(), data);
    }

    private static List<String> withVariants() {
        List<String> h = new ArrayList<>(List.of("file, selectivity", "bytes in the file (to the caller when copied)",
                "bytes to the caller, filtered in the kernel", COPY + " (µs)"));
        IN_KERNEL.forEach(m -> h.add(variant(m) + " (µs; over copy)"));
        return h;
    }

    private static String micros(Interval i) {
        return new Interval(i.low() / 1e3, i.estimate() / 1e3, i.high() / 1e3, i.level()).text("");
    }

    private static String pct(double share) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * share);
    }

    /** A file of records, a share of which hold the pattern, and how many bytes a filter keeps. */
    private record File(byte[] bytes, int kept) {
        static File of(int kib, double selectivity) {
            byte[] b = new byte[kib * 1024];
            SplittableRandom random = new SplittableRandom(kib * 31L + Double.hashCode(selectivity));
            int kept = 0;
            for (int r = 0; r < b.length / PatternReadFilter.RECORD; r++) {
                int at = r * PatternReadFilter.RECORD;
                Arrays.fill(b, at, at + PatternReadFilter.RECORD, (byte) ('a' + r % 26));
                if (random.nextDouble() < selectivity) {
                    int o = at + random.nextInt(PatternReadFilter.RECORD - 3);
                    b[o] = 'E';
                    b[o + 1] = 'X';
                    b[o + 2] = 'T';
                    b[o + 3] = '!';
                    kept += PatternReadFilter.RECORD;
                }
            }
            return new File(b, kept);
        }
    }

    /** The caller's filter: {@link PatternReadFilter}'s rule over a byte array, compacting in place. */
    static int filterInCaller(byte[] buffer, int length) {
        int kept = 0;
        for (int r = 0; r + PatternReadFilter.RECORD <= length; r += PatternReadFilter.RECORD) {
            boolean match = false;
            for (int i = r; i <= r + PatternReadFilter.RECORD - 4 && !match; i++) {
                match = buffer[i] == 'E' && buffer[i + 1] == 'X' && buffer[i + 2] == 'T' && buffer[i + 3] == '!';
            }
            if (match) {
                System.arraycopy(buffer, r, buffer, kept, PatternReadFilter.RECORD);
                kept += PatternReadFilter.RECORD;
            }
        }
        return kept;
    }

    /** A kernel holding the file; {@code mode} null for copy-then-filter, else the filter's protection mode. */
    private static Sampler.Probe setUp(int kib, double selectivity, ProtectionMode mode) {
        File file = File.of(kib, selectivity);
        int blocks = kib * 1024 / BLOCK;
        KernelConfig config = KernelConfig.defaults().withMemorySize(16L << 20).withFiles(1, blocks, BLOCK).withCacheBlocks(blocks + 2);
        Grafts grafts = new Grafts(config, mode == null ? ProtectionMode.NONE : mode, Budget.standard());
        if (grafts.kernel.write(0, 0, file.bytes, file.bytes.length) != file.bytes.length) {
            throw new IllegalStateException("E6: the file was not written whole");
        }
        Domain filter = mode == null ? null : grafts.load("PatternReadFilter", fd -> { }).domain();
        byte[] target = new byte[file.bytes.length];
        byte[] expected = file.bytes.clone();
        int keep = filterInCaller(expected, expected.length);
        Sampler.Probe probe = Sampler.Probe.timing(() -> {
            int n = grafts.kernel.read(0, 0, target, target.length, filter);
            return filter == null ? filterInCaller(target, n) : n;
        }, grafts::close);
        probe.run();
        int got = filter == null ? filterInCaller(readAll(grafts, target), target.length) : grafts.kernel.read(0, 0, target, target.length, filter);
        if (got != keep || keep != file.kept || !Arrays.equals(target, 0, got, expected, 0, keep)) {
            throw new IllegalStateException("E6: " + (mode == null ? "the caller's filter" : "the in-kernel filter under " + mode)
                    + " kept " + got + " bytes, expected " + keep + " (the same records)");
        }
        return probe;
    }

    private static byte[] readAll(Grafts grafts, byte[] target) {
        grafts.kernel.read(0, 0, target, target.length, null);
        return target;
    }
}
