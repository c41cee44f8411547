package testbed.faults.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.faults.TrialEngine;
import testbed.sandbox.Protection;
import testbed.sandbox.Sandbox;
import testbed.sfi.ProtectionMode;

/**
 * The fuzzer catches an unsound rule planted in VERIFIED's analysis: one that forgets an access's
 * width when it decides the access stays in the segment, so that it claims accesses straddling the
 * segment's end. With the proof checker in place the checker refuses those proofs, and the fuzzer
 * sees VERIFIED refuse programs BOUNDS loads; with the checker also taken out, the fuzzer sees the
 * straddling accesses go unchecked.
 */
class PlantedUnsoundRuleTest {
    private static final List<Protection> MODES = Protection.of(List.of(ProtectionMode.BOUNDS, ProtectionMode.VERIFIED));
    private static final String ANALYSIS = "testbed.sfi.verify.Analysis";
    private static final String CLASS_REWRITER = "testbed.sfi.ClassRewriter";

    @Test
    void anAnalysisThatForgetsTheWidthIsCaughtByTheCheckerAndTheFuzzerSeesTheRefusals(@TempDir Path out) {
        List<FuzzFinding> findings = fuzz(out, false);
        assertThat(findings).as("findings").isNotEmpty().allSatisfy(f -> {
            assertThat(f.failure().property()).isEqualTo(Property.MODES_AGREE);
            assertThat(f.failure().detail()).contains("VERIFIED refused a program BOUNDS loads").contains("proof refused by the checker");
        });
    }

    @Test
    void withoutTheCheckerTheUnsoundAnalysisLetsAccessesLeaveTheSegmentAndTheFuzzerSeesIt(@TempDir Path out) {
        List<FuzzFinding> findings = fuzz(out, true);
        assertThat(findings).as("findings").isNotEmpty().anySatisfy(f -> {
            assertThat(f.failure().mode()).contains("VERIFIED");
            assertThat(f.failure().property()).isIn(Property.CONTAINMENT, Property.MODES_AGREE);
            assertThat(f.failure().detail()).doesNotContain("refused");
        });
    }

    private static List<FuzzFinding> fuzz(Path out, boolean withoutChecker) {
        Sandbox.Rewriter broken = PlantedDefectTest.copiedRewriter((name, writer) -> new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String method, String descriptor, String signature, String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, method, descriptor, signature, exceptions);
                if (name.equals(ANALYSIS) && method.equals("unsafe")) {
                    return forgetWidth(mv);
                }
                if (withoutChecker && name.equals(CLASS_REWRITER) && method.equals("checkedProof")) {
                    return skipChecker(mv);
                }
                return mv;
            }
        });
        TrialEngine.Sandboxes factory = (kernel, mode, budget) ->
                mode.pipeline() == ProtectionMode.VERIFIED ? Sandbox.on(kernel, mode.pipeline(), budget, broken) : Sandbox.on(kernel, mode, budget);
        Fuzzer.Result result = new Fuzzer(new FuzzSettings(5, 600, null, MODES, 2, ProgramGenerator.DEFAULT_MAX_OPS, false), out, factory)
                .run(p -> { });
        System.out.printf("planted unsound rule (%s): %d of %d programs failing: %s%n", withoutChecker ? "no checker" : "checker",
                result.records().stream().filter(r -> r.unexpected()).count(), result.programs(),
                result.findings().stream().map(f -> f.failure().property() + " " + f.failure().mode() + ": " + f.failure().detail()).toList());
        assertThat(result.findings()).as("only VERIFIED is broken")
                .allSatisfy(f -> assertThat(f.failure().mode()).contains("VERIFIED"));
        return result.findings();
    }

    /** {@code access.width} read as 1: an access is judged by its first byte only. */
    private static MethodVisitor forgetWidth(MethodVisitor mv) {
        return new MethodVisitor(Opcodes.ASM9, mv) {
            @Override
            public void visitFieldInsn(int opcode, String owner, String field, String descriptor) {
                if (opcode == Opcodes.GETFIELD && field.equals("width")) {
                    super.visitInsn(Opcodes.POP);
                    super.visitInsn(Opcodes.ICONST_1);
                } else {
                    super.visitFieldInsn(opcode, owner, field, descriptor);
                }
            }
        };
    }

    /** The checker's call dropped: the proof is used as the analysis wrote it. */
    private static MethodVisitor skipChecker(MethodVisitor mv) {
        return new MethodVisitor(Opcodes.ASM9, mv) {
            @Override
            public void visitMethodInsn(int opcode, String owner, String method, String descriptor, boolean isInterface) {
                if (owner.endsWith("ProofChecker") && method.equals("check")) {
                    super.visitInsn(Opcodes.POP);
                    super.visitInsn(Opcodes.POP);
                    super.visitInsn(Opcodes.POP);
                } else {
                    super.visitMethodInsn(opcode, owner, method, descriptor, isInterface);
                }
            }
        };
    }
}
