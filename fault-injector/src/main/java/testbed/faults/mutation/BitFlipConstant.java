package testbed.faults.mutation;

import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Flips one bit of one integer constant in the code ({@code ICONST}, {@code BIPUSH},
 * {@code SIPUSH}, {@code LCONST}, or an {@code int} or {@code long} {@code LDC}); the seed picks the
 * constant and the bit. A header offset, a length, a loop bound, a lock id or a mask changes.
 * Simulates a bit flip in the text segment.
 *
 * <p>Published model: the "text bit flip" fault of Rio (Chen et al. 1996, ASPLOS, The Rio File
 * Cache) and the "bit flip" fault of Nooks (Swift, Bershad and Levy 2003, SOSP), restricted to the
 * operands of constant instructions, since a flipped opcode bit would simply be refused by the
 * JVM's verifier.
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: anything; a flipped offset or length may reach a kernel structure
 *       ({@code ESCAPED}, {@code CRASHED}), a flipped bound may loop for long ({@code HUNG}).
 *   <li>{@code SFI_MASK}: {@code OK}, {@code WRONG_RESULT} or {@code CONTAINED}.
 *   <li>{@code SFI_CHECK}, {@code BOUNDS}, {@code VERIFIED}, {@code PROCESS}: {@code OK},
 *       {@code WRONG_RESULT} or {@code CONTAINED}; never {@code ESCAPED}, {@code HUNG} or
 *       {@code CRASHED}.
 * </ul>
 */
public final class BitFlipConstant extends SiteFault {

    @Override
    public String name() {
        return "bit-flip-constant";
    }

    @Override
    public Family family() {
        return Family.MEMORY;
    }

    @Override
    public String description() {
        return "flips one bit of one int or long constant in the code";
    }

    @Override
    public String reference() {
        return "Chen et al. 1996, ASPLOS, The Rio File Cache: text bit flip; Swift, Bershad and Levy 2003, SOSP, Nooks: bit flip";
    }

    @Override
    SiteVisitor sites(Sites sites, MethodVisitor next) {
        return new SiteVisitor(sites, next) {
            @Override
            public void visitInsn(int opcode) {
                if (opcode >= Opcodes.ICONST_M1 && opcode <= Opcodes.ICONST_5 && sites.take()) {
                    flip(opcode - Opcodes.ICONST_0, Mnemonics.of(opcode));
                } else if ((opcode == Opcodes.LCONST_0 || opcode == Opcodes.LCONST_1) && sites.take()) {
                    flip((long) (opcode - Opcodes.LCONST_0), Mnemonics.of(opcode));
                } else {
                    super.visitInsn(opcode);
                }
            }

            @Override
            public void visitIntInsn(int opcode, int operand) {
                if ((opcode == Opcodes.BIPUSH || opcode == Opcodes.SIPUSH) && sites.take()) {
                    flip(operand, Mnemonics.of(opcode) + " " + operand);
                } else {
                    super.visitIntInsn(opcode, operand);
                }
            }

            @Override
            public void visitLdcInsn(Object value) {
                if (value instanceof Integer && sites.take()) {
                    flip((int) (Integer) value, "LDC " + value);
                } else if (value instanceof Long && sites.take()) {
                    flip((long) (Long) value, "LDC " + value + "L");
                } else {
                    super.visitLdcInsn(value);
                }
            }

            private void flip(int value, String original) {
                int bit = Math.floorMod(sites.draw(1), 32);
                int flipped = value ^ (1 << bit);
                pushInt(flipped);
                sites.changed(original + " -> " + flipped + " (bit " + bit + ")");
            }

            private void flip(long value, String original) {
                int bit = Math.floorMod(sites.draw(1), 64);
                long flipped = value ^ (1L << bit);
                pushLong(flipped);
                sites.changed(original + " -> " + flipped + "L (bit " + bit + ")");
            }
        };
    }
}
