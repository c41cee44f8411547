package testbed.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import testbed.bpf.CaptureRun;
import testbed.bpf.CheckException;
import testbed.bpf.Checker;
import testbed.bpf.Differential;
import testbed.bpf.FilterProgram;
import testbed.bpf.FormatException;
import testbed.bpf.ProgramFormat;
import testbed.bpf.ReferenceVerdicts;
import testbed.bpf.capture.Capture;
import testbed.bpf.capture.CaptureException;
import testbed.bpf.trial.BpfCorpus;
import testbed.bpf.trial.CampaignExport;
import testbed.bpf.trial.BpfEntry;
import testbed.bpf.trial.BpfTrials;
import testbed.corpus.Outcome;
import testbed.sandbox.verify.Rejection;
import testbed.sfi.ProtectionMode;

/** {@code testbed bpf}: classic BPF programs as packet filter extensions. */
@Command(name = "bpf", mixinStandardHelpOptions = true,
        description = {"Classic BPF programs (tcpdump -ddd, -dd or raw sock_filter) as packet filter extensions:",
                "checked with Linux's rules, JIT-compiled to bytecode, loaded through the sandbox in a protection mode."},
        subcommands = {BpfCommand.Run.class, BpfCommand.Check.class, BpfCommand.CheckVerdicts.class, BpfCommand.Corpus.class,
                BpfCommand.Export.class})
final class BpfCommand {

    static FilterProgram program(Path file) {
        requireFile(file);
        try {
            return ProgramFormat.load(file.toString(), Files.readAllBytes(file));
        } catch (IOException e) {
            throw new Testbed.UserError("cannot read " + file + ": " + e.getMessage());
        } catch (FormatException e) {
            throw new Testbed.UserError(e.getMessage());
        }
    }

    static Capture capture(Path file) {
        requireFile(file);
        try {
            return Capture.read(file);
        } catch (CaptureException e) {
            throw new Testbed.UserError(e.getMessage());
        }
    }

    static void requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new Testbed.UserError("no such file: " + file);
        }
    }

    /** {@code testbed bpf run}. */
    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Attaches a filter to the simulated kernel's packet hook and feeds it a capture.",
                    "Prints the matching packets, the cost per packet (rough wall-clock; JMH in bench gives measured figures)",
                    "and the mode. Exit code 1 if the filter was aborted."})
    static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--filter", required = true, paramLabel = "F", description = "The program: tcpdump -ddd or -dd text, or raw sock_filter bytes.")
        Path filter;

        @Option(names = "--pcap", required = true, paramLabel = "CAPTURE", description = "A pcap or pcapng capture of Ethernet frames.")
        Path pcap;

        @Option(names = "--mode", defaultValue = "SFI_MASK", paramLabel = "M", description = "Protection mode (default: ${DEFAULT-VALUE}).")
        String mode;

        @Option(names = "--rounds", defaultValue = "20", paramLabel = "N", description = "Passes over the capture; the cost is the last one's (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Override
        public Integer call() {
            if (rounds < 1) {
                throw new Testbed.UserError("--rounds must be at least 1");
            }
            ProtectionMode m = Modes.builtIn(List.of(mode)).get(0);
            FilterProgram program = program(filter);
            Capture capture = capture(pcap);
            CaptureRun.Result r;
            try {
                r = CaptureRun.run(program, capture, m, rounds);
            } catch (CheckException | Rejection e) {
                throw new Testbed.UserError(e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new Testbed.UserError(pcap + ": " + e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            List<String> matched = new ArrayList<>();
            for (int i = 0; i < r.delivered().length; i++) {
                if (r.delivered()[i] > 0) {
                    matched.add(String.valueOf(i + 1));
                }
            }
            out.println("filter    " + filter + " (" + program.length() + " instructions)");
            out.println("capture   " + pcap + " (" + r.delivered().length + " packets"
                    + (r.cutFrames() > 0 ? ", " + r.cutFrames() + " cut to the NIC's MTU" : "") + ")");
            out.println("mode      " + r.mode());
            out.println("matches   " + r.matches() + " of " + r.delivered().length + ": " + String.join(" ", matched));
            out.println("cost      " + (Double.isNaN(r.nanosPerPacket()) ? "n/a (one round)"
                    : String.format(Locale.ROOT, "%.0f ns per packet (round %d of %d, whole receive path)", r.nanosPerPacket(), rounds, rounds)));
            if (r.aborts() > 0) {
                out.println("aborts    " + r.aborts() + " (the kernel fell back to its default policy)");
                return Testbed.UNEXPECTED;
            }
            return 0;
        }
    }

    /** {@code testbed bpf check}. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Loads a program and checks it with Linux's rules; prints it as tcpdump -ddd would.",
                    "Exit code 1 if the checker rejects it."})
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "F", description = "The program file.")
        Path filter;

        @Override
        public Integer call() {
            FilterProgram program = program(filter);
            PrintWriter out = spec.commandLine().getOut();
            try {
                Checker.check(program);
            } catch (CheckException e) {
                out.println(e.getMessage());
                return Testbed.UNEXPECTED;
            }
            out.print(program.ddd());
            out.flush();
            return 0;
        }
    }

    /** {@code testbed bpf check-verdicts}. */
    @Command(name = "check-verdicts", mixinStandardHelpOptions = true,
            description = {"The libpcap differential: every filter of a verdict file (the format of shared/bpf/filters.json),",
                    "run by the interpreter and JIT-compiled in each mode over the capture, must accept exactly the",
                    "packets libpcap accepted. Exit code 1 on any disagreement."})
    static final class CheckVerdicts implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--filters", required = true, paramLabel = "F.json", description = "Filters with libpcap's verdicts.")
        Path filters;

        @Option(names = "--pcap", required = true, paramLabel = "P", description = "The capture the verdicts are for.")
        Path pcap;

        @Option(names = "--modes", split = ",", paramLabel = "M,...", description = "Protection modes (default: all).")
        List<String> modes = new ArrayList<>();

        @Override
        public Integer call() {
            requireFile(filters);
            ReferenceVerdicts verdicts;
            try {
                verdicts = ReferenceVerdicts.read(filters);
            } catch (FormatException e) {
                throw new Testbed.UserError(e.getMessage());
            }
            Capture capture = capture(pcap);
            Differential.Result result;
            try {
                result = Differential.run(verdicts, capture, Modes.builtIn(modes));
            } catch (IllegalArgumentException e) {
                throw new Testbed.UserError(filters + " and " + pcap + ": " + e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(verdicts.filters().size() + " filters x " + result.frames() + " packets"
                    + (result.cutFrames() > 0 ? " (" + result.cutFrames() + " cut to the NIC's MTU: the JIT is held to the interpreter there)" : ""));
            for (Differential.FilterResult f : result.filters()) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-40s %3d/%d", "'" + f.filter().expression() + "'",
                        f.filter().matchCount(), result.frames()));
                for (Differential.EngineResult e : f.engines()) {
                    line.append("  ").append(e.engine()).append(' ')
                            .append(e.agrees() ? "ok" : e.error() != null ? "ERROR" : e.mismatches().size() + " wrong");
                }
                out.println(line);
                for (Differential.EngineResult e : f.engines()) {
                    if (!e.agrees()) {
                        out.println("  " + e.engine() + ": " + (e.error() != null ? e.error() : "packets " + e.mismatches()));
                    }
                }
            }
            out.println(result.agrees() ? "all engines agree with libpcap" : "DISAGREEMENT with libpcap");
            return result.agrees() ? 0 : Testbed.UNEXPECTED;
        }
    }

    /** {@code testbed bpf corpus}. */
    @Command(name = "corpus", mixinStandardHelpOptions = true,
            description = {"Runs every BPF corpus entry (the bundled ones, or the .ddd/.dd files of a directory) in every",
                    "mode and prints the outcome table. Exit code 1 if an outcome differs from the entry's expectation."})
    static final class Corpus implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--dir", paramLabel = "DIR", description = "A directory of entries instead of the bundled corpus.")
        Path dir;

        @Option(names = "--modes", split = ",", paramLabel = "M,...", description = "Protection modes (default: all).")
        List<String> modes = new ArrayList<>();

        @Override
        public Integer call() {
            List<BpfEntry> entries;
            try {
                if (dir != null && !Files.isDirectory(dir)) {
                    throw new Testbed.UserError("not a directory: " + dir);
                }
                entries = dir == null ? BpfCorpus.bundled() : BpfCorpus.fromDirectory(dir);
            } catch (FormatException e) {
                throw new Testbed.UserError(e.getMessage());
            }
            if (entries.isEmpty()) {
                throw new Testbed.UserError("no BPF corpus entries (.ddd or .dd files) in " + dir);
            }
            List<ProtectionMode> ms = Modes.builtIn(modes);
            PrintWriter out = spec.commandLine().getOut();
            StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-36s", "entry"));
            ms.forEach(m -> head.append(String.format(Locale.ROOT, " %-12s", m)));
            out.println(head);
            List<String> mismatches = new ArrayList<>();
            try (BpfTrials trials = new BpfTrials()) {
                for (BpfEntry e : entries) {
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-36s", e.name()));
                    for (ProtectionMode m : ms) {
                        BpfTrials.Result r = trials.run(e.file(), e.bytes(), m);
                        Outcome expected = e.expected(m.name());
                        boolean miss = r.outcome() != expected || (e.rule() != null && r.rule() != e.rule());
                        line.append(String.format(Locale.ROOT, " %-12s", r.outcome() + (miss ? "!" : "")));
                        if (miss) {
                            mismatches.add(e.name() + " in " + m + ": " + r.outcome() + ", expected " + expected
                                    + (e.rule() == null ? "" : " by " + e.rule()) + ": " + r.detail());
                        }
                    }
                    out.println(line);
                }
            }
            mismatches.forEach(m -> out.println("MISMATCH " + m));
            out.println(entries.size() + " entries x " + ms.size() + " modes: " + mismatches.size() + " mismatches");
            return mismatches.isEmpty() ? 0 : Testbed.UNEXPECTED;
        }
    }

    /** {@code testbed bpf export}. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Writes the BPF corpus entries the checker accepts as JIT-compiled corpus classes (with their",
                    "expected outcomes) into a directory, for 'testbed campaign --corpus DIR'."})
    static final class Export implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the classes (a class-path root).")
        Path out;

        @Override
        public Integer call() throws IOException {
            if (Files.exists(out) && !Files.isDirectory(out)) {
                throw new Testbed.UserError("not a directory: " + out);
            }
            CampaignExport.Result r;
            try {
                r = CampaignExport.write(BpfCorpus.bundled(), out);
            } catch (FormatException e) {
                throw new Testbed.UserError(e.getMessage());
            }
            PrintWriter o = spec.commandLine().getOut();
            r.written().forEach(n -> o.println("wrote   " + n));
            r.skipped().forEach(n -> o.println("skipped " + n));
            o.println(r.written().size() + " entries in " + out + "; run them: testbed campaign --corpus " + out);
            return 0;
        }
    }
}
