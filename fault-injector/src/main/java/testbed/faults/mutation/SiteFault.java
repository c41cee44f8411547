package testbed.faults.mutation;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import testbed.sandbox.ContentHash;

/**
 * The two passes every bytecode fault kind shares: count the candidate sites, then mutate the one
 * the seed picks. A kind supplies the {@link SiteVisitor} that recognises (and mutates) its sites,
 * and optionally code to add to the class (a helper method its mutation calls).
 */
abstract class SiteFault implements BytecodeFault {
    /**
     * Mutants of the last few (class, seed) pairs. A campaign runs one (entry, fault, seed) in
     * every protection mode one after another, so each mutant is asked for once per mode; it is
     * immutable and a function of its input, so the later asks take the first answer.
     */
    private static final int RECENT = 16;

    private final Map<Input, Mutant> recent = new LinkedHashMap<>(RECENT * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Input, Mutant> eldest) {
            return size() > RECENT;
        }
    };

    /** Class bytes (compared by content) and a seed. */
    private record Input(byte[] bytes, long seed, int hash) {
        Input(byte[] bytes, long seed) {
            this(bytes, seed, ContentHash.of(bytes) * 31 + Long.hashCode(seed));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Input i && i.hash == hash && i.seed == seed && Arrays.equals(i.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** The visitor that finds this kind's sites in one method and mutates the chosen one. */
    abstract SiteVisitor sites(Sites sites, MethodVisitor next);

    /** Adds to the mutated class what the mutation needs; called once, after the site was mutated. */
    void complete(ClassVisitor out, Sites sites) {
    }

    @Override
    public final Mutant mutate(byte[] classBytes, long seed) {
        Input probe = new Input(classBytes, seed);
        synchronized (recent) {
            Mutant known = recent.get(probe);
            if (known != null) {
                return known;
            }
        }
        Mutant mutant = mutateOnce(classBytes, seed);
        synchronized (recent) {
            // Kept under a copy: the caller's array is its own to change afterwards.
            recent.put(new Input(classBytes.clone(), seed, probe.hash()), mutant);
        }
        return mutant;
    }

    private Mutant mutateOnce(byte[] classBytes, long seed) {
        ClassReader reader;
        try {
            reader = new ClassReader(classBytes);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a readable class file: " + e, e);
        }
        Sites sites = new Sites(seed);
        reader.accept(new Pass(sites, null, -1), ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        if (sites.none()) {
            return Mutant.unchanged(classBytes);
        }
        int candidates = sites.count();
        int method = sites.choose();
        // Built on the reader: the constant pool is copied and every other method's code with it.
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        reader.accept(new Pass(sites, writer, method), 0);
        return Mutant.at(writer.toByteArray(), sites.hit(), candidates);
    }

    /** One pass over the class: counting when {@code out} is null, else mutating method {@code target}. */
    private final class Pass extends ClassVisitor {
        private final Sites sites;
        private final int target;
        private int ordinal;

        Pass(Sites sites, ClassVisitor out, int target) {
            super(Opcodes.ASM9, out);
            this.sites = sites;
            this.target = target;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                String[] interfaces) {
            sites.owner = name;
            sites.ownerIsInterface = (access & Opcodes.ACC_INTERFACE) != 0;
            super.visit(version, access, name, signature, superName, interfaces);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                String[] exceptions) {
            MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
            int m = ordinal++;
            if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
                sites.skipMethod(name);
                return next;
            }
            if (cv != null && m != target) {
                return next;
            }
            sites.enterMethod(m, access, name, descriptor);
            return new Indexer(sites, SiteFault.this.sites(sites, next));
        }

        @Override
        public void visitEnd() {
            if (cv != null) {
                complete(cv, sites);
            }
            super.visitEnd();
        }
    }

    /** Keeps {@link Sites#index} on the current instruction and tells the kind's visitor what comes next. */
    private static final class Indexer extends MethodVisitor {
        private final Sites sites;
        private final SiteVisitor kind;

        Indexer(Sites sites, SiteVisitor kind) {
            super(Opcodes.ASM9, kind);
            this.sites = sites;
            this.kind = kind;
        }

        @Override
        public void visitInsn(int opcode) {
            kind.beforeInstruction(opcode);
            super.visitInsn(opcode);
            sites.index++;
        }

        @Override
        public void visitIntInsn(int opcode, int operand) {
            kind.beforeInstruction(opcode);
            super.visitIntInsn(opcode, operand);
            sites.index++;
        }

        @Override
        public void visitVarInsn(int opcode, int varIndex) {
            kind.beforeInstruction(opcode);
            super.visitVarInsn(opcode, varIndex);
            sites.index++;
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
            kind.beforeInstruction(opcode);
            super.visitTypeInsn(opcode, type);
            sites.index++;
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
            kind.beforeInstruction(opcode);
            super.visitFieldInsn(opcode, owner, name, descriptor);
            sites.index++;
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            kind.beforeInstruction(opcode);
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            sites.index++;
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
            kind.beforeInstruction(Opcodes.INVOKEDYNAMIC);
            super.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
            sites.index++;
        }

        @Override
        public void visitJumpInsn(int opcode, Label label) {
            kind.beforeInstruction(opcode);
            super.visitJumpInsn(opcode, label);
            sites.index++;
        }

        @Override
        public void visitLdcInsn(Object value) {
            kind.beforeInstruction(Opcodes.LDC);
            super.visitLdcInsn(value);
            sites.index++;
        }

        @Override
        public void visitIincInsn(int varIndex, int increment) {
            kind.beforeInstruction(Opcodes.IINC);
            super.visitIincInsn(varIndex, increment);
            sites.index++;
        }

        @Override
        public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
            kind.beforeInstruction(Opcodes.TABLESWITCH);
            super.visitTableSwitchInsn(min, max, dflt, labels);
            sites.index++;
        }

        @Override
        public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
            kind.beforeInstruction(Opcodes.LOOKUPSWITCH);
            super.visitLookupSwitchInsn(dflt, keys, labels);
            sites.index++;
        }

        @Override
        public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
            kind.beforeInstruction(Opcodes.MULTIANEWARRAY);
            super.visitMultiANewArrayInsn(descriptor, numDimensions);
            sites.index++;
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(maxStack, maxLocals);
            sites.exitMethod(maxLocals);
        }
    }
}
