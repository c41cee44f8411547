package testbed.faults.mutation;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import testbed.corpus.Corpus;
import testbed.corpus.CorpusEntry;
import testbed.corpus.Family;
import testbed.faults.Faults;

/** The corpus, the bytecode fault kinds, and what the tests need to look at and load mutants. */
final class Mutants {
    static final List<CorpusEntry> CORPUS = Corpus.bundled().entries();
    static final List<BytecodeFault> KINDS = Faults.all().stream()
            .filter(BytecodeFault.class::isInstance)
            .map(BytecodeFault.class::cast)
            .collect(Collectors.toList());

    private Mutants() {
    }

    static List<CorpusEntry> benign() {
        return CORPUS.stream().filter(e -> e.family() == Family.BENIGN).collect(Collectors.toList());
    }

    static CorpusEntry entry(String name) {
        return CORPUS.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }

    static BytecodeFault kind(String name) {
        return (BytecodeFault) Faults.byName(name);
    }

    /**
     * Defines the class in a throwaway loader and links it, which makes the JVM verify every
     * method, without initialising it (no code of the class runs). The parent loader sees the
     * extension API.
     *
     * @throws VerifyError or another {@link LinkageError} if the JVM refuses the class
     */
    static Class<?> link(String className, byte[] bytes) {
        Class<?> c = new Throwaway().define(className, bytes);
        c.getDeclaredMethods(); // links, and so verifies, the class
        return c;
    }

    /** Instruction texts per method ({@code name + descriptor}), in class-file order. */
    static Map<String, List<String>> instructions(byte[] classBytes) {
        Map<String, List<String>> methods = new LinkedHashMap<>();
        new ClassReader(classBytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                List<String> out = new ArrayList<>();
                methods.put(name + descriptor, out);
                return new Renderer(out);
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return methods;
    }

    /** A class loader that defines one class itself and asks its parent for everything else. */
    static final class Throwaway extends ClassLoader {
        Throwaway() {
            super(Mutants.class.getClassLoader());
        }

        Class<?> define(String name, byte[] bytes) {
            return defineClass(name, bytes, 0, bytes.length);
        }
    }

    /** One line per instruction; labels are numbered in order of first mention. */
    private static final class Renderer extends MethodVisitor {
        private final List<String> out;
        private final Map<Label, Integer> labels = new IdentityHashMap<>();

        Renderer(List<String> out) {
            super(Opcodes.ASM9);
            this.out = out;
        }

        private String label(Label l) {
            return "L" + labels.computeIfAbsent(l, k -> labels.size());
        }

        @Override
        public void visitLabel(Label label) {
            label(label);
        }

        @Override
        public void visitInsn(int opcode) {
            out.add(Mnemonics.of(opcode));
        }

        @Override
        public void visitIntInsn(int opcode, int operand) {
            out.add(Mnemonics.of(opcode) + " " + operand);
        }

        @Override
        public void visitVarInsn(int opcode, int varIndex) {
            out.add(Mnemonics.of(opcode) + " " + varIndex);
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
            out.add(Mnemonics.of(opcode) + " " + type);
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
            out.add(Mnemonics.of(opcode) + " " + owner + "." + name + " " + descriptor);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            out.add(Mnemonics.of(opcode) + " " + owner + "." + name + descriptor);
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
            out.add("INVOKEDYNAMIC " + name + descriptor);
        }

        @Override
        public void visitJumpInsn(int opcode, Label label) {
            out.add(Mnemonics.of(opcode) + " " + label(label));
        }

        @Override
        public void visitLdcInsn(Object value) {
            out.add("LDC " + value + " (" + value.getClass().getSimpleName() + ")");
        }

        @Override
        public void visitIincInsn(int varIndex, int increment) {
            out.add("IINC " + varIndex + " " + increment);
        }

        @Override
        public void visitTableSwitchInsn(int min, int max, Label dflt, Label... targets) {
            out.add("TABLESWITCH " + min + ".." + max);
        }

        @Override
        public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] targets) {
            out.add("LOOKUPSWITCH " + keys.length);
        }

        @Override
        public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
            out.add("MULTIANEWARRAY " + descriptor + " " + numDimensions);
        }
    }
}
