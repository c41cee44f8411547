package testbed.sfi;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassTooLargeException;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodTooLargeException;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import testbed.kernel.Segment;
import testbed.sfi.runtime.Meter;
import testbed.sfi.verify.Analysis;
import testbed.sfi.verify.Hoisting;
import testbed.sfi.verify.Loops;
import testbed.sfi.verify.Proof;
import testbed.sfi.verify.ProofChecker;
import testbed.sfi.verify.ProofRefused;
import testbed.sfi.verify.StrictRule;

/**
 * One pass over an extension class: confines its memory accesses, meters it, guards its handlers.
 * Per method the work is done by {@link MethodRewriter}; this visitor checks the class as a whole,
 * adds the meter field and the static-initializer prologue that fills it, and emits the helper
 * methods that metered {@code multianewarray} instructions and charged JDK calls call.
 *
 * <p>Reading uses {@link ClassReader#EXPAND_FRAMES} and writing {@link ClassWriter#COMPUTE_MAXS}:
 * the rewrite keeps every original stack map frame and only adds blocks at the end of a method
 * whose frame is a copy of an original one, so no frame is ever recomputed and no class is loaded.
 */
final class ClassRewriter extends ClassVisitor {
    /** Prefix of every member the rewrite adds; no Java compiler can produce it ('-'). */
    static final String RESERVED = "sfi-";
    static final String METER_FIELD = RESERVED + "meter";
    static final String RUNTIME_PACKAGE = "testbed/sfi/runtime/";
    static final String METER = Type.getInternalName(Meter.class);
    static final String METER_DESCRIPTOR = Type.getDescriptor(Meter.class);

    final Rewrite rewrite;
    /** Under VERIFIED, the checked proof whose facts let accesses go unguarded; else null. */
    final Proof proof;
    /** Under SFI_CHECK and BOUNDS, the counted loops whose guards are checked once at entry, by method; else empty. */
    final Map<String, List<Hoisting.Loop>> hoisted;
    /** In metered protected modes, the loops of counted shape whose fuel is charged once at entry, by method; else empty. */
    final Map<String, List<Proof.CountedLoop>> countedLoops;
    String className;
    /** Dotted binary name, as trap locations spell it. */
    String dottedName;
    boolean isInterface;
    /** Charged for {@code new} of the extension's own class: header plus its instance fields. */
    int instanceBytes = Meter.OBJECT_HEADER_BYTES;
    private boolean hasStaticInitializer;
    /** multianewarray descriptor and dimensions to the name of the helper method that charges it. */
    private final Map<String, String> arrayAllocators = new LinkedHashMap<>();
    /** Charged JDK calls and string concatenations, by what they call, to the helper that charges and makes them. */
    private final Map<ChargedCall, String> chargedCalls = new LinkedHashMap<>();
    /** Each method's original instructions, by name and descriptor: what its entry is charged for. */
    private final Map<String, Integer> instructions = new HashMap<>();

    private ClassRewriter(ClassVisitor next, Rewrite rewrite, Proof proof, Map<String, List<Hoisting.Loop>> hoisted,
            Map<String, List<Proof.CountedLoop>> countedLoops) {
        super(Opcodes.ASM9, next);
        this.rewrite = rewrite;
        this.proof = proof;
        this.hoisted = hoisted;
        this.countedLoops = countedLoops;
    }

    /** Rewrites {@code bytes} as {@code rewrite} says; the mode is not {@link ProtectionMode#NONE}. */
    static byte[] rewrite(byte[] bytes, Rewrite rewrite) {
        if (bytes.length < 10 || readInt(bytes) != 0xCAFEBABE) {
            throw new RewriteException("not a class file: " + (bytes.length < 10
                    ? bytes.length + " bytes" : "magic 0x" + Integer.toHexString(readInt(bytes))));
        }
        try {
            ClassReader reader = new ClassReader(bytes);
            Proof proof = rewrite.mode() == ProtectionMode.VERIFIED ? checkedProof(bytes, rewrite.segment()) : null;
            String refusal = rewrite.isStrict() ? StrictRule.refusal(bytes, proof) : null;
            if (refusal != null) {
                throw new RewriteException("strict verification refuses " + refusal);
            }
            ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
            boolean checks = rewrite.mode() == ProtectionMode.SFI_CHECK || rewrite.mode() == ProtectionMode.BOUNDS;
            // NONE keeps a charge per back-edge: there fuel is the machine's count of work, and a
            // loop charged in full at entry would stop before the damage it does on the way.
            boolean chargesLoops = rewrite.isMetered() && rewrite.mode() != ProtectionMode.NONE;
            Loops.OfClass loops = chargesLoops || checks ? Loops.ofClass(bytes, checks) : Loops.OfClass.NONE;
            ClassRewriter rewriter = new ClassRewriter(writer, rewrite, proof, loops.hoisted(),
                    chargesLoops ? loops.counted() : Map.of());
            if (rewrite.isMetered()) {
                reader.accept(rewriter.instructionCounter(), ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
            }
            reader.accept(rewriter, ClassReader.EXPAND_FRAMES);
            return writer.toByteArray();
        } catch (RewriteException e) {
            throw e;
        } catch (ProofRefused e) {
            throw new RewriteException("proof refused by the checker: " + e.getMessage(), e);
        } catch (MethodTooLargeException e) {
            throw new RewriteException(e.getClassName().replace('/', '.') + "." + e.getMethodName()
                    + " is too large after rewriting: " + e.getCodeSize() + " bytes of code, at most 65535", e);
        } catch (ClassTooLargeException e) {
            throw new RewriteException(e.getClassName().replace('/', '.')
                    + " is too large after rewriting: its constant pool overflows", e);
        } catch (RuntimeException e) {
            throw new RewriteException("malformed class file: " + e, e);
        }
    }

    /** The analysis's proof for {@code bytes}, once the separate checker has accepted it. */
    static Proof checkedProof(byte[] bytes, Segment segment) {
        Proof proof = Analysis.prove(bytes, segment);
        ProofChecker.check(bytes, segment, proof);
        return proof;
    }

    private static int readInt(byte[] bytes) {
        return (bytes[0] & 0xFF) << 24 | (bytes[1] & 0xFF) << 16 | (bytes[2] & 0xFF) << 8 | (bytes[3] & 0xFF);
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        className = name;
        dottedName = name.replace('/', '.');
        isInterface = (access & Opcodes.ACC_INTERFACE) != 0;
        int major = version & 0xFFFF;
        if (major < Opcodes.V1_7) {
            throw new RewriteException(dottedName + ": class file version " + major
                    + " is older than Java 7 (51); compile extensions for Java 7 or later");
        }
        checkType(superName, dottedName);
        if (interfaces != null) {
            for (String type : interfaces) {
                checkType(type, dottedName);
            }
        }
        super.visit(version, access, name, signature, superName, interfaces);
    }

    @Override
    public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
        checkName(name);
        if ((access & Opcodes.ACC_STATIC) == 0) {
            instanceBytes += bytesOf(descriptor);
        }
        return super.visitField(access, name, descriptor, signature, value);
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
        checkName(name);
        MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
        if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
            return next;
        }
        boolean staticInitializer = name.equals("<clinit>");
        hasStaticInitializer |= staticInitializer;
        return new MethodRewriter(this, next, access, name, descriptor, staticInitializer,
                instructions.getOrDefault(name + descriptor, 0));
    }

    /** A first, cheap pass that counts each method's instructions (labels, frames and line numbers not counted). */
    private ClassVisitor instructionCounter() {
        return new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                return new InstructionCounter(count -> instructions.put(name + descriptor, count));
            }
        };
    }

    @Override
    public void visitEnd() {
        if (rewrite.isMetered()) {
            int visibility = isInterface ? Opcodes.ACC_PUBLIC : Opcodes.ACC_PRIVATE;
            super.visitField(visibility | Opcodes.ACC_STATIC | Opcodes.ACC_FINAL | Opcodes.ACC_SYNTHETIC,
                    METER_FIELD, METER_DESCRIPTOR, null, null).visitEnd();
            if (!hasStaticInitializer) {
                MethodVisitor clinit = super.visitMethod(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
                clinit.visitCode();
                bindMeter(clinit);
                clinit.visitInsn(Opcodes.RETURN);
                clinit.visitMaxs(0, 0);
                clinit.visitEnd();
            }
            arrayAllocators.forEach((key, name) -> emitArrayAllocator(name, key));
            chargedCalls.forEach((call, name) -> call.emit(super.visitMethod(helperAccess(), name, call.helperDescriptor(),
                    null, null), className));
        }
        super.visitEnd();
    }

    /** The static-initializer prologue: {@code sfi-meter = Meter.boundTo(ThisClass.class)}. */
    void bindMeter(MethodVisitor code) {
        code.visitLdcInsn(Type.getObjectType(className));
        code.visitMethodInsn(Opcodes.INVOKESTATIC, METER, "boundTo", "(Ljava/lang/Class;)" + METER_DESCRIPTOR, false);
        code.visitFieldInsn(Opcodes.PUTSTATIC, className, METER_FIELD, METER_DESCRIPTOR);
    }

    /**
     * The helper that charges and performs one shape of {@code multianewarray}: its counts are on
     * the operand stack, where the charge cannot reach them without locals, so the call site passes
     * them (and its location) as arguments.
     *
     * @return the helper's name and descriptor: {@code name + descriptor}
     */
    String arrayAllocator(String arrayDescriptor, int dimensions) {
        String key = dimensions + arrayDescriptor;
        return arrayAllocators.computeIfAbsent(key, k -> RESERVED + "multianewarray-" + arrayAllocators.size())
                + allocatorDescriptor(arrayDescriptor, dimensions);
    }

    private static String allocatorDescriptor(String arrayDescriptor, int dimensions) {
        return "(" + "I".repeat(dimensions) + "Ljava/lang/String;)" + arrayDescriptor;
    }

    /**
     * The helper that charges one JDK call or string concatenation by its arguments' lengths and
     * then makes it: the arguments are on the operand stack, where the charge cannot measure
     * them without locals, so the call site passes them (and its location) to the helper.
     *
     * @return the helper's name and descriptor: {@code name + descriptor}
     */
    String chargedCall(ChargedCall call) {
        return chargedCalls.computeIfAbsent(call, k -> RESERVED + "jdk-" + chargedCalls.size()) + call.helperDescriptor();
    }

    private int helperAccess() {
        return (isInterface ? Opcodes.ACC_PUBLIC : Opcodes.ACC_PRIVATE) | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC;
    }

    private void emitArrayAllocator(String name, String key) {
        int dimensions = Integer.parseInt(key.substring(0, key.indexOf('[')));
        String arrayDescriptor = key.substring(key.indexOf('['));
        int visibility = isInterface ? Opcodes.ACC_PUBLIC : Opcodes.ACC_PRIVATE;
        MethodVisitor code = super.visitMethod(visibility | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC, name,
                allocatorDescriptor(arrayDescriptor, dimensions), null, null);
        code.visitCode();
        code.visitFieldInsn(Opcodes.GETSTATIC, className, METER_FIELD, METER_DESCRIPTOR);
        pushInt(code, dimensions);
        code.visitIntInsn(Opcodes.NEWARRAY, Opcodes.T_INT);
        for (int i = 0; i < dimensions; i++) {
            code.visitInsn(Opcodes.DUP);
            pushInt(code, i);
            code.visitVarInsn(Opcodes.ILOAD, i);
            code.visitInsn(Opcodes.IASTORE);
        }
        pushInt(code, bytesOf(arrayDescriptor.substring(dimensions)));
        code.visitVarInsn(Opcodes.ALOAD, dimensions);
        code.visitMethodInsn(Opcodes.INVOKEVIRTUAL, METER, "allocateArrays", "([IILjava/lang/String;)V", false);
        for (int i = 0; i < dimensions; i++) {
            code.visitVarInsn(Opcodes.ILOAD, i);
        }
        code.visitMultiANewArrayInsn(arrayDescriptor, dimensions);
        code.visitInsn(Opcodes.ARETURN);
        code.visitMaxs(0, 0);
        code.visitEnd();
    }

    /** Bytes a field or array element of type {@code descriptor} is charged. */
    static int bytesOf(String descriptor) {
        switch (descriptor.charAt(0)) {
            case 'Z':
            case 'B':
                return 1;
            case 'C':
            case 'S':
                return 2;
            case 'I':
            case 'F':
                return 4;
            case 'J':
            case 'D':
                return 8;
            default:
                return Meter.REFERENCE_BYTES;
        }
    }

    static void pushInt(MethodVisitor code, int value) {
        if (value >= -1 && value <= 5) {
            code.visitInsn(Opcodes.ICONST_0 + value);
        } else if (value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE) {
            code.visitIntInsn(Opcodes.BIPUSH, value);
        } else if (value >= Short.MIN_VALUE && value <= Short.MAX_VALUE) {
            code.visitIntInsn(Opcodes.SIPUSH, value);
        } else {
            code.visitLdcInsn(value);
        }
    }

    private void checkName(String name) {
        if (name.startsWith(RESERVED)) {
            throw new RewriteException(dottedName + "." + name + ": names starting with '" + RESERVED
                    + "' are reserved for the rewrite");
        }
    }

    /**
     * Security boundary: extension code must not name the isolation runtime, or it could fetch its
     * own {@link Meter} and refill it. {@code type} is an internal name or an array descriptor.
     */
    void checkType(String type, String where) {
        if (type != null && namesRuntime(type)) {
            throw new RewriteException(where + ": extension code must not use the isolation runtime ("
                    + type.replace('/', '.') + ")");
        }
    }

    /** Whether an internal name or array descriptor names a class of the isolation runtime. */
    static boolean namesRuntime(String type) {
        int start = 0;
        while (start < type.length() && type.charAt(start) == '[') {
            start++;
        }
        if (start > 0) {
            if (start == type.length() || type.charAt(start) != 'L') {
                return false;
            }
            start++;
        }
        return type.startsWith(RUNTIME_PACKAGE, start);
    }
}
