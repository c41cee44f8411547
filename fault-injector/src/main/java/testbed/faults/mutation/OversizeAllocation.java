package testbed.faults.mutation;

import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Makes one allocation absurdly large: the length of a {@code NEWARRAY}, {@code ANEWARRAY} or
 * (last dimension of a) {@code MULTIANEWARRAY}, or the size passed to {@code Context.alloc}. The
 * seed picks the site and either replaces the size by a huge constant (16 Mi to 1 Gi elements,
 * 16 MiB to 1 TiB for {@code alloc}) or multiplies it by a large power of two (which may overflow
 * to a negative size). Simulates an allocation with a corrupted size.
 *
 * <p>Published model: the "allocation" fault of Rio (Chen et al. 1996, ASPLOS, The Rio File Cache)
 * and the "oversize allocation" fault of Nooks (Swift, Bershad and Levy 2003, SOSP); the resource
 * hoarding VINO meters (Seltzer et al. 1996, OSDI, Dealing with Disaster).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: an unmetered JVM array may exhaust the host's heap ({@code CRASHED}); an
 *       oversize {@code alloc} is refused by the kernel with {@code ENOMEM} ({@code OK} or
 *       {@code WRONG_RESULT}); a negative size throws ({@code CONTAINED}).
 *   <li>Every metered mode: {@code CONTAINED} (the allocation meter refuses the array before it is
 *       made), {@code OK} or {@code WRONG_RESULT} for a refused {@code alloc}; never
 *       {@code ESCAPED}, {@code HUNG} or {@code CRASHED}.
 * </ul>
 */
public final class OversizeAllocation extends SiteFault {

    @Override
    public String name() {
        return "oversize-allocation";
    }

    @Override
    public Family family() {
        return Family.RESOURCE;
    }

    @Override
    public String description() {
        return "replaces one array length or Context.alloc size by a huge one, or multiplies it by a large factor";
    }

    @Override
    public String reference() {
        return "Chen et al. 1996, ASPLOS, The Rio File Cache: allocation; Swift, Bershad and Levy 2003, SOSP, Nooks: oversize allocation";
    }

    @Override
    SiteVisitor sites(Sites sites, MethodVisitor next) {
        return new SiteVisitor(sites, next) {
            @Override
            public void visitIntInsn(int opcode, int operand) {
                if (opcode == Opcodes.NEWARRAY && sites.take()) {
                    sites.changed("NEWARRAY length " + oversizeInt());
                }
                super.visitIntInsn(opcode, operand);
            }

            @Override
            public void visitTypeInsn(int opcode, String type) {
                if (opcode == Opcodes.ANEWARRAY && sites.take()) {
                    sites.changed("ANEWARRAY length " + oversizeInt());
                }
                super.visitTypeInsn(opcode, type);
            }

            @Override
            public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
                if (sites.take()) {
                    sites.changed("MULTIANEWARRAY last dimension " + oversizeInt());
                }
                super.visitMultiANewArrayInsn(descriptor, dimensions);
            }

            @Override
            public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
                if (owner.equals(CONTEXT) && name.equals("alloc") && sites.take()) {
                    long bits = sites.draw(1);
                    String change;
                    if ((bits & 1) == 0) {
                        long size = 1L << (24 + Math.floorMod(bits >> 1, 17));
                        mv.visitInsn(Opcodes.POP2);
                        pushLong(size);
                        change = "= " + size;
                    } else {
                        int shift = 10 + Math.floorMod(bits >> 1, 21);
                        pushLong(1L << shift);
                        mv.visitInsn(Opcodes.LMUL);
                        change = "*= 2^" + shift;
                    }
                    sites.changed("Context.alloc size " + change);
                }
                super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            }

            /** Changes the int length on top of the stack; returns the change as text. */
            private String oversizeInt() {
                long bits = sites.draw(1);
                if ((bits & 1) == 0) {
                    int length = 1 << (24 + Math.floorMod(bits >> 1, 7));
                    mv.visitInsn(Opcodes.POP);
                    pushInt(length);
                    return "= " + length;
                }
                int shift = 10 + Math.floorMod(bits >> 1, 11);
                pushInt(1 << shift);
                mv.visitInsn(Opcodes.IMUL);
                return "*= 2^" + shift;
            }
        };
    }
}
