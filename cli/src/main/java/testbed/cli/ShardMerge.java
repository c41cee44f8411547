package testbed.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Stream;
import testbed.corpus.Corpus;
import testbed.faults.Campaign;
import testbed.faults.CampaignPlan;
import testbed.faults.CampaignSettings;
import testbed.faults.Finding;
import testbed.faults.Shard;
import testbed.faults.TrialId;
import testbed.faults.TrialLog;
import testbed.faults.TrialRecord;
import testbed.reports.CountsFile;
import testbed.reports.Provenance;
import testbed.reports.TrialCounts;

/**
 * The shards of one campaign put back together: their directories checked to belong to one
 * campaign (same plan, seed, corpus, modes and tool), every shard there once, every trial of
 * each shard's part of the plan there once and no other; then their trial logs streamed into one
 * log and one set of counts, their finding folders gathered, and the whole campaign's report
 * written as a campaign on one machine writes it.
 *
 * <p>Shards are read on a few threads side by side (reading is parsing JSON, bound by the
 * processor) and put together in shard order, so the result is that of reading them one after
 * another. Memory: the counts of the report's cells, the unexpected trials, and the ids of the few
 * shards being read (to check each against its part of the plan), never all the trials at once.
 */
final class ShardMerge {
    /** Shards read at once, at most one per core: reading is parsing, bound by the processor. */
    private static final int READERS = 4;

    /** A shard's directory and what its {@value CampaignFile#NAME} says. */
    record Part(Path dir, CampaignFile file) {
        Shard shard() {
            return file.settings().shard();
        }
    }

    /** What was merged. */
    record Result(CampaignSettings settings, TrialCounts counts, List<Finding> findings, Duration elapsed, String corpusDigest,
                  List<Part> parts, List<String> missing, int fromCounts) {
    }

    private ShardMerge() {
    }

    /**
     * The shard directories named by {@code dirs}: each a shard's directory, or a directory
     * holding shard directories ({@code shard-*}, as {@code --out} of a sharded campaign).
     */
    static List<Part> parts(List<Path> dirs) {
        List<Part> parts = new ArrayList<>();
        for (Path dir : dirs) {
            if (CampaignFile.isIn(dir)) {
                parts.add(part(dir));
                continue;
            }
            List<Path> inside;
            try (Stream<Path> list = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
                inside = list.filter(d -> d.getFileName().toString().startsWith("shard-") && CampaignFile.isIn(d)).sorted().toList();
            } catch (IOException e) {
                throw new Testbed.UserError("cannot read " + dir + ": " + e.getMessage());
            }
            if (inside.isEmpty()) {
                throw new Testbed.UserError(dir + " is neither a campaign directory nor one holding shard-* directories");
            }
            inside.forEach(d -> parts.add(part(d)));
        }
        return parts;
    }

    private static Part part(Path dir) {
        try {
            return new Part(dir, CampaignFile.read(dir));
        } catch (IllegalArgumentException e) {
            throw new Testbed.UserError("cannot merge " + dir + ": " + e.getMessage());
        }
    }

    /**
     * Checks the parts and streams them into {@code out}'s {@value TrialLog#FILE_NAME} and finding
     * folders. Problems are one-line {@link Testbed.UserError}s naming the shards; with
     * {@code allowPartial}, missing shards and missing trials are listed in the result instead.
     */
    static Result merge(List<Part> parts, Path out, boolean allowPartial) throws IOException {
        Part first = parts.get(0);
        CampaignSettings settings = first.file().settings();
        for (Part p : parts) {
            String difference = difference(first, p);
            if (difference != null) {
                throw new Testbed.UserError("shards of different campaigns: " + p.dir() + " and " + first.dir() + " differ in " + difference);
            }
        }
        int count = settings.shard().count();
        Map<Integer, Part> byIndex = new TreeMap<>();
        for (Part p : parts) {
            Part twice = byIndex.put(p.shard().index(), p);
            if (twice != null) {
                throw new Testbed.UserError("shard " + p.shard() + " given twice: " + twice.dir() + " and " + p.dir());
            }
        }
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (!byIndex.containsKey(i)) {
                missing.add(new Shard(i, count).toString());
            }
        }
        if (!missing.isEmpty() && !allowPartial) {
            throw new Testbed.UserError("missing shards " + String.join(", ", missing) + " of " + count
                    + " (have " + byIndex.size() + "); run them, or merge what is there with --allow-partial");
        }
        Corpus corpus = Modes.corpus(settings.corpus());
        String digest = Provenance.digest(corpus);
        if (!first.file().corpusDigest().equals(digest)) {
            throw new Testbed.UserError("the corpus " + settings.corpus() + " has changed since the shards ran (digest " + digest
                    + ", the shards ran over " + first.file().corpusDigest() + ")");
        }
        Campaign.of(settings.whole(), corpus, out, List.of()); // refuses a fault or mode this version does not know

        Files.createDirectories(out.resolve(Campaign.FINDINGS));
        TrialCounts counts = new TrialCounts();
        Map<String, Finding> findings = new LinkedHashMap<>();
        Map<String, Path> findingSource = new LinkedHashMap<>();
        // Buffered and moved into place at the end: unlike a campaign's, this log is rewritten whole if the merge stops.
        Path partial = out.resolve(TrialLog.FILE_NAME + ".partial");
        List<Part> inOrder = List.copyOf(byIndex.values());
        int threads = Math.max(1, Math.min(READERS, Runtime.getRuntime().availableProcessors()));
        ExecutorService readers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "shard-reader");
            t.setDaemon(true);
            return t;
        });
        int fromCounts = 0;
        try (FileChannel log = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            // Shards are read side by side, a few ahead, and put together in shard order: the
            // merged log, counts and findings are those of reading them one after another.
            Deque<Future<Reading>> ahead = new ArrayDeque<>();
            int next = 0;
            for (int done = 0; done < inOrder.size(); done++) {
                while (next < inOrder.size() && ahead.size() <= threads) {
                    Part p = inOrder.get(next++);
                    ahead.add(readers.submit(() -> Reading.of(p, settings, corpus)));
                }
                Reading r = result(ahead.poll());
                Part p = r.part;
                if (r.extra > 0) {
                    throw new Testbed.UserError(p.dir() + " (shard " + p.shard() + "): " + r.extra
                            + " trials twice or not in its part of the plan, e.g. " + r.extraExample);
                }
                if (r.missing() > 0) {
                    String line = p.dir() + " (shard " + p.shard() + "): " + r.missing() + " of " + r.planned + " trials missing";
                    if (!allowPartial) {
                        throw new Testbed.UserError(line + "; finish it with: testbed campaign --resume " + p.dir()
                                + ", or merge what is there with --allow-partial");
                    }
                    missing.add(line);
                }
                copy(p.dir().resolve(TrialLog.FILE_NAME), r.verbatim, log);
                fromCounts += r.fromCounts ? 1 : 0;
                counts.addAll(r.counts);
                r.findings.forEach((signature, f) -> {
                    Finding known = findings.get(signature);
                    findings.put(signature, known == null ? f : new Finding(signature, known.first(), known.count() + f.count(), known.folder()));
                    findingSource.putIfAbsent(signature, p.dir());
                });
            }
        } finally {
            readers.shutdownNow();
        }
        Files.move(partial, out.resolve(TrialLog.FILE_NAME), StandardCopyOption.ATOMIC_MOVE);
        Duration elapsed = wallTime(byIndex.values());
        for (Map.Entry<String, Path> source : findingSource.entrySet()) {
            String folder = findings.get(source.getKey()).folder();
            copyTree(source.getValue().resolve(folder), out.resolve(folder));
        }
        return new Result(settings.whole(), counts, List.copyOf(findings.values()), elapsed, digest, List.copyOf(byIndex.values()), missing,
                fromCounts);
    }

    /** What one shard's log holds, checked against its part of the plan as it is read. */
    private static final class Reading {
        final Part part;
        final Set<String> expected;
        final int planned;
        final TrialCounts counts;
        final Map<String, Finding> findings = new LinkedHashMap<>();
        /** Planned trials not in the log, when the shard's counts file says so; else what {@link #expected} still holds. */
        final long missingCounted;
        final boolean fromCounts;
        /** Trials in the log twice or outside the shard's part of the plan, and the first of them. */
        long extra;
        String extraExample;
        /** See {@link TrialLog#scan}. */
        long verbatim;

        private Reading(Part part, Set<String> expected) {
            this.part = part;
            this.expected = expected;
            this.planned = expected.size();
            this.counts = new TrialCounts();
            this.missingCounted = 0;
            this.fromCounts = false;
        }

        private Reading(Part part, Set<String> expected, long missing, TrialCounts counts) {
            this.part = part;
            this.expected = expected;
            this.planned = Math.toIntExact(counts.trials() + missing);
            this.counts = counts;
            this.missingCounted = missing;
            this.fromCounts = true;
        }

        /**
         * Reads and checks one shard, on a reader thread: from its {@link CountsFile} when that was
         * counted from the log as it is, else its ids against its part of the plan and its records
         * into counts.
         */
        static Reading of(Part p, CampaignSettings settings, Corpus corpus) {
            Path file = p.dir().resolve(TrialLog.FILE_NAME);
            long planned = p.shard().size(settings.trials(), settings.modes().size());
            Optional<TrialCounts> counted;
            try {
                counted = CountsFile.readIfCurrent(p.dir());
            } catch (IOException e) {
                throw new Testbed.UserError("cannot merge " + p.dir() + " (shard " + p.shard() + "): " + e.getMessage());
            }
            if (counted.isPresent() && counted.get().trials() <= planned) {
                Reading r = new Reading(p, Set.of(), planned - counted.get().trials(), counted.get());
                r.verbatim = Files.exists(file) ? sizeOf(file) : 0;
                for (TrialRecord u : r.counts.unexpected()) {
                    r.found(u);
                }
                return r;
            }
            Reading r = new Reading(p, planned(CampaignPlan.of(settings.whole(), corpus), settings, p.shard()));
            if (Files.exists(file)) {
                try {
                    r.verbatim = TrialLog.scan(file, r::add);
                } catch (IOException e) {
                    throw new Testbed.UserError("cannot merge " + p.dir() + " (shard " + p.shard() + "): " + e.getMessage());
                }
            }
            return r;
        }

        private void add(TrialRecord r) {
            if (!expected.remove(r.id())) {
                extra++;
                extraExample = extraExample == null ? r.id() : extraExample;
                return;
            }
            counts.add(r);
            if (r.unexpected()) {
                found(r);
            }
        }

        private void found(TrialRecord r) {
            Finding f = findings.get(r.signature());
            findings.put(r.signature(), f == null ? new Finding(r.signature(), r, 1, Campaign.folder(r))
                    : new Finding(f.signature(), f.first(), f.count() + 1, f.folder()));
        }

        long missing() {
            return fromCounts ? missingCounted : expected.size();
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Reading result(Future<Reading> reading) throws IOException {
        try {
            return reading.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("merge interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Appends a shard's records to the merged log: its first {@code verbatim} bytes as they are, else line by line. */
    private static void copy(Path file, long verbatim, FileChannel log) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        if (verbatim >= 0) {
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                for (long at = 0; at < verbatim; ) {
                    at += in.transferTo(at, verbatim - at, log);
                }
            }
            return;
        }
        OutputStream lines = new BufferedOutputStream(Channels.newOutputStream(log));
        TrialLog.eachLine(file, (r, line) -> {
            try {
                lines.write(line.getBytes(StandardCharsets.UTF_8));
                lines.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        lines.flush(); // not closed: that would close the log
    }

    /**
     * The campaign's wall time: from the first shard's start to the last one's end, however the
     * scheduler spread them out; the longest shard's time when a shard did not record its clock.
     */
    static Duration wallTime(Collection<Part> parts) {
        Instant first = null;
        Instant last = null;
        Duration longest = Duration.ZERO;
        boolean clocks = true;
        for (Part p : parts) {
            CampaignFile f = p.file();
            longest = f.elapsed().compareTo(longest) > 0 ? f.elapsed() : longest;
            if (f.started() == null || f.finished() == null) {
                clocks = false;
                continue;
            }
            first = first == null || f.started().isBefore(first) ? f.started() : first;
            last = last == null || f.finished().isAfter(last) ? f.finished() : last;
        }
        return clocks && first != null ? Duration.between(first, last) : longest;
    }

    /** The ids of the trials the plan gives {@code shard}. */
    private static Set<String> planned(CampaignPlan plan, CampaignSettings settings, Shard shard) {
        int modes = settings.modes().size();
        long total = settings.trials();
        Set<String> ids = new HashSet<>((int) Math.min(Integer.MAX_VALUE / 2, shard.size(total, modes) * 4 / 3 + 1));
        for (long n = shard.next(0, modes); n < total; n = shard.next(n + 1, modes)) {
            TrialId id = plan.trial(n);
            ids.add(id.toString());
        }
        return ids;
    }

    /** The first setting in which two shards differ, named for a person, or null when they are shards of one campaign. */
    private static String difference(Part a, Part b) {
        Map<String, Function<Part, Object>> facts = new LinkedHashMap<>();
        facts.put("shard count", p -> p.shard().count());
        facts.put("seed", p -> p.file().settings().seed());
        facts.put("trials", p -> p.file().settings().trials());
        facts.put("modes", p -> p.file().settings().modes());
        facts.put("faults", p -> p.file().settings().faults());
        facts.put("time limit", p -> p.file().settings().timeLimit());
        facts.put("corpus", p -> p.file().settings().corpus());
        facts.put("corpus digest", p -> p.file().corpusDigest());
        facts.put("tool version", p -> p.file().toolVersion());
        facts.put("tool commit", p -> p.file().gitCommit());
        for (Map.Entry<String, Function<Part, Object>> fact : facts.entrySet()) {
            Object u = fact.getValue().apply(a);
            Object v = fact.getValue().apply(b);
            if (!Objects.equals(u, v)) {
                return fact.getKey() + " (" + v + " vs " + u + ")";
            }
        }
        return null;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(from)) {
            files = walk.sorted(Comparator.naturalOrder()).toList();
        }
        for (Path f : files) {
            Path target = to.resolve(from.relativize(f).toString());
            if (Files.isDirectory(f)) {
                Files.createDirectories(target);
            } else {
                Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
