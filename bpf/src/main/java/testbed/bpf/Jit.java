package testbed.bpf;

import static testbed.bpf.Codes.*;

import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Compiles a checked classic BPF program to the class file of a packet filter extension
 * ({@link testbed.kernel.api.PacketFilter}), with the {@link Interpreter}'s semantics.
 *
 * <p>The whole program is one method, {@code filter(Context, long, int)}: A, X and the used
 * scratch cells are {@code int} locals, every BPF instruction starts at a label of its own (and a
 * line-number entry equal to its index plus one, so a trap's location names the BPF instruction),
 * and jumps are JVM branches. Every packet byte is read through {@code ctx.memory().loadN(packet + offset)},
 * the interface calls that the {@code sfi} rewrite confines, so the class goes through
 * {@code Sandbox.load} like any extension and each protection mode confines and meters it. The
 * offsets are checked against the packet's length in the generated code first (BPF's own
 * semantics); the rewrite's confinement is a second wall for when that check is wrong (a JIT bug, a
 * bytecode mutation).
 *
 * <p>Multi-byte loads are big-endian (network order) on top of the little-endian {@code Memory}
 * API: {@code Integer.reverseBytes}. The answer is clamped to the packet's length, as Linux trims a
 * socket buffer to the filter's answer: the kernel takes only answers in {@code [0, length]}. The
 * class names only the extension API, itself and {@code java.lang} members on the sandbox's
 * allowlist ({@code Integer}, {@code Math}).
 */
public final class Jit {
    /** The package of compiled filters. */
    public static final String PACKAGE = "testbed.bpf.filters";

    private static final String CONTEXT = "testbed/kernel/api/Context";
    private static final String MEMORY = "testbed/kernel/api/Memory";
    private static final String FILTER = "testbed/kernel/api/PacketFilter";
    private static final String OBJECT = "java/lang/Object";
    private static final String INTEGER = "java/lang/Integer";
    private static final String OFFSET = "offset";
    private static final String OFFSET_DESCRIPTOR = "(III)I";

    // Locals of filter(Context ctx, long packet, int length).
    private static final int CTX = 1;
    private static final int PACKET = 2;
    private static final int LENGTH = 4;
    private static final int MEM = 5;
    private static final int REG_A = 6;
    private static final int REG_X = 7;
    private static final int TMP = 8;
    private static final int SCRATCH = 9;

    private Jit() {
    }

    /** Compiles {@code program} as class {@value #PACKAGE}{@code .<name>}, the name made a Java identifier. */
    public static byte[] compile(FilterProgram program) {
        return compile(program, PACKAGE + '.' + className(program.name()));
    }

    /** A Java class name for a program name: letters, digits and {@code _}, starting with {@code F_}. */
    public static String className(String programName) {
        StringBuilder s = new StringBuilder("F_");
        for (char c : programName.toCharArray()) {
            s.append(Character.isLetterOrDigit(c) && c < 128 ? c : '_');
        }
        return s.toString();
    }

    /**
     * Compiles {@code program}, which must have passed the {@link Checker}, as class
     * {@code binaryName} (dotted).
     */
    public static byte[] compile(FilterProgram program, String binaryName) {
        String self = binaryName.replace('.', '/');
        // The only reference locals are this, ctx and the memory: no merge ever needs a class loaded.
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String type1, String type2) {
                return OBJECT;
            }
        };
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, self, null, OBJECT,
                new String[] {FILTER});
        cw.visitSource(program.name() + ".bpf", null);
        constructor(cw);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "filter", "(L" + CONTEXT + ";JI)I", null, null);
        mv.visitCode();
        boolean negative = new Body(mv, program, self).emit();
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        if (negative) {
            offsetMethod(cw);
        }
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static void constructor(ClassWriter cw) {
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, OBJECT, "<init>", "()V", false);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /**
     * {@code private static int offset(int offset, int size, int length)}: {@link Interpreter#offset}
     * for a negative offset (the {@code SKF_NET_OFF} and {@code SKF_LL_OFF} areas), in the class
     * itself because an extension may call nothing of the host's.
     */
    private static void offsetMethod(ClassWriter cw) {
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC, OFFSET, OFFSET_DESCRIPTOR, null, null);
        mv.visitCode();
        Label notNet = new Label();
        Label check = new Label();
        Label fail = new Label();
        // locals: 0 offset, 1 size, 2 length, 3 at
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitLdcInsn(SKF_NET_OFF);
        mv.visitJumpInsn(Opcodes.IF_ICMPLT, notNet);
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitLdcInsn(ETHERNET_HEADER - SKF_NET_OFF);
        mv.visitInsn(Opcodes.IADD);
        mv.visitVarInsn(Opcodes.ISTORE, 3);
        mv.visitJumpInsn(Opcodes.GOTO, check);
        mv.visitLabel(notNet);
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitLdcInsn(SKF_LL_OFF);
        mv.visitJumpInsn(Opcodes.IF_ICMPLT, fail);
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitLdcInsn(-SKF_LL_OFF);
        mv.visitInsn(Opcodes.IADD);
        mv.visitVarInsn(Opcodes.ISTORE, 3);
        mv.visitLabel(check);
        // at <= length - size; both sides are small, so no overflow
        mv.visitVarInsn(Opcodes.ILOAD, 3);
        mv.visitVarInsn(Opcodes.ILOAD, 2);
        mv.visitVarInsn(Opcodes.ILOAD, 1);
        mv.visitInsn(Opcodes.ISUB);
        mv.visitJumpInsn(Opcodes.IF_ICMPGT, fail);
        mv.visitVarInsn(Opcodes.ILOAD, 3);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitLabel(fail);
        mv.visitInsn(Opcodes.ICONST_M1);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** The code of {@code filter} for one program. */
    private static final class Body {
        private final MethodVisitor mv;
        private final FilterProgram program;
        private final String self;
        private final Label[] at;
        private final Label fail = new Label();
        private final Label returnLength = new Label();
        private boolean negative;

        Body(MethodVisitor mv, FilterProgram program, String self) {
            this.mv = mv;
            this.program = program;
            this.self = self;
            this.at = new Label[program.length()];
            for (int pc = 0; pc < at.length; pc++) {
                at[pc] = new Label();
            }
        }

        /** Emits the method; returns whether it calls the class's {@code offset} method. */
        boolean emit() {
            mv.visitVarInsn(Opcodes.ALOAD, CTX);
            mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, CONTEXT, "memory", "()L" + MEMORY + ";", true);
            mv.visitVarInsn(Opcodes.ASTORE, MEM);
            for (int local : new int[] {REG_A, REG_X, TMP}) {
                mv.visitInsn(Opcodes.ICONST_0);
                mv.visitVarInsn(Opcodes.ISTORE, local);
            }
            boolean[] used = new boolean[MEMWORDS];
            for (Instruction i : program.instructions()) {
                if (i.code() == ST || i.code() == STX || i.code() == (LD | Codes.MEM) || i.code() == (LDX | Codes.MEM)) {
                    used[i.k()] = true;
                }
            }
            for (int cell = 0; cell < MEMWORDS; cell++) {
                if (used[cell]) {
                    mv.visitInsn(Opcodes.ICONST_0);
                    mv.visitVarInsn(Opcodes.ISTORE, SCRATCH + cell);
                }
            }
            for (int pc = 0; pc < at.length; pc++) {
                mv.visitLabel(at[pc]);
                mv.visitLineNumber(pc + 1, at[pc]);
                instruction(pc, program.at(pc));
            }
            mv.visitLabel(fail);
            mv.visitInsn(Opcodes.ICONST_0);
            mv.visitInsn(Opcodes.IRETURN);
            mv.visitLabel(returnLength);
            mv.visitVarInsn(Opcodes.ILOAD, LENGTH);
            mv.visitInsn(Opcodes.IRETURN);
            return negative;
        }

        private void instruction(int pc, Instruction i) {
            int code = i.code();
            int k = i.k();
            switch (cls(code)) {
                case LD -> load(code, k, REG_A);
                case LDX -> load(code, k, REG_X);
                case ST -> move(REG_A, SCRATCH + k);
                case STX -> move(REG_X, SCRATCH + k);
                case ALU -> alu(code, k);
                case JMP -> jump(pc, i);
                case RET -> ret(code, k);
                case MISC -> {
                    if ((code & 0xf8) == TXA) {
                        move(REG_X, REG_A);
                    } else {
                        move(REG_A, REG_X);
                    }
                }
                default -> throw new IllegalArgumentException("unchecked program: " + i);
            }
        }

        private void move(int from, int to) {
            mv.visitVarInsn(Opcodes.ILOAD, from);
            mv.visitVarInsn(Opcodes.ISTORE, to);
        }

        private void constant(int k) {
            if (k >= -1 && k <= 5) {
                mv.visitInsn(Opcodes.ICONST_0 + k);
            } else if (k >= Byte.MIN_VALUE && k <= Byte.MAX_VALUE) {
                mv.visitIntInsn(Opcodes.BIPUSH, k);
            } else if (k >= Short.MIN_VALUE && k <= Short.MAX_VALUE) {
                mv.visitIntInsn(Opcodes.SIPUSH, k);
            } else {
                mv.visitLdcInsn(k);
            }
        }

        private void load(int code, int k, int register) {
            switch (mode(code)) {
                case IMM -> {
                    constant(k);
                    mv.visitVarInsn(Opcodes.ISTORE, register);
                }
                case Codes.MEM -> move(SCRATCH + k, register);
                case Codes.LEN -> move(LENGTH, register);
                case ABS -> absolute(code, k);
                case IND -> {
                    indirect(k, bytes(size(code)));
                    packetLoad(bytes(size(code)));
                    mv.visitVarInsn(Opcodes.ISTORE, REG_A);
                }
                case MSH -> {
                    constantOffset(k, 1);
                    packetLoad(1);
                    constant(0xf);
                    mv.visitInsn(Opcodes.IAND);
                    constant(2);
                    mv.visitInsn(Opcodes.ISHL);
                    mv.visitVarInsn(Opcodes.ISTORE, REG_X);
                }
                default -> throw new IllegalArgumentException("unchecked opcode 0x" + Integer.toHexString(code));
            }
        }

        private void absolute(int code, int k) {
            if (k == SKF_AD_OFF + AD_ALU_XOR_X) {
                mv.visitVarInsn(Opcodes.ILOAD, REG_A);
                mv.visitVarInsn(Opcodes.ILOAD, REG_X);
                mv.visitInsn(Opcodes.IXOR);
                mv.visitVarInsn(Opcodes.ISTORE, REG_A);
                return;
            }
            if (k == SKF_AD_OFF + AD_PROTOCOL) {
                // A short frame has no EtherType: 0, and the program goes on.
                Label shortFrame = new Label();
                Label done = new Label();
                mv.visitVarInsn(Opcodes.ILOAD, LENGTH);
                constant(ETHERNET_HEADER);
                mv.visitJumpInsn(Opcodes.IF_ICMPLT, shortFrame);
                constant(12);
                mv.visitVarInsn(Opcodes.ISTORE, TMP);
                packetLoad(2);
                mv.visitJumpInsn(Opcodes.GOTO, done);
                mv.visitLabel(shortFrame);
                mv.visitInsn(Opcodes.ICONST_0);
                mv.visitLabel(done);
                mv.visitVarInsn(Opcodes.ISTORE, REG_A);
                return;
            }
            int size = bytes(size(code));
            constantOffset(k, size);
            packetLoad(size);
            mv.visitVarInsn(Opcodes.ISTORE, REG_A);
        }

        /**
         * Puts the start of a load at constant BPF offset {@code k} into TMP, or jumps to the
         * failure exit if the load does not lie in the packet. The offset is resolved here, at
         * compile time; only the comparison with the length is left to run time.
         */
        private void constantOffset(int k, int size) {
            long at = Interpreter.start(k);
            if (at < 0) {
                mv.visitJumpInsn(Opcodes.GOTO, fail);
                return;
            }
            // at > length - size: out of the packet (length - size >= -4, at < 2^31: no overflow)
            constant((int) at);
            mv.visitVarInsn(Opcodes.ILOAD, LENGTH);
            constant(size);
            mv.visitInsn(Opcodes.ISUB);
            mv.visitJumpInsn(Opcodes.IF_ICMPGT, fail);
            constant((int) at);
            mv.visitVarInsn(Opcodes.ISTORE, TMP);
        }

        /** TMP = X + k (32-bit); a negative sum goes through the class's {@code offset} method. */
        private void indirect(int k, int size) {
            Label positive = new Label();
            Label inside = new Label();
            mv.visitVarInsn(Opcodes.ILOAD, REG_X);
            constant(k);
            mv.visitInsn(Opcodes.IADD);
            mv.visitInsn(Opcodes.DUP);
            mv.visitVarInsn(Opcodes.ISTORE, TMP);
            mv.visitJumpInsn(Opcodes.IFGE, positive);
            negative = true;
            mv.visitVarInsn(Opcodes.ILOAD, TMP);
            constant(size);
            mv.visitVarInsn(Opcodes.ILOAD, LENGTH);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, self, OFFSET, OFFSET_DESCRIPTOR, false);
            mv.visitInsn(Opcodes.DUP);
            mv.visitVarInsn(Opcodes.ISTORE, TMP);
            mv.visitJumpInsn(Opcodes.IFLT, fail);
            mv.visitJumpInsn(Opcodes.GOTO, inside);
            mv.visitLabel(positive);
            mv.visitVarInsn(Opcodes.ILOAD, TMP);
            mv.visitVarInsn(Opcodes.ILOAD, LENGTH);
            constant(size);
            mv.visitInsn(Opcodes.ISUB);
            mv.visitJumpInsn(Opcodes.IF_ICMPGT, fail);
            mv.visitLabel(inside);
        }

        /** Pushes the big-endian value of {@code size} bytes at {@code packet + TMP}. */
        private void packetLoad(int size) {
            mv.visitVarInsn(Opcodes.ALOAD, MEM);
            mv.visitVarInsn(Opcodes.LLOAD, PACKET);
            mv.visitVarInsn(Opcodes.ILOAD, TMP);
            mv.visitInsn(Opcodes.I2L);
            mv.visitInsn(Opcodes.LADD);
            switch (size) {
                case 4 -> {
                    mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, MEMORY, "load32", "(J)I", true);
                    mv.visitMethodInsn(Opcodes.INVOKESTATIC, INTEGER, "reverseBytes", "(I)I", false);
                }
                case 2 -> {
                    mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, MEMORY, "load16", "(J)S", true);
                    mv.visitMethodInsn(Opcodes.INVOKESTATIC, INTEGER, "reverseBytes", "(I)I", false);
                    constant(16);
                    mv.visitInsn(Opcodes.IUSHR);
                }
                default -> {
                    mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, MEMORY, "load8", "(J)B", true);
                    constant(0xff);
                    mv.visitInsn(Opcodes.IAND);
                }
            }
        }

        private void alu(int code, int k) {
            int op = op(code);
            if (op == NEG) {
                mv.visitVarInsn(Opcodes.ILOAD, REG_A);
                mv.visitInsn(Opcodes.INEG);
                mv.visitVarInsn(Opcodes.ISTORE, REG_A);
                return;
            }
            boolean byX = src(code) == X;
            if (byX && (op == DIV || op == MOD)) {
                mv.visitVarInsn(Opcodes.ILOAD, REG_X);
                mv.visitJumpInsn(Opcodes.IFEQ, fail);
            }
            mv.visitVarInsn(Opcodes.ILOAD, REG_A);
            if (byX) {
                mv.visitVarInsn(Opcodes.ILOAD, REG_X);
            } else {
                constant(k);
            }
            switch (op) {
                case ADD -> mv.visitInsn(Opcodes.IADD);
                case SUB -> mv.visitInsn(Opcodes.ISUB);
                case MUL -> mv.visitInsn(Opcodes.IMUL);
                case DIV -> mv.visitMethodInsn(Opcodes.INVOKESTATIC, INTEGER, "divideUnsigned", "(II)I", false);
                case MOD -> mv.visitMethodInsn(Opcodes.INVOKESTATIC, INTEGER, "remainderUnsigned", "(II)I", false);
                case AND -> mv.visitInsn(Opcodes.IAND);
                case OR -> mv.visitInsn(Opcodes.IOR);
                case XOR -> mv.visitInsn(Opcodes.IXOR);
                // The JVM masks shift counts with 31, as Linux does for shifts by X.
                case LSH -> mv.visitInsn(Opcodes.ISHL);
                case RSH -> mv.visitInsn(Opcodes.IUSHR);
                default -> throw new IllegalArgumentException("unchecked opcode 0x" + Integer.toHexString(code));
            }
            mv.visitVarInsn(Opcodes.ISTORE, REG_A);
        }

        private void jump(int pc, Instruction i) {
            int op = op(i.code());
            if (op == JA) {
                mv.visitJumpInsn(Opcodes.GOTO, at[pc + 1 + i.k()]);
                return;
            }
            Label taken = at[pc + 1 + i.jt()];
            Label notTaken = at[pc + 1 + i.jf()];
            boolean byX = src(i.code()) == X;
            int branch;
            switch (op) {
                case JEQ -> {
                    mv.visitVarInsn(Opcodes.ILOAD, REG_A);
                    operand(byX, i.k(), 0);
                    branch = Opcodes.IF_ICMPEQ;
                }
                case JGT, JGE -> {
                    // unsigned comparison: flip the sign bits, compare signed
                    mv.visitVarInsn(Opcodes.ILOAD, REG_A);
                    constant(Integer.MIN_VALUE);
                    mv.visitInsn(Opcodes.IXOR);
                    operand(byX, i.k(), Integer.MIN_VALUE);
                    branch = op == JGT ? Opcodes.IF_ICMPGT : Opcodes.IF_ICMPGE;
                }
                case JSET -> {
                    mv.visitVarInsn(Opcodes.ILOAD, REG_A);
                    operand(byX, i.k(), 0);
                    mv.visitInsn(Opcodes.IAND);
                    branch = Opcodes.IFNE;
                }
                default -> throw new IllegalArgumentException("unchecked opcode 0x" + Integer.toHexString(i.code()));
            }
            if (taken == notTaken) {
                mv.visitInsn(branch == Opcodes.IFNE ? Opcodes.POP : Opcodes.POP2);
                mv.visitJumpInsn(Opcodes.GOTO, taken);
                return;
            }
            mv.visitJumpInsn(branch, taken);
            if (i.jf() != 0) {
                mv.visitJumpInsn(Opcodes.GOTO, notTaken);
            }
        }

        /** Pushes X or the constant k, each XORed with {@code flip}. */
        private void operand(boolean byX, int k, int flip) {
            if (byX) {
                mv.visitVarInsn(Opcodes.ILOAD, REG_X);
                if (flip != 0) {
                    constant(flip);
                    mv.visitInsn(Opcodes.IXOR);
                }
            } else {
                constant(k ^ flip);
            }
        }

        /** Returns min(answer, length), unsigned, as Linux trims the buffer to the answer. */
        private void ret(int code, int k) {
            if (rval(code) == A) {
                mv.visitVarInsn(Opcodes.ILOAD, REG_A);
                constant(Integer.MIN_VALUE);
                mv.visitInsn(Opcodes.IXOR);
                mv.visitVarInsn(Opcodes.ILOAD, LENGTH);
                constant(Integer.MIN_VALUE);
                mv.visitInsn(Opcodes.IXOR);
                mv.visitJumpInsn(Opcodes.IF_ICMPGT, returnLength);
                mv.visitVarInsn(Opcodes.ILOAD, REG_A);
                mv.visitInsn(Opcodes.IRETURN);
            } else if (k == 0) {
                mv.visitInsn(Opcodes.ICONST_0);
                mv.visitInsn(Opcodes.IRETURN);
            } else if (k < 0) {
                mv.visitJumpInsn(Opcodes.GOTO, returnLength);
            } else {
                constant(k);
                mv.visitVarInsn(Opcodes.ILOAD, LENGTH);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Math", "min", "(II)I", false);
                mv.visitInsn(Opcodes.IRETURN);
            }
        }
    }
}
