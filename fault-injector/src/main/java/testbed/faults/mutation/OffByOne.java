package testbed.faults.mutation;

import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Moves one relational comparison's boundary by one: {@code <} becomes {@code <=}, {@code >}
 * becomes {@code >=} and back ({@code IF_ICMPLT <-> IF_ICMPLE}, {@code IF_ICMPGT <-> IF_ICMPGE},
 * and the same for comparisons with zero, which also follow {@code LCMP}). On a loop bound the loop
 * runs once more or once less; on a range check the check lets the first byte past the range in.
 * Simulates the off-by-one error in a bound.
 *
 * <p>Published model: the "off-by-one" fault of Rio (Chen et al. 1996, ASPLOS, The Rio File Cache)
 * and of Nooks (Swift, Bershad and Levy 2003, SOSP).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: usually {@code OK} or {@code WRONG_RESULT}; {@code ESCAPED} when the extra
 *       access falls just past the segment's end into a neighbour.
 *   <li>{@code SFI_MASK}: {@code OK} or {@code WRONG_RESULT}.
 *   <li>{@code SFI_CHECK}, {@code BOUNDS}, {@code VERIFIED}, {@code PROCESS}: {@code OK},
 *       {@code WRONG_RESULT} or {@code CONTAINED}; never {@code ESCAPED}, {@code HUNG} or
 *       {@code CRASHED}.
 * </ul>
 */
public final class OffByOne extends SiteFault {

    @Override
    public String name() {
        return "off-by-one";
    }

    @Override
    public Family family() {
        return Family.MEMORY;
    }

    @Override
    public String description() {
        return "turns one relational comparison strict into non-strict or back (< into <=, > into >=)";
    }

    @Override
    public String reference() {
        return "Chen et al. 1996, ASPLOS, The Rio File Cache: off-by-one; Swift, Bershad and Levy 2003, SOSP, Nooks: off-by-one";
    }

    @Override
    SiteVisitor sites(Sites sites, MethodVisitor next) {
        return new SiteVisitor(sites, next) {
            @Override
            public void visitJumpInsn(int opcode, Label label) {
                int moved = moved(opcode);
                if (moved != 0 && sites.take()) {
                    super.visitJumpInsn(moved, label);
                    sites.changed(Mnemonics.of(opcode) + " -> " + Mnemonics.of(moved));
                    return;
                }
                super.visitJumpInsn(opcode, label);
            }
        };
    }

    /** The comparison with the other strictness, or 0 for a jump that is not a relational comparison. */
    private static int moved(int opcode) {
        switch (opcode) {
            case Opcodes.IFLT: return Opcodes.IFLE;
            case Opcodes.IFLE: return Opcodes.IFLT;
            case Opcodes.IFGT: return Opcodes.IFGE;
            case Opcodes.IFGE: return Opcodes.IFGT;
            case Opcodes.IF_ICMPLT: return Opcodes.IF_ICMPLE;
            case Opcodes.IF_ICMPLE: return Opcodes.IF_ICMPLT;
            case Opcodes.IF_ICMPGT: return Opcodes.IF_ICMPGE;
            case Opcodes.IF_ICMPGE: return Opcodes.IF_ICMPGT;
            default: return 0;
        }
    }
}
