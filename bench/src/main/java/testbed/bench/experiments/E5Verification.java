package testbed.bench.experiments;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import testbed.bench.Suite;
import testbed.kernel.Segment;
import testbed.reports.ExperimentPage;
import testbed.reports.ExperimentPage.Check;
import testbed.reports.ExperimentPage.Published;
import testbed.reports.ExperimentPage.Table;
import testbed.reports.stats.Goal;
import testbed.reports.stats.Interval;
import testbed.reports.stats.Verdict;
import testbed.sandbox.verify.Rejection;
import testbed.sandbox.verify.Verifier;
import testbed.sfi.ProtectionMode;
import testbed.sfi.Rewrite;
import testbed.sfi.runtime.Guard;

/**
 * E5, proof-carrying code (Necula and Lee 1996): how many of the run-time checks a static proof
 * removes. For each benchmark extension it counts the memory accesses in the class and the guard
 * calls the rewrite leaves in it ({@link Guard}'s segment-matching, bounds and confined-copy
 * guards) under {@code SFI_CHECK}, {@code BOUNDS} and, when the build has it, {@code VERIFIED};
 * the share of guards removed is {@code 1 - VERIFIED / BOUNDS}. A build without {@code VERIFIED}
 * gets a page that says so and shows the guards there are to remove.
 */
final class E5Verification implements Experiment {
    static final String VERIFIED = "VERIFIED";
    private static final String MEMORY = "testbed/kernel/api/Memory";
    private static final String GUARD = Guard.class.getName().replace('.', '/');
    /** The 64 KiB segment every count is made for; the counts do not depend on where it is. */
    private static final Segment SEGMENT = new Segment(0x100000, 64 << 10);

    @Override
    public String id() {
        return "E5";
    }

    @Override
    public String title() {
        return "Checks removed by verification (proof-carrying code)";
    }

    @Override
    public String runTime() {
        return "under 5 s, --quick the same";
    }

    /** The build's VERIFIED mode, if it has one: it is being added to {@link ProtectionMode} independently. */
    static Optional<ProtectionMode> verifiedMode() {
        return Arrays.stream(ProtectionMode.values()).filter(m -> m.name().equals(VERIFIED)).findFirst();
    }

    /** Memory-access call sites of a class, or guard call sites of a rewritten one. */
    static int count(byte[] bytes, boolean guards) {
        int[] n = {0};
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean isInterface) {
                        // A hoisted loop's entry check is no access guard: its accesses keep theirs, skipped while it holds.
                        if (guards ? owner.equals(GUARD) && !method.equals("caught") && !method.equals("loopInside") : owner.equals(MEMORY)) {
                            n[0]++;
                        }
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG);
        return n[0];
    }

    @Override
    public ExperimentPage run(Run run) {
        Optional<ProtectionMode> verified = verifiedMode();
        List<ProtectionMode> modes = new ArrayList<>(List.of(ProtectionMode.SFI_CHECK, ProtectionMode.BOUNDS));
        verified.ifPresent(modes::add);
        List<String> banners = new ArrayList<>();
        if (verified.isEmpty()) {
            banners.add("This build has no VERIFIED protection mode yet, so nothing here is removed by verification: the table "
                    + "shows the guards SFI_CHECK and BOUNDS leave in each extension, which is what VERIFIED is to remove. Once "
                    + "ProtectionMode has VERIFIED, the same command adds its column and the share of guards it removed.");
        }
        List<String> header = new ArrayList<>(List.of("extension", "memory accesses in the class"));
        modes.forEach(m -> header.add("guards left, " + m));
        verified.ifPresent(v -> header.add("guards removed by VERIFIED, over BOUNDS"));
        List<List<String>> rows = new ArrayList<>();
        ObjectNode data = JsonMapper.builder().build().createObjectNode();
        int totalBounds = 0;
        int totalVerified = 0;
        String failure = null;
        for (String name : Suite.EXTENSIONS) {
            byte[] original;
            try {
                original = Verifier.standard().verify(Suite.extensionClass(name)).bytes();
            } catch (Rejection e) {
                throw new IllegalStateException("E5: bench extension " + name + " does not verify: " + e.getMessage(), e);
            }
            List<String> row = new ArrayList<>(List.of(name, Integer.toString(count(original, false))));
            Map<String, Integer> guards = new LinkedHashMap<>();
            for (ProtectionMode m : modes) {
                try {
                    guards.put(m.name(), count(Rewrite.of(m).segment(SEGMENT).metered(true).apply(original), true));
                    row.add(Integer.toString(guards.get(m.name())));
                } catch (RuntimeException e) {
                    failure = m + " did not rewrite " + name + ": " + e.getMessage();
                    row.add("rewrite failed");
                }
            }
            if (verified.isPresent()) {
                Integer b = guards.get("BOUNDS");
                Integer v = guards.get(VERIFIED);
                row.add(b == null || v == null || b == 0 ? "–" : String.format(Locale.ROOT, "%.1f%%", 100.0 * (b - v) / b));
                totalBounds += b == null ? 0 : b;
                totalVerified += v == null ? 0 : v;
            }
            rows.add(row);
            data.set(name, data.pojoNode(guards));
        }
        if (failure != null) {
            banners.add(failure);
        }
        List<Check> checks = new ArrayList<>();
        String quantity = "guards removed by VERIFIED over BOUNDS, all benchmark extensions";
        String ours;
        if (verified.isPresent() && totalBounds > 0) {
            double removed = (double) (totalBounds - totalVerified) / totalBounds;
            checks.add(Checks.of(new Goal(quantity, Goal.Direction.AT_LEAST, 0.5), "%", Interval.exact(removed), Suite.EXTENSIONS.size(),
                    run.quick(), "extensions"));
            ours = String.format(Locale.ROOT, "%.1f%% of %d guards removed", 100 * removed, totalBounds);
        } else {
            checks.add(new Check(quantity, "≥ 50.00%", "no VERIFIED mode in this build", Verdict.NOT_MEASURED, "not measured"));
            ours = "not measured: no VERIFIED mode in this build";
        }
        List<Published> published = List.of(new Published("run-time checks left in a packet filter after its safety proof is checked",
                "none: the proof covers every access, so the filter runs without checks, and faster than the same filter rewritten "
                        + "by SFI or interpreted by BPF", "Necula and Lee 1996, Safe kernel extensions without run-time checking, OSDI", ours));
        return new ExperimentPage(id(), title(),
                "How many of the run-time guards that software fault isolation inserts does a static proof of memory safety let the "
                        + "rewrite leave out? Counted per extension of the overhead benchmarks; the time they cost is E1's table.",
                run.quick(), "extensions", banners, checks,
                List.of(new Table("Memory accesses in each extension and the guard calls left in it after the rewrite (static counts, "
                        + "64 KiB segment, metered)", header, rows)),
                published,
                "Necula and Lee's filters were small, hand-written DEC Alpha programs whose proofs covered every access, so no check "
                        + "was left; the proof was checked once, at load time. The testbed's verifier sees JVM bytecode "
                        + "whose addresses are computed from loop counters and helper results, so it can prove some accesses and not others: "
                        + "what it removes is a share, per extension, of the guards the checking modes insert, and whatever it cannot prove "
                        + "keeps its guard. A count of guard call sites is static; how often each runs, and what removing it saves, is E1's "
                        + "measurement.",
                List.of("A guard is a call to the sandbox's segment-matching, bounds or confined-copy guard left in the rewritten class; "
                        + "address masking (SFI_MASK) inlines its arithmetic and so is not counted here."),
                run.provenance(), data);
    }
}
