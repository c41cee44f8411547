package testbed.techniques.sample;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import testbed.technique.Technique;

/**
 * Address sandboxing written as a plug-in (Wahbe et al. 1993): every address an extension hands
 * to {@code Memory} becomes {@code base | (addr & mask)}, so every access starts inside the segment
 * and an access already inside is unchanged; one left straddling the segment's end faults on the
 * guard zone that the testbed gives a masking technique's domains ({@link #masks()}).
 * {@code copy}'s length is clamped so that neither range passes the segment's end. Nothing traps.
 *
 * <p>The whole technique is this file: a first pass over the class finds each method's local
 * variable count (the clamp of {@code copy} keeps its three operands in new locals past them),
 * a second rewrites the call sites with plain stack code and {@code java.lang.Math}, which an
 * extension's class loader resolves.
 */
public class AddressMask implements Technique {
    private static final String MEMORY = "testbed/kernel/api/Memory";

    @Override
    public String name() {
        return "mask";
    }

    @Override
    public boolean masks() {
        return true;
    }

    @Override
    public String description() {
        return "address sandboxing of every load, store and copy: base | (addr & mask), a guard zone after the segment";
    }

    /** Whether loads and copy's source are confined too; the weaker {@link StoreMask} confines stores only. */
    protected boolean confinesLoads() {
        return true;
    }

    @Override
    public byte[] rewrite(byte[] verifiedClass, Segment segment) {
        java.util.Map<String, Integer> locals = new java.util.HashMap<>();
        ClassReader reader = new ClassReader(verifiedClass);
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMaxs(int maxStack, int maxLocals) {
                        locals.put(name + descriptor, maxLocals);
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                return new Confine(mv, segment, locals.getOrDefault(name + descriptor, 0), confinesLoads());
            }
        }, 0);
        return writer.toByteArray();
    }

    /** Rewrites the {@code Memory} call sites of one method. */
    private static final class Confine extends MethodVisitor {
        private final Segment segment;
        /** The first of six free local slots: copy's destination, source and length. */
        private final int free;
        private final boolean loads;

        Confine(MethodVisitor mv, Segment segment, int free, boolean loads) {
            super(Opcodes.ASM9, mv);
            this.segment = segment;
            this.free = free;
            this.loads = loads;
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            if (opcode == Opcodes.INVOKEINTERFACE && owner.equals(MEMORY)) {
                int width = name.endsWith("64") ? 8 : name.endsWith("32") ? 4 : name.endsWith("16") ? 2 : 1;
                if (name.startsWith("load") && loads) {
                    mask();
                } else if (name.startsWith("store")) {
                    if (width == 8) {
                        // [address, value] of two slots each: move the value aside, mask, put it back
                        super.visitInsn(Opcodes.DUP2_X2);
                        super.visitInsn(Opcodes.POP2);
                        mask();
                        super.visitInsn(Opcodes.DUP2_X2);
                        super.visitInsn(Opcodes.POP2);
                    } else {
                        super.visitInsn(Opcodes.DUP_X2);
                        super.visitInsn(Opcodes.POP);
                        mask();
                        super.visitInsn(Opcodes.DUP2_X1);
                        super.visitInsn(Opcodes.POP2);
                    }
                } else if (name.equals("copy")) {
                    copy();
                }
            }
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
        }

        /** {@code addr -> base | (addr & mask)} on the long at the top of the stack. */
        private void mask() {
            super.visitLdcInsn(segment.mask());
            super.visitInsn(Opcodes.LAND);
            super.visitLdcInsn(segment.base());
            super.visitInsn(Opcodes.LOR);
        }

        /**
         * {@code copy(dst, src, len)} becomes {@code copy(base | d, base | s, min(max(len, 0), size - max(d, s)))}
         * with {@code d = dst & mask} and {@code s = src & mask} (the source left as it is when loads are not confined).
         */
        private void copy() {
            int dst = free;
            int src = free + 2;
            int len = free + 4;
            super.visitVarInsn(Opcodes.LSTORE, len);
            super.visitVarInsn(Opcodes.LSTORE, src);
            super.visitVarInsn(Opcodes.LSTORE, dst);
            offset(dst);
            if (loads) {
                offset(src);
            }
            address(dst);
            if (loads) {
                address(src);
            } else {
                super.visitVarInsn(Opcodes.LLOAD, src);
            }
            super.visitVarInsn(Opcodes.LLOAD, len);
            super.visitInsn(Opcodes.LCONST_0);
            math("max");
            super.visitLdcInsn(segment.size());
            super.visitVarInsn(Opcodes.LLOAD, dst);
            if (loads) {
                super.visitVarInsn(Opcodes.LLOAD, src);
                math("max");
            }
            super.visitInsn(Opcodes.LSUB);
            math("min");
        }

        private void offset(int slot) {
            super.visitVarInsn(Opcodes.LLOAD, slot);
            super.visitLdcInsn(segment.mask());
            super.visitInsn(Opcodes.LAND);
            super.visitVarInsn(Opcodes.LSTORE, slot);
        }

        private void address(int slot) {
            super.visitVarInsn(Opcodes.LLOAD, slot);
            super.visitLdcInsn(segment.base());
            super.visitInsn(Opcodes.LOR);
        }

        private void math(String function) {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Math", function, "(JJ)J", false);
        }
    }
}
