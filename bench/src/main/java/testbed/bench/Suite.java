package testbed.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import testbed.kernel.Domain;
import testbed.kernel.Kernel;
import testbed.sandbox.Protection;
import testbed.sandbox.Protections;
import testbed.sandbox.verify.Rejection;
import testbed.sandbox.verify.Verifier;
import testbed.sfi.ProtectionMode;
import testbed.sfi.Rewrite;
import testbed.sfi.verify.Proof;

/**
 * The benchmark module's face for the command line: which benchmarks make up the overhead
 * experiment (E1, E2, E4, the WebAssembly comparison and classic BPF filters) and in what order to run them, and
 * facts about the extensions that the results alone do not carry.
 */
public final class Suite {
    /** The workloads of {@link IsolationBench}, as its {@code workload} parameter names them. */
    public static final List<String> WORKLOADS = Workload.NAMES;

    /**
     * The built-in variants of {@link IsolationBench}, as its {@code mode} parameter names them
     * ({@code NONE} first, the baseline). The parameter also takes the name of a plug-in technique
     * from the jars in the system property {@value Protections#JARS_PROPERTY}, which a JMH fork
     * inherits from its host's command line or gets with {@code -jvmArgsAppend}.
     */
    public static final List<String> MODES = modes();

    /**
     * One group of the overhead suite to run back to back: JMH include patterns, and parameter
     * values that override the benchmarks' own ({@code workload} for one workload's group, and
     * {@code mode} when plug-in techniques are measured).
     */
    public record Pass(String name, List<String> includes, Map<String, List<String>> params) {
    }

    private static Protections techniques;

    /**
     * The overhead suite as a sequence of {@link Pass}es: for each workload, all its protection
     * variants (and its WebAssembly twin, if it has one), then the crossings, transactions and
     * loads. Every ratio the report computes then divides two scores taken a few minutes apart at
     * most, instead of half a run apart, so a change in the machine's background load skews it less.
     */
    public static List<Pass> passes() {
        return passes(MODES);
    }

    /**
     * The same passes with {@link IsolationBench} run in {@code modes}: built-in variants of
     * {@link #MODES} and plug-in techniques' names, which then stand beside the built-in modes in
     * each workload's table.
     */
    public static List<Pass> passes(List<String> modes) {
        List<Pass> passes = new ArrayList<>();
        for (String workload : WORKLOADS) {
            List<String> includes = new ArrayList<>();
            includes.add(pattern(IsolationBench.class));
            if (ChicoryBench.WORKLOADS.contains(workload)) {
                includes.add(pattern(ChicoryBench.class) + workload + "$");
            }
            Map<String, List<String>> params = modes.equals(MODES)
                    ? Map.of("workload", List.of(workload))
                    : Map.of("workload", List.of(workload), "mode", List.copyOf(modes));
            passes.add(new Pass(workload, List.copyOf(includes), params));
        }
        passes.add(new Pass("crossing", List.of(pattern(CrossingBench.class)), Map.of()));
        passes.add(new Pass("transactions", List.of(pattern(TransactionBench.class)), Map.of()));
        passes.add(new Pass("load", List.of(pattern(LoadBench.class)), Map.of()));
        // One tcpdump filter (the longest reference program, 'tcp port 18080'); BpfBench alone runs all ten.
        passes.add(new Pass("bpf", List.of(pattern(BpfBench.class)), Map.of("filter", List.of("4"))));
        return List.copyOf(passes);
    }

    /**
     * The plug-in technique {@code name} from the jars in {@value Protections#JARS_PROPERTY}.
     *
     * @throws IllegalArgumentException if no jar holds it, or a jar cannot be loaded; one line
     */
    static synchronized Protection technique(String name) {
        if (techniques == null) {
            try {
                techniques = Protections.fromSystemProperty();
            } catch (Protections.TechniqueException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
        }
        try {
            return techniques.byName(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + (techniques.jars().isEmpty()
                    ? "; a plug-in technique's jar goes in -D" + Protections.JARS_PROPERTY + "=JAR" : ""));
        }
    }

    private static List<String> modes() {
        try {
            return List.of(IsolationBench.class.getField("mode").getAnnotation(org.openjdk.jmh.annotations.Param.class).value());
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JMH name of the crossing into a separate JVM, measurable only when the build has {@code PROCESS}. */
    public static final String PROCESS_CROSSING = CrossingBench.class.getName() + ".processCrossing";

    /** Every extension class the overhead benchmarks load, by simple name. */
    public static final List<String> EXTENSIONS = List.of("TrivialFilter", "ChecksumFilter", "HeaderFilter", "CopyFilter",
            "HashTableFilter", "SortFilter", "PatternReadFilter", "ComputeFilter");

    private Suite() {
    }

    private static String pattern(Class<?> benchmark) {
        return "^" + benchmark.getName().replace(".", "\\.") + "\\.";
    }

    /**
     * The protection mode that runs an extension in a separate JVM, if this build has one: the
     * mode is being added to {@link ProtectionMode} independently of the benchmarks.
     */
    public static Optional<ProtectionMode> processMode() {
        for (ProtectionMode m : ProtectionMode.values()) {
            if (m.name().equals("PROCESS")) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** The class file of an extension of {@code testbed.bench.extensions}, by simple name, read without loading it. */
    public static byte[] extensionClass(String simpleName) {
        return Rig.classBytes(simpleName);
    }

    /**
     * Class-file size of an extension and its size rewritten for {@code SFI_MASK} with metering, in
     * bytes; its {@code Memory} accesses and how many of them {@code VERIFIED}'s proof leaves unguarded.
     */
    public record ExtensionSize(int classFile, int rewritten, int accesses, int guardsRemoved) {
    }

    /** The sizes of every extension the overhead benchmarks load, by simple class name. */
    public static Map<String, ExtensionSize> extensionSizes() {
        Kernel kernel = Rig.boot();
        Domain domain = kernel.createDomain("sizes", Rig.spec());
        Rewrite rewrite = Rewrite.of(ProtectionMode.SFI_MASK).segment(domain.segment()).metered(true);
        Rewrite verified = Rewrite.of(ProtectionMode.VERIFIED).segment(domain.segment());
        Map<String, ExtensionSize> sizes = new LinkedHashMap<>();
        for (String name : EXTENSIONS) {
            byte[] bytes = Rig.classBytes(name);
            try {
                byte[] checked = Verifier.standard().verify(bytes).bytes();
                Proof proof = verified.proof(checked);
                sizes.put(name, new ExtensionSize(bytes.length, rewrite.apply(checked).length, proof.accesses(), proof.proven()));
            } catch (Rejection e) {
                throw new IllegalStateException("benchmark extension " + name + " does not verify: " + e.getMessage(), e);
            }
        }
        return sizes;
    }
}
