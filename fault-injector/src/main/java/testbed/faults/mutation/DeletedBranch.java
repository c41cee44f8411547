package testbed.faults.mutation;

import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Deletes one conditional jump: its operands are popped and control always falls through, as if
 * the condition were always false. A guard that skipped bad input no longer skips it; a loop whose
 * exit test is deleted never exits by that test. Simulates a deleted branch instruction.
 *
 * <p>Published model: the "delete branch" fault of Rio (Chen et al. 1996, ASPLOS, The Rio File
 * Cache) and the "deleted branch" fault of Nooks (Swift, Bershad and Levy 2003, SOSP).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: anything: {@code HUNG} for a deleted loop exit, {@code ESCAPED} or
 *       {@code CRASHED} for a deleted range check.
 *   <li>{@code SFI_MASK}: {@code OK}, {@code WRONG_RESULT} or {@code CONTAINED} (fuel).
 *   <li>{@code SFI_CHECK}, {@code BOUNDS}, {@code VERIFIED}, {@code PROCESS}: {@code OK},
 *       {@code WRONG_RESULT} or {@code CONTAINED}; never {@code ESCAPED}, {@code HUNG} or
 *       {@code CRASHED}.
 * </ul>
 */
public final class DeletedBranch extends SiteFault {

    @Override
    public String name() {
        return "delete-branch";
    }

    @Override
    public Family family() {
        return Family.CONTROL;
    }

    @Override
    public String description() {
        return "deletes one conditional jump, so control always falls through";
    }

    @Override
    public String reference() {
        return "Chen et al. 1996, ASPLOS, The Rio File Cache: delete branch; Swift, Bershad and Levy 2003, SOSP, Nooks: deleted branch";
    }

    @Override
    SiteVisitor sites(Sites sites, MethodVisitor next) {
        return new SiteVisitor(sites, next) {
            @Override
            public void visitJumpInsn(int opcode, Label label) {
                if (InvertedBranch.negated(opcode) != 0 && sites.take()) {
                    boolean twoOperands = opcode >= Opcodes.IF_ICMPEQ && opcode <= Opcodes.IF_ACMPNE;
                    mv.visitInsn(twoOperands ? Opcodes.POP2 : Opcodes.POP);
                    sites.changed(Mnemonics.of(opcode) + " -> " + (twoOperands ? "POP2" : "POP"));
                    return;
                }
                super.visitJumpInsn(opcode, label);
            }
        };
    }
}
