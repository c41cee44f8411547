package testbed.program;

import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Turns a {@link Program} into the class file of a packet filter, so that a generated program
 * goes through exactly the load pipeline (verify, rewrite, bind) a hand-written corpus entry does.
 *
 * <p>The class is {@code public final}, has a public no-argument constructor and implements
 * {@link testbed.kernel.api.PacketFilter}. Its code is what javac would emit for the same program
 * written in Java: registers are {@code long} locals, memory operations are
 * {@code ctx.memory().loadN/storeN/copy(...)} interface calls (the calls the isolation rewrite
 * recognises), helpers are {@code Context} calls, a loop keeps its trip count in a hidden local,
 * {@link Op.Recurse} calls a private static recursive method, and {@link Op.Try} is a real
 * exception handler placed after the code it protects. The class names nothing but the extension
 * API, itself, {@code java.lang.Object} and the exception classes of {@link Op.Thrown}, all of
 * which the standard verifier's allowlist grants (including a {@code catch} of
 * {@code java.lang.Throwable}, which the isolation rewrite makes rethrow a trap).
 *
 * <p>{@link ProgramInterpreter} gives the same program the same meaning; the two are tested
 * against each other.
 *
 * <p>Compilation is one pass of a plain ASM {@code ClassWriter} (a few microseconds for a
 * program of a few dozen operations); it is deterministic and thread-safe.
 */
public final class ProgramCompiler {
    /** The package of compiled programs, and of the corpus's generated entries. */
    public static final String PACKAGE = "testbed.corpus.entries.generated";

    private static final String CONTEXT = "testbed/kernel/api/Context";
    private static final String MEMORY = "testbed/kernel/api/Memory";
    private static final String FILTER = "testbed/kernel/api/PacketFilter";
    private static final String OBJECT = "java/lang/Object";
    private static final String FILTER_DESCRIPTOR = "(L" + CONTEXT + ";JI)I";
    private static final String DEPTH = "depth";
    private static final String DEPTH_DESCRIPTOR = "(J)J";

    // Local slots of filter(Context ctx, long packet, int length): this, ctx, packet (2 slots), length.
    private static final int CTX = 1;
    private static final int PACKET = 2;
    private static final int LENGTH = 4;
    private static final int FIRST_REGISTER = 5;
    private static final int FIRST_COUNTER = FIRST_REGISTER + 2 * Program.REGISTERS;

    private ProgramCompiler() {
    }

    /** Compiles {@code program} as class {@value #PACKAGE}{@code .<program name>}. */
    public static byte[] compile(Program program) {
        return compile(program, PACKAGE + '.' + program.name());
    }

    /**
     * Compiles {@code program} as the class {@code binaryName} (dotted, e.g.
     * {@code testbed.corpus.entries.generated.WildStore_1a2b}).
     */
    public static byte[] compile(Program program, String binaryName) {
        String self = binaryName.replace('.', '/');
        // Frames are computed, but no two reference types ever meet at a join point (the only
        // reference locals are this and ctx), so merging never needs to load a class.
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String type1, String type2) {
                return OBJECT;
            }
        };
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, self, null, OBJECT,
                new String[] {FILTER});
        cw.visitSource(program.name() + ".program", null);
        constructor(cw);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "filter", FILTER_DESCRIPTOR, null, null);
        mv.visitCode();
        new Body(mv, self).filter(program.body());
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        if (recurses(program.body())) {
            depth(cw, self);
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

    /** {@code private static long depth(long n) { return n <= 0 ? 0 : depth(n - 1) + 1; }} */
    private static void depth(ClassWriter cw, String self) {
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC, DEPTH, DEPTH_DESCRIPTOR, null, null);
        mv.visitCode();
        Label deeper = new Label();
        mv.visitVarInsn(Opcodes.LLOAD, 0);
        mv.visitInsn(Opcodes.LCONST_0);
        mv.visitInsn(Opcodes.LCMP);
        mv.visitJumpInsn(Opcodes.IFGT, deeper);
        mv.visitInsn(Opcodes.LCONST_0);
        mv.visitInsn(Opcodes.LRETURN);
        mv.visitLabel(deeper);
        mv.visitVarInsn(Opcodes.LLOAD, 0);
        mv.visitInsn(Opcodes.LCONST_1);
        mv.visitInsn(Opcodes.LSUB);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, self, DEPTH, DEPTH_DESCRIPTOR, false);
        mv.visitInsn(Opcodes.LCONST_1);
        mv.visitInsn(Opcodes.LADD);
        mv.visitInsn(Opcodes.LRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private static boolean recurses(List<Op> ops) {
        for (Op op : ops) {
            if (op instanceof Op.Recurse
                    || op instanceof Op.Loop l && recurses(l.body())
                    || op instanceof Op.If i && recurses(i.then())
                    || op instanceof Op.Try t && (recurses(t.body()) || recurses(t.handler()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code ops} compile to no instruction at all: only a {@link Op.Try} around nothing
     * does, and an exception handler must protect at least one instruction.
     */
    private static boolean emitsNothing(List<Op> ops) {
        for (Op op : ops) {
            if (!(op instanceof Op.Try t && emitsNothing(t.body()))) {
                return false;
            }
        }
        return true;
    }

    /** Internal name of the exception class a handler for {@code kind} catches. */
    static String caughtClass(Op.Thrown kind) {
        return switch (kind) {
            case ARITHMETIC -> "java/lang/ArithmeticException";
            case ILLEGAL_STATE -> "java/lang/IllegalStateException";
            case RUNTIME -> "java/lang/RuntimeException";
            case THROWABLE -> "java/lang/Throwable";
        };
    }

    /** Internal name of the exception class {@link Op.Throw} of {@code kind} throws. */
    static String thrownClass(Op.Thrown kind) {
        return kind == Op.Thrown.THROWABLE ? "java/lang/RuntimeException" : caughtClass(kind);
    }

    /** The code of {@code filter}: one instance per method, tracking how deep loops nest. */
    private static final class Body {
        private final MethodVisitor mv;
        private final String self;
        private int loopDepth;
        /** Start, end and handler labels of each {@link Op.Try} that emits code, in the order the code is emitted. */
        private final List<Label[]> tries = new ArrayList<>();
        private int nextTry;

        Body(MethodVisitor mv, String self) {
            this.mv = mv;
            this.self = self;
        }

        void filter(List<Op> ops) {
            handlers(ops);
            mv.visitVarInsn(Opcodes.LLOAD, PACKET);
            mv.visitVarInsn(Opcodes.LSTORE, register(0));
            mv.visitVarInsn(Opcodes.ILOAD, LENGTH);
            mv.visitInsn(Opcodes.I2L);
            mv.visitVarInsn(Opcodes.LSTORE, register(1));
            for (int r = 2; r < Program.REGISTERS; r++) {
                mv.visitInsn(Opcodes.LCONST_0);
                mv.visitVarInsn(Opcodes.LSTORE, register(r));
            }
            block(ops);
            mv.visitVarInsn(Opcodes.LLOAD, register(0));
            mv.visitInsn(Opcodes.L2I);
            mv.visitInsn(Opcodes.IRETURN);
        }

        /**
         * Declares the exception handlers. The JVM takes the first entry of the exception table
         * that covers the throwing instruction, so a nested handler must be declared before the
         * handlers around it; ASM wants them all declared before their labels are placed.
         */
        private void handlers(List<Op> ops) {
            for (Op op : ops) {
                if (op instanceof Op.Loop l) {
                    handlers(l.body());
                } else if (op instanceof Op.If i) {
                    handlers(i.then());
                } else if (op instanceof Op.Try t && !emitsNothing(t.body())) {
                    Label[] labels = {new Label(), new Label(), new Label()};
                    tries.add(labels);
                    handlers(t.body());
                    mv.visitTryCatchBlock(labels[0], labels[1], labels[2], caughtClass(t.caught()));
                    handlers(t.handler());
                }
            }
        }

        private void block(List<Op> ops) {
            for (Op op : ops) {
                op(op);
            }
        }

        private void op(Op op) {
            if (op instanceof Op.Const c) {
                constant(c.value());
                store(c.dst());
            } else if (op instanceof Op.Segment s) {
                mv.visitVarInsn(Opcodes.ALOAD, CTX);
                mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, CONTEXT,
                        s.field() == Op.Segment.Field.BASE ? "segmentBase" : "segmentSize", "()J", true);
                store(s.dst());
            } else if (op instanceof Op.Arith a) {
                arith(a);
            } else if (op instanceof Op.Load l) {
                load(l);
            } else if (op instanceof Op.Store s) {
                store(s);
            } else if (op instanceof Op.Copy c) {
                memory();
                load(c.destination());
                load(c.source());
                load(c.length());
                mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, MEMORY, "copy", "(JJJ)V", true);
            } else if (op instanceof Op.Loop l) {
                loop(l);
            } else if (op instanceof Op.If i) {
                conditional(i);
            } else if (op instanceof Op.Recurse r) {
                load(r.depth());
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, self, DEPTH, DEPTH_DESCRIPTOR, false);
                store(r.dst());
            } else if (op instanceof Op.Call c) {
                call(c);
            } else if (op instanceof Op.Throw t) {
                String type = thrownClass(t.kind());
                mv.visitTypeInsn(Opcodes.NEW, type);
                mv.visitInsn(Opcodes.DUP);
                mv.visitMethodInsn(Opcodes.INVOKESPECIAL, type, "<init>", "()V", false);
                mv.visitInsn(Opcodes.ATHROW);
            } else if (op instanceof Op.Try t) {
                attempt(t);
            } else {
                throw new IllegalArgumentException("unknown operation " + op);
            }
        }

        private void arith(Op.Arith a) {
            load(a.a());
            load(a.b());
            int opcode = switch (a.kind()) {
                case ADD -> Opcodes.LADD;
                case SUB -> Opcodes.LSUB;
                case MUL -> Opcodes.LMUL;
                case DIV -> Opcodes.LDIV;
                case REM -> Opcodes.LREM;
                case AND -> Opcodes.LAND;
                case OR -> Opcodes.LOR;
                case XOR -> Opcodes.LXOR;
                case SHL -> Opcodes.LSHL;
                case SHR -> Opcodes.LSHR;
                case USHR -> Opcodes.LUSHR;
            };
            if (opcode == Opcodes.LSHL || opcode == Opcodes.LSHR || opcode == Opcodes.LUSHR) {
                mv.visitInsn(Opcodes.L2I); // the JVM's shift distance is an int, masked to 6 bits
            }
            mv.visitInsn(opcode);
            store(a.dst());
        }

        private void load(Op.Load l) {
            memory();
            load(l.address());
            switch (l.width()) {
                case W8 -> mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, MEMORY, "load8", "(J)B", true);
                case W16 -> mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, MEMORY, "load16", "(J)S", true);
                case W32 -> mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, MEMORY, "load32", "(J)I", true);
                case W64 -> mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, MEMORY, "load64", "(J)J", true);
            }
            if (l.width() != Op.Width.W64) {
                mv.visitInsn(Opcodes.I2L);
            }
            store(l.dst());
        }

        private void store(Op.Store s) {
            memory();
            load(s.address());
            load(s.value());
            switch (s.width()) {
                case W8 -> {
                    mv.visitInsn(Opcodes.L2I);
                    mv.visitInsn(Opcodes.I2B);
                    mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, MEMORY, "store8", "(JB)V", true);
                }
                case W16 -> {
                    mv.visitInsn(Opcodes.L2I);
                    mv.visitInsn(Opcodes.I2S);
                    mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, MEMORY, "store16", "(JS)V", true);
                }
                case W32 -> {
                    mv.visitInsn(Opcodes.L2I);
                    mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, MEMORY, "store32", "(JI)V", true);
                }
                case W64 -> mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, MEMORY, "store64", "(JJ)V", true);
            }
        }

        private void call(Op.Call c) {
            Op.Helper h = c.helper();
            mv.visitVarInsn(Opcodes.ALOAD, CTX);
            String descriptor = helperDescriptor(h);
            // Parameters in the descriptor are J or I, one character each, from index 1.
            for (int i = 0; i < c.args().size(); i++) {
                load(c.args().get(i));
                if (descriptor.charAt(1 + i) == 'I') {
                    mv.visitInsn(Opcodes.L2I);
                }
            }
            mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, CONTEXT, helperMethod(h), descriptor, true);
            if (descriptor.endsWith("I")) {
                mv.visitInsn(Opcodes.I2L);
            }
            store(c.dst());
        }

        private void loop(Op.Loop l) {
            Label top = new Label();
            if (l.tripsRegister() < 0 && l.trips() == Op.Loop.UNBOUNDED) {
                mv.visitLabel(top);
                loopBody(l.body());
                mv.visitJumpInsn(Opcodes.GOTO, top);
                return;
            }
            int counter = FIRST_COUNTER + 2 * loopDepth;
            if (l.tripsRegister() >= 0) {
                load(l.tripsRegister());
            } else {
                constant(l.trips());
            }
            mv.visitVarInsn(Opcodes.LSTORE, counter);
            Label done = new Label();
            mv.visitLabel(top);
            mv.visitVarInsn(Opcodes.LLOAD, counter);
            mv.visitInsn(Opcodes.LCONST_0);
            mv.visitInsn(Opcodes.LCMP);
            mv.visitJumpInsn(Opcodes.IFLE, done);
            mv.visitVarInsn(Opcodes.LLOAD, counter);
            mv.visitInsn(Opcodes.LCONST_1);
            mv.visitInsn(Opcodes.LSUB);
            mv.visitVarInsn(Opcodes.LSTORE, counter);
            loopBody(l.body());
            mv.visitJumpInsn(Opcodes.GOTO, top);
            mv.visitLabel(done);
        }

        private void loopBody(List<Op> body) {
            loopDepth++;
            block(body);
            loopDepth--;
        }

        private void conditional(Op.If i) {
            Label skip = new Label();
            load(i.a());
            load(i.b());
            mv.visitInsn(Opcodes.LCMP);
            int unless = switch (i.cmp()) {
                case EQ -> Opcodes.IFNE;
                case NE -> Opcodes.IFEQ;
                case LT -> Opcodes.IFGE;
                case GE -> Opcodes.IFLT;
            };
            mv.visitJumpInsn(unless, skip);
            block(i.then());
            mv.visitLabel(skip);
        }

        private void attempt(Op.Try t) {
            if (emitsNothing(t.body())) {
                return; // nothing to protect, so nothing can be caught
            }
            // Taken in the order handlers() made them: both walk the program the same way.
            Label[] labels = tries.get(nextTry++);
            Label start = labels[0];
            Label end = labels[1];
            Label handler = labels[2];
            Label after = new Label();
            // The handler follows the code it protects: the verifier refuses a handler its own range can reach again.
            mv.visitLabel(start);
            block(t.body());
            mv.visitLabel(end);
            mv.visitJumpInsn(Opcodes.GOTO, after);
            mv.visitLabel(handler);
            mv.visitInsn(Opcodes.POP);
            block(t.handler());
            mv.visitLabel(after);
        }

        private void memory() {
            mv.visitVarInsn(Opcodes.ALOAD, CTX);
            mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, CONTEXT, "memory", "()L" + MEMORY + ";", true);
        }

        private void constant(long value) {
            if (value == 0) {
                mv.visitInsn(Opcodes.LCONST_0);
            } else if (value == 1) {
                mv.visitInsn(Opcodes.LCONST_1);
            } else {
                mv.visitLdcInsn(value);
            }
        }

        private void load(int r) {
            mv.visitVarInsn(Opcodes.LLOAD, register(r));
        }

        private void store(int r) {
            mv.visitVarInsn(Opcodes.LSTORE, register(r));
        }

        private static int register(int r) {
            return FIRST_REGISTER + 2 * r;
        }
    }

    /** The name of the {@code Context} method a helper calls. */
    static String helperMethod(Op.Helper h) {
        return switch (h) {
            case ALLOC -> "alloc";
            case FREE -> "free";
            case SEND_PACKET -> "sendPacket";
            case LOG -> "log";
            case LOCK -> "lock";
            case UNLOCK -> "unlock";
            case TIME -> "time";
            case BIND_FRAME -> "bindFrame";
            case RELEASE_FRAME -> "releaseFrame";
        };
    }

    /** The descriptor of the {@code Context} method a helper calls. */
    static String helperDescriptor(Op.Helper h) {
        return switch (h) {
            case ALLOC -> "(J)J";
            case FREE -> "(J)I";
            case SEND_PACKET, LOG -> "(JI)I";
            case LOCK, UNLOCK, RELEASE_FRAME -> "(I)I";
            case TIME -> "()J";
            case BIND_FRAME -> "()I";
        };
    }
}
