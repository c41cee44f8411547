package testbed.faults.mutation;

import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Negates one conditional jump ({@code IFEQ <-> IFNE}, {@code IF_ICMPLT <-> IF_ICMPGE},
 * {@code IFNULL <-> IFNONNULL}, ...): the branch goes the other way every time. A range check
 * then admits exactly what it should refuse, a loop exits at once or runs past its bound. Simulates
 * an inverted condition.
 *
 * <p>Published model: the "inverted branch" fault of Nooks (Swift, Bershad and Levy 2003, SOSP;
 * 2005, TOCS), after the branch faults of Rio (Chen et al. 1996, ASPLOS).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: anything: a loop may run away ({@code HUNG}), a check may let a wild access
 *       through ({@code ESCAPED}, {@code CRASHED}).
 *   <li>{@code SFI_MASK}: {@code OK}, {@code WRONG_RESULT} or {@code CONTAINED} (fuel).
 *   <li>{@code SFI_CHECK}, {@code BOUNDS}, {@code VERIFIED}, {@code PROCESS}: {@code OK},
 *       {@code WRONG_RESULT} or {@code CONTAINED}; never {@code ESCAPED}, {@code HUNG} or
 *       {@code CRASHED}.
 * </ul>
 */
public final class InvertedBranch extends SiteFault {

    @Override
    public String name() {
        return "invert-branch";
    }

    @Override
    public Family family() {
        return Family.CONTROL;
    }

    @Override
    public String description() {
        return "negates one conditional jump";
    }

    @Override
    public String reference() {
        return "Swift, Bershad and Levy 2003, SOSP, Nooks: inverted branch; Chen et al. 1996, ASPLOS, The Rio File Cache: branch faults";
    }

    @Override
    SiteVisitor sites(Sites sites, MethodVisitor next) {
        return new SiteVisitor(sites, next) {
            @Override
            public void visitJumpInsn(int opcode, Label label) {
                int negated = negated(opcode);
                if (negated != 0 && sites.take()) {
                    super.visitJumpInsn(negated, label);
                    sites.changed(Mnemonics.of(opcode) + " -> " + Mnemonics.of(negated));
                    return;
                }
                super.visitJumpInsn(opcode, label);
            }
        };
    }

    /** The negated conditional jump, or 0 for an unconditional one. */
    static int negated(int opcode) {
        if (opcode >= Opcodes.IFEQ && opcode <= Opcodes.IF_ACMPNE) {
            // javac's pairs: IFEQ/IFNE, IFLT/IFGE, IFGT/IFLE, ... each an odd opcode and the next
            return (opcode & 1) == 1 ? opcode + 1 : opcode - 1;
        }
        if (opcode == Opcodes.IFNULL) {
            return Opcodes.IFNONNULL;
        }
        return opcode == Opcodes.IFNONNULL ? Opcodes.IFNULL : 0;
    }
}
