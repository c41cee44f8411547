package testbed.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import testbed.corpus.Corpus;
import testbed.corpus.CorpusEntry;
import testbed.corpus.CorpusException;
import testbed.corpus.Reproducer;
import testbed.faults.Campaign;
import testbed.faults.InfrastructureFailure;
import testbed.faults.TrialId;
import testbed.faults.TrialRecord;
import testbed.sandbox.Protection;
import testbed.sfi.ProtectionMode;
import testbed.sfi.verify.Proof;

/** {@code testbed corpus}: check the corpus against its expectations, or add an entry to it. */
@Command(name = "corpus", mixinStandardHelpOptions = true, description = "Checks or extends the corpus of extensions.",
        subcommands = {CorpusCommand.Check.class, CorpusCommand.Add.class})
final class CorpusCommand {
    /** Where bundled entries' sources live, relative to a checkout. */
    static final Path SOURCES = Path.of("corpus", "src", "main", "java");
    /** Where bundled reproducers live, below {@link Corpus#REPRODUCERS}. */
    static final Path RESOURCES = Path.of("corpus", "src", "main", "resources");

    static void requireEntry(Corpus corpus, String name) {
        try {
            corpus.entry(name);
        } catch (CorpusException e) {
            throw new Testbed.UserError(e.getMessage());
        }
    }

    /**
     * Runs every entry of {@code corpus}, unmodified, in every mode (in worker JVMs), prints the
     * table of outcome against expectation, and returns the number of mismatches.
     */
    static int check(Corpus corpus, List<Protection> techniques, int workers, PrintWriter out) throws IOException {
        return check(corpus, techniques, workers, Modes.WORKER_JVM, out);
    }

    /** As {@link #check(Corpus, List, int, PrintWriter)}, with worker JVMs started with {@code workerJvm}. */
    static int check(Corpus corpus, List<Protection> techniques, int workers, List<String> workerJvm, PrintWriter out)
            throws IOException {
        List<String> modes = Modes.names(techniques);
        List<TrialId> trials = new ArrayList<>();
        for (CorpusEntry e : corpus.entries()) {
            for (String mode : modes) {
                trials.add(new TrialId(e.name(), "none", mode, 0));
            }
        }
        Path scratch = Modes.scratch("testbed-corpus-check");
        Campaign.Result result;
        try {
            result = Campaign.of(trials, corpus, scratch, workerJvm, workers).run(p -> { });
        } finally {
            Modes.deleteTree(scratch);
        }
        Map<String, String> lost = new LinkedHashMap<>();
        for (InfrastructureFailure f : result.infrastructure()) {
            lost.put(f.id(), f.reason());
        }
        Map<String, Map<String, TrialRecord>> table = new LinkedHashMap<>();
        for (CorpusEntry e : corpus.entries()) {
            table.put(e.name(), new LinkedHashMap<>());
        }
        for (TrialRecord r : result.records()) {
            table.get(r.entry()).put(r.mode(), r);
        }
        int width = table.keySet().stream().mapToInt(String::length).max().orElse(10) + 2;
        boolean verified = techniques.contains(new Protection.BuiltIn(ProtectionMode.VERIFIED));
        StringBuilder header = new StringBuilder(String.format("%-" + width + "s", "entry"));
        for (String mode : modes) {
            header.append(String.format("%-24s", mode));
        }
        if (verified) {
            header.append("guards removed by VERIFIED");
        }
        out.println(header.toString().stripTrailing());
        long proven = 0;
        long accesses = 0;
        int mismatches = 0;
        for (Map.Entry<String, Map<String, TrialRecord>> row : table.entrySet()) {
            StringBuilder line = new StringBuilder(String.format("%-" + width + "s", row.getKey()));
            for (String mode : modes) {
                TrialRecord r = row.getValue().get(mode);
                String cell;
                String id = new TrialId(row.getKey(), "none", mode, 0).toString();
                if (r == null) {
                    cell = lost.containsKey(id) ? "(lost: host)" : "(not run)";
                    mismatches++;
                } else if (r.unexpected()) {
                    cell = r.outcome() + " != " + r.expected();
                    mismatches++;
                } else {
                    cell = r.outcome().toString();
                }
                line.append(String.format("%-24s", cell));
            }
            if (verified) {
                Proof proof = GuardShare.proof(corpus.entry(row.getKey()).classBytes());
                if (proof != null) {
                    proven += proof.proven();
                    accesses += proof.accesses();
                    line.append(GuardShare.share(proof.proven(), proof.accesses()));
                }
            }
            out.println(line.toString().stripTrailing());
        }
        out.println(corpus.entries().size() + " entries x " + modes.size() + " modes: " + mismatches + " mismatch"
                + (mismatches == 1 ? "" : "es"));
        lost.forEach((id, why) -> out.println("lost to the host: " + id + ": " + why));
        if (verified) {
            out.println("VERIFIED removed " + GuardShare.share(proven, accesses) + " of the corpus's Memory access guards");
        }
        return mismatches;
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Runs every entry in every mode and prints outcome against expectation.",
                    "Exit code 1 on any mismatch."})
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--corpus", defaultValue = Corpus.BUNDLED, paramLabel = "LOCATION", description = "Which corpus (default: bundled).")
        String corpus;

        @Option(names = "--modes", split = ",", paramLabel = "MODE",
                description = "Protection modes and plug-in techniques (default: all but VERIFIED_STRICT, with every technique of --technique-jar).")
        List<String> modes = new ArrayList<>();

        @Mixin
        TechniqueOptions techniques;

        @Option(names = "--workers", defaultValue = "2", paramLabel = "N", description = "Worker JVMs (default: ${DEFAULT-VALUE}).")
        int workers;

        @Override
        public Integer call() throws IOException {
            List<Protection> chosen = Modes.modes(modes, techniques.protections());
            Corpus c = Modes.corpus(corpus);
            PrintWriter out = spec.commandLine().getOut();
            for (var defect : c.defects()) {
                out.println("defect: " + defect);
            }
            int mismatches = check(c, chosen, workers, techniques.workerJvm(), out);
            return mismatches > 0 || !c.defects().isEmpty() ? Testbed.UNEXPECTED : 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Compiles an extension against the API, runs it in every mode, shows the table, and saves it",
                    "into the corpus sources (under its family's package) if every outcome meets its expectation.",
                    "A reproducer of a fuzz finding (FILE.program, from findings/) is checked the same way and saved",
                    "among the corpus's reproducers (" + "corpus/src/main/resources/" + Corpus.REPRODUCERS + ")."})
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE.java|FILE.program",
                description = "One extension: a class with an @Entry annotation, or a reproducer written by ./testbed fuzz.")
        Path source;

        @Option(names = "--into", paramLabel = "DIR",
                description = "Source root to save into (default: corpus/src/main/java of this checkout; corpus/src/main/resources for a reproducer).")
        Path into;

        @Option(names = "--force", description = "Save even if an outcome differs from the entry's expectation.")
        boolean force;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            boolean reproducer = source.toString().endsWith(Reproducer.EXTENSION);
            if (!Files.isRegularFile(source) || !(source.toString().endsWith(".java") || reproducer)) {
                throw new Testbed.UserError("not a readable .java or " + Reproducer.EXTENSION + " file: " + source);
            }
            Path classes = Modes.scratch("testbed-corpus-add");
            try {
                return add(out, reproducer, classes);
            } finally {
                Modes.deleteTree(classes);
            }
        }

        private int add(PrintWriter out, boolean reproducer, Path classes) throws IOException {
            if (reproducer) {
                // A reproducer is its own source: the corpus compiles it when it scans the directory.
                Files.copy(source, classes.resolve(source.getFileName()));
            } else {
                compile(source, classes);
            }
            Corpus candidate;
            try {
                candidate = Corpus.fromDirectory(classes);
            } catch (CorpusException e) {
                throw new Testbed.UserError(e.getMessage());
            }
            if (!candidate.defects().isEmpty()) {
                throw new Testbed.UserError("not a corpus entry: " + candidate.defects().get(0));
            }
            if (candidate.entries().size() != 1) {
                throw new Testbed.UserError(source + " holds " + candidate.entries().size() + " entries; a corpus entry is one class");
            }
            CorpusEntry entry = candidate.entries().get(0);
            out.println(entry.name() + " (" + entry.family().directory() + "): " + entry.threat());
            int mismatches = check(candidate, Modes.builtIns(), 2, out);
            if (mismatches > 0 && !force) {
                spec.commandLine().getErr().println("testbed: not saved: " + mismatches
                        + " outcome(s) differ from the entry's expectations (fix the entry or its @Expect, or use --force)");
                return Testbed.UNEXPECTED;
            }
            Path target = reproducer
                    ? (into != null ? into : RESOURCES).resolve(Corpus.REPRODUCERS).resolve(source.getFileName().toString())
                    : (into != null ? into : SOURCES).resolve(entry.className().replace('.', '/') + ".java");
            Files.createDirectories(target.getParent());
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
            out.println("saved " + target + " (rebuild to bundle it: mvn -B -ntp -q -DskipTests install)");
            return mismatches > 0 ? Testbed.UNEXPECTED : 0;
        }

        private static void compile(Path source, Path classes) {
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            if (javac == null) {
                throw new Testbed.UserError("no Java compiler in this runtime: run testbed with a JDK, not a JRE");
            }
            StringWriter diagnostics = new StringWriter();
            int status = javac.run(null, null, new java.io.PrintStream(new java.io.OutputStream() {
                @Override
                public void write(int b) {
                    diagnostics.write(b);
                }
            }), "--release", "17", "-proc:none", "-cp", System.getProperty("java.class.path"), "-d", classes.toString(), source.toString());
            if (status != 0) {
                String first = diagnostics.toString().lines().findFirst().orElse("compilation failed");
                throw new Testbed.UserError("cannot compile " + source + ": " + first);
            }
        }
    }
}
