package testbed.faults.mutation;

import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Corrupts the address operand of one memory access: a {@code Memory} load, store, or one of the
 * two addresses of a {@code copy}. The seed picks the access and the corruption: either one bit of
 * the address flipped (bit 8 to 31: low flips stay in the segment, middle ones land in a neighbour
 * or a kernel structure, high ones leave a small physical memory) or a random offset of 4 KiB to
 * 16 MiB, up or down, added to it. Simulates a corrupted pointer and wrong pointer arithmetic.
 *
 * <p>Published model: the "pointer" fault of Rio (Chen et al. 1996, ASPLOS, The Rio File Cache:
 * Surviving Operating System Crashes), the "corrupt pointer" fault of Nooks (Swift, Bershad and
 * Levy 2003, SOSP; 2005, TOCS, Improving the Reliability of Commodity Operating Systems).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: anything; an out-of-segment store is {@code ESCAPED} (the oracle sees the
 *       damage), an address outside physical memory may be {@code CRASHED}.
 *   <li>{@code SFI_MASK}: {@code OK} or {@code WRONG_RESULT}: the mask folds the address back into
 *       the segment.
 *   <li>{@code SFI_CHECK}, {@code BOUNDS}, {@code VERIFIED}, {@code PROCESS}: {@code CONTAINED} when
 *       the address left the segment, else {@code OK} or {@code WRONG_RESULT}; never
 *       {@code ESCAPED}, {@code HUNG} or {@code CRASHED}.
 * </ul>
 */
public final class CorruptedAddress extends SiteFault {

    @Override
    public String name() {
        return "corrupt-address";
    }

    @Override
    public Family family() {
        return Family.MEMORY;
    }

    @Override
    public String description() {
        return "flips a bit of, or adds a large offset to, the address of one memory load, store or copy";
    }

    @Override
    public String reference() {
        return "Chen et al. 1996, ASPLOS, The Rio File Cache: pointer fault; Swift, Bershad and Levy 2003, SOSP, Nooks: corrupt pointer";
    }

    @Override
    SiteVisitor sites(Sites sites, MethodVisitor next) {
        return new SiteVisitor(sites, next) {
            @Override
            public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
                if (owner.equals(MEMORY) && isAccess(name)) {
                    boolean copy = name.equals("copy");
                    // copy(destination, source, length): both addresses are sites
                    for (int operand = 0; operand < (copy ? 2 : 1); operand++) {
                        if (sites.take()) {
                            String what = copy ? (operand == 0 ? "destination of copy" : "source of copy")
                                    : "address of " + name;
                            sites.changed(what + corrupt(descriptor, operand, sites.draw(1)));
                        }
                    }
                }
                super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            }

            /**
             * Moves the operands above the address into fresh locals, changes the address, and puts
             * them back; returns the change as text.
             */
            private String corrupt(String descriptor, int operand, long bits) {
                Type[] arguments = Type.getArgumentTypes(descriptor);
                int[] slots = new int[arguments.length];
                int slot = sites.freeLocal();
                for (int i = operand + 1; i < arguments.length; i++) {
                    slots[i] = slot;
                    slot += arguments[i].getSize();
                }
                for (int i = arguments.length - 1; i > operand; i--) {
                    mv.visitVarInsn(arguments[i].getOpcode(Opcodes.ISTORE), slots[i]);
                }
                String change;
                if ((bits & 1) == 0) {
                    long bit = 1L << (8 + Math.floorMod(bits >> 1, 24));
                    pushLong(bit);
                    mv.visitInsn(Opcodes.LXOR);
                    change = " ^= 0x" + Long.toHexString(bit);
                } else {
                    long offset = 4096 + Math.floorMod(bits >> 2, (16L << 20) - 4096);
                    pushLong((bits & 2) == 0 ? offset : -offset);
                    mv.visitInsn(Opcodes.LADD);
                    change = ((bits & 2) == 0 ? " += " : " -= ") + offset;
                }
                for (int i = operand + 1; i < arguments.length; i++) {
                    mv.visitVarInsn(arguments[i].getOpcode(Opcodes.ILOAD), slots[i]);
                }
                return change;
            }
        };
    }

    private static boolean isAccess(String name) {
        return name.startsWith("load") || name.startsWith("store") || name.equals("copy");
    }
}
