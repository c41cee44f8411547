package testbed.reports;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import testbed.corpus.Corpus;
import testbed.corpus.CorpusEntry;
import testbed.faults.TrialRecord;

/**
 * Where a campaign's figures came from, so that a table in a paper can be traced back and rerun:
 * the tool and the commit it was built from, the JVM and its flags, the host's size, when it
 * ran, the exact command and a digest of the corpus it ran over.
 *
 * @param toolVersion the testbed's version ({@code 0.1.0-SNAPSHOT})
 * @param gitCommit the commit the tool was built from, or {@value #UNKNOWN} when it was built
 *     outside a git checkout
 * @param jdk the Java runtime: vendor, version and home
 * @param jvmFlags the flags the campaign's JVM was started with
 * @param cores processors available to the JVM
 * @param memoryBytes physical memory of the host, or 0 when the JVM cannot tell
 * @param maxHeapBytes the JVM's heap limit
 * @param date when the campaign's report was written, to the second, UTC
 * @param launcher the absolute command that starts this tool from any directory; replay
 *     commands in the report begin with it
 * @param commandLine the command the campaign was started with, as one line for a shell
 * @param corpus the corpus location with relative paths made absolute ({@code bundled}, a directory or a jar)
 * @param corpusDigest SHA-256 over the corpus entries' names and class bytes, in name order
 * @param techniqueJars the plug-in technique jars the run loaded, as absolute paths; replay
 *     commands of a plug-in's trials name them
 */
public record Provenance(
        String toolVersion,
        String gitCommit,
        String jdk,
        List<String> jvmFlags,
        int cores,
        long memoryBytes,
        long maxHeapBytes,
        Instant date,
        String launcher,
        String commandLine,
        String corpus,
        String corpusDigest,
        List<String> techniqueJars) {
    /** What a fact the build or the JVM did not record reads as. */
    public static final String UNKNOWN = "unknown";

    public Provenance {
        jvmFlags = List.copyOf(jvmFlags);
        techniqueJars = techniqueJars == null ? List.of() : List.copyOf(techniqueJars);
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(launcher, "launcher");
    }

    /** A run without plug-in techniques. */
    public Provenance(String toolVersion, String gitCommit, String jdk, List<String> jvmFlags, int cores, long memoryBytes,
            long maxHeapBytes, Instant date, String launcher, String commandLine, String corpus, String corpusDigest) {
        this(toolVersion, gitCommit, jdk, jvmFlags, cores, memoryBytes, maxHeapBytes, date, launcher, commandLine, corpus, corpusDigest,
                List.of());
    }

    /** The same provenance for a run that loaded {@code jars} (absolute paths) of plug-in techniques. */
    public Provenance withTechniqueJars(List<String> jars) {
        return new Provenance(toolVersion, gitCommit, jdk, jvmFlags, cores, memoryBytes, maxHeapBytes, date, launcher, commandLine, corpus,
                corpusDigest, jars);
    }

    /**
     * The facts of this JVM and build, now.
     *
     * @param launcher the words of the absolute command that starts the tool (the path of the
     *     {@code testbed} script, or {@code /path/java -jar /path/testbed.jar})
     * @param arguments the arguments the tool was given
     * @param corpusLocation the corpus as the campaign names it, absolute
     * @param corpusDigest the corpus's {@link #digest(Corpus)}, or what stands in for one
     */
    public static Provenance ofThisRun(List<String> launcher, List<String> arguments, String corpusLocation, String corpusDigest) {
        String start = String.join(" ", launcher.stream().map(Escape::shellWord).toList());
        StringBuilder command = new StringBuilder(start);
        for (String argument : arguments) {
            command.append(' ').append(Escape.shellWord(argument));
        }
        return new Provenance(resource("tool.properties", "version"), resource("git.properties", "git.commit.id"),
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version")
                        + " (" + System.getProperty("java.home") + ")",
                ManagementFactory.getRuntimeMXBean().getInputArguments(), Runtime.getRuntime().availableProcessors(),
                physicalMemory(), Runtime.getRuntime().maxMemory(), Instant.now().truncatedTo(ChronoUnit.SECONDS),
                start, command.toString(), corpusLocation, corpusDigest);
    }

    /** SHA-256, in hex, over each entry's name, a NUL, its class bytes' length and the bytes, entries in name order. */
    public static String digest(Corpus corpus) {
        MessageDigest sha = sha256();
        for (CorpusEntry entry : corpus.entries()) {
            byte[] bytes = entry.classBytes();
            sha.update(entry.name().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) 0);
            sha.update(bytes);
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static long physicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }

    /** A property of a file the build put beside this class, or {@value #UNKNOWN}. */
    private static String resource(String file, String key) {
        try (InputStream in = Provenance.class.getResourceAsStream(file)) {
            if (in == null) {
                return UNKNOWN;
            }
            Properties properties = new Properties();
            properties.load(in);
            String value = properties.getProperty(key, "").trim();
            return value.isEmpty() || value.startsWith("${") ? UNKNOWN : value;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " beside " + Provenance.class.getName(), e);
        }
    }

    /**
     * The command that replays {@code trial} from any directory: this run's launcher, the corpus
     * when it is not the bundled one, the id quoted for a shell where it needs it.
     */
    public String replayCommand(TrialRecord trial) {
        return Escape.replayCommand(trial, this);
    }
}
