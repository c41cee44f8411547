package testbed.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import testbed.kernel.Domain;
import testbed.kernel.Kernel;
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
     * One group of the overhead suite to run back to back: JMH include patterns, and parameter
     * values that override the benchmarks' own ({@code workload} for one workload's group).
     */
    public record Pass(String name, List<String> includes, Map<String, String> params) {
    }

    /**
     * The overhead suite as a sequence of {@link Pass}es: for each workload, all its protection
     * variants (and its WebAssembly twin, if it has one), then the crossings, transactions and
     * loads. Every ratio the report computes then divides two scores taken a few minutes apart at
     * most, instead of half a run apart, so a change in the machine's background load skews it less.
     */
    public static List<Pass> passes() {
        List<Pass> passes = new ArrayList<>();
        for (String workload : WORKLOADS) {
            List<String> includes = new ArrayList<>();
            includes.add(pattern(IsolationBench.class));
            if (ChicoryBench.WORKLOADS.contains(workload)) {
                includes.add(pattern(ChicoryBench.class) + workload + "$");
            }
            passes.add(new Pass(workload, List.copyOf(includes), Map.of("workload", workload)));
        }
        passes.add(new Pass("crossing", List.of(pattern(CrossingBench.class)), Map.of()));
        passes.add(new Pass("transactions", List.of(pattern(TransactionBench.class)), Map.of()));
        passes.add(new Pass("load", List.of(pattern(LoadBench.class)), Map.of()));
        // One tcpdump filter (the longest reference program, 'tcp port 18080'); BpfBench alone runs all ten.
        passes.add(new Pass("bpf", List.of(pattern(BpfBench.class)), Map.of("filter", "4")));
        return List.copyOf(passes);
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
