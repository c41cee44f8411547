package testbed.sfi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ConstantDynamic;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.jar.asm.TypePath;
import testbed.sfi.runtime.Guard;
import testbed.sfi.verify.Hoisting;
import testbed.sfi.verify.Proof;

/**
 * Rewrites one method in the same pass that reads it: reads each instruction, checks what it
 * names, and hands the rewrite of each kind to its part: memory accesses to
 * {@link MemoryGuards}, fuel, allocation and depth to {@link Metering}, the work of JDK calls to
 * {@link CallCharges}. This class keeps the method's structure: instruction indexes, locals and
 * frames, and exception handlers.
 *
 * <p>Code that needs a branch target never gets a new stack map frame computed: a conditional
 * back-edge is redirected to a trampoline at the end of the method whose frame is a copy of its
 * target's frame, and an exception handler is redirected to a guard block at the end whose frame
 * is a copy of the handler's frame. An unconditional back-edge needs no trampoline: its fuel check
 * ends in jumps to the original target. The guard blocks lie outside every try range, so a
 * rethrown abort cannot be caught again by the handler it came through, even where a handler's
 * range covers the handler itself.
 *
 * <p>Metered methods get two new locals in the first slots after the arguments (the depth the
 * method was entered at, and its back-edge credit; see {@link Metering}). Every later local moves
 * up two slots (frames included). A method with a counted loop whose guards are hoisted
 * ({@link Hoisting}: {@code SFI_CHECK}, {@code BOUNDS}) gets one more, after those: the flag its
 * loop's entry check sets, which lets the loop's hoisted accesses skip their own checks.
 */
final class MethodRewriter extends MethodVisitor {
    private static final String GUARD = Type.getInternalName(Guard.class);
    private static final String CONTEXT = "testbed/kernel/api/Context";
    private static final String STRING_CONCAT = "java/lang/invoke/StringConcatFactory";

    private final ClassRewriter owner;
    private final MethodCode code;
    private final MemoryGuards guards;
    private final Metering metering;
    private final CallCharges charges;
    private final String descriptor;
    private final boolean staticMethod;
    private final ProtectionMode mode;
    private final boolean metered;
    /**
     * False under PROCESS (the extension's address space confines its accesses, not the rewrite)
     * and under NONE, whose metered rewrite only counts work.
     */
    private final boolean confined;
    private final boolean storesOnly;
    private final boolean staticInitializer;

    /** Labels visited since the last instruction. */
    private final List<Label> labelsHere = new ArrayList<>(2);
    /** The original frame at each label that had one, in original slots. */
    private final Map<Label, Frame> frames = new HashMap<>();
    /** Original handler label to the label of its guard block. */
    private final Map<Label, Label> handlerGuards = new LinkedHashMap<>();
    /** Original handler label to the index of its first instruction. */
    private final Map<Label, Integer> handlerIndexes = new HashMap<>();
    /** Under VERIFIED, this method's part of the checked proof; null when nothing is proven. */
    private final Proof.MethodProof proof;

    private record Frame(Object[] locals, Object[] stack) {
    }

    MethodRewriter(ClassRewriter owner, MethodVisitor next, int access, String name, String descriptor,
            boolean staticInitializer, int instructions) {
        super(Opcodes.ASM9, next);
        this.owner = owner;
        this.descriptor = descriptor;
        this.staticMethod = (access & Opcodes.ACC_STATIC) != 0;
        Rewrite rewrite = owner.rewrite;
        this.mode = rewrite.mode();
        this.metered = rewrite.isMetered();
        this.confined = mode != ProtectionMode.PROCESS && mode != ProtectionMode.NONE;
        this.storesOnly = rewrite.isStoresOnly();
        this.staticInitializer = staticInitializer;
        int slotsWithReceiver = Type.getArgumentsAndReturnSizes(descriptor) >> 2;
        int argumentSlots = staticMethod ? slotsWithReceiver - 1 : slotsWithReceiver;
        List<Hoisting.Loop> loops = owner.hoisted.get(name + descriptor);
        List<Hoisting.Loop> hoisted = loops == null ? List.of() : loops;
        int insideSlot = hoisted.isEmpty() ? -1 : argumentSlots + (metered ? 2 : 0);
        int addedSlots = (metered ? 2 : 0) + (hoisted.isEmpty() ? 0 : 1);
        this.proof = owner.proof == null ? null : owner.proof.method(name + descriptor);
        this.code = new MethodCode(next, owner, name, argumentSlots, addedSlots);
        this.guards = new MemoryGuards(code, rewrite, hoisted, insideSlot);
        this.metering = new Metering(code, instructions, owner.countedLoops.getOrDefault(name + descriptor, List.of()));
        this.charges = new CallCharges(code, rewrite.segment().size());
    }

    // ---- structure ----

    @Override
    public void visitCode() {
        super.visitCode();
        if (metered) {
            metering.enter(staticInitializer);
        }
        if (proof != null) {
            guards.checkEntryRanges(proof, descriptor, staticMethod);
        }
        guards.clearLoopFlag();
    }

    @Override
    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
        if (type != null) {
            checkType(type);
        }
        super.visitTryCatchBlock(start, end, handlerGuards.computeIfAbsent(handler, h -> new Label()), type);
    }

    @Override
    public void visitLabel(Label label) {
        if (metered) {
            metering.beforeLabel(code.index);
        }
        guards.beforeLabel(code.index);
        super.visitLabel(label);
        labelsHere.add(label);
        if (metered) {
            metering.visited(label, code.index);
        }
    }

    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
        if (type != Opcodes.F_NEW) {
            throw new IllegalStateException("frames must be expanded (ClassReader.EXPAND_FRAMES)");
        }
        Frame frame = new Frame(numLocal == 0 ? new Object[0] : Arrays.copyOf(local, numLocal),
                numStack == 0 ? new Object[0] : Arrays.copyOf(stack, numStack));
        for (Label label : labelsHere) {
            frames.put(label, frame);
        }
        emitFrame(frame);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        handlerGuards.forEach(this::emitHandlerGuard);
        for (Metering.BackEdge edge : metering.trampolines()) {
            mv.visitLabel(edge.trampoline());
            emitFrame(frameAt(edge.target(), "back-edge target", edge.location()));
            metering.meterBackEdge(edge.target(), edge.units(), edge.location());
        }
        super.visitMaxs(maxStack, maxLocals); // recomputed: ClassWriter.COMPUTE_MAXS
    }

    @Override
    public void visitLocalVariable(String name, String descriptor, String signature, Label start, Label end,
            int slot) {
        super.visitLocalVariable(name, descriptor, signature, start, end, code.shifted(slot));
    }

    @Override
    public AnnotationVisitor visitLocalVariableAnnotation(int typeRef, TypePath typePath, Label[] start,
            Label[] end, int[] slots, String descriptor, boolean visible) {
        int[] moved = new int[slots.length];
        for (int i = 0; i < slots.length; i++) {
            moved[i] = code.shifted(slots[i]);
        }
        return super.visitLocalVariableAnnotation(typeRef, typePath, start, end, moved, descriptor, visible);
    }

    // ---- instructions ----

    @Override
    public void visitInsn(int opcode) {
        before();
        if ((opcode == Opcodes.MONITORENTER || opcode == Opcodes.MONITOREXIT) && mode != ProtectionMode.NONE) {
            // Under NONE a machine limit may surface so; its crossing asks the meter instead. HotSpot replaces an exception that leaves a frame still holding a monitor with an
            // IllegalMonitorStateException, which the caller could catch: an abort rethrown by a
            // handler guard before the block's own monitorexit would arrive as a plain exception.
            throw new RewriteException(code.here() + ": synchronized blocks are not allowed in extensions"
                    + " (a trap inside one could not unwind as a trap); use a synchronized method or Context.lock");
        }
        if (metered && opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
            metering.returning();
        } else if (metered && opcode == Opcodes.ATHROW) {
            metering.throwing();
        }
        mv.visitInsn(opcode);
        after();
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        before();
        if (metered && opcode == Opcodes.NEWARRAY) {
            metering.newArray(operand);
        }
        mv.visitIntInsn(opcode, operand);
        after();
    }

    @Override
    public void visitVarInsn(int opcode, int slot) {
        before();
        if (code.addedSlots > 0 && slot == code.argumentSlots - 1 && (opcode == Opcodes.LLOAD || opcode == Opcodes.DLOAD
                || opcode == Opcodes.LSTORE || opcode == Opcodes.DSTORE)) {
            throw code.straddle();
        }
        mv.visitVarInsn(opcode, code.shifted(slot));
        after();
    }

    @Override
    public void visitIincInsn(int slot, int increment) {
        before();
        mv.visitIincInsn(code.shifted(slot), increment);
        after();
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
        before();
        checkType(type);
        if (metered && opcode == Opcodes.ANEWARRAY) {
            metering.newReferenceArray();
        }
        mv.visitTypeInsn(opcode, type);
        if (metered && opcode == Opcodes.NEW) {
            metering.allocated(type);
        }
        after();
    }

    @Override
    public void visitFieldInsn(int opcode, String fieldOwner, String name, String descriptor) {
        before();
        checkMember(fieldOwner, name);
        mv.visitFieldInsn(opcode, fieldOwner, name, descriptor);
        after();
    }

    @Override
    public void visitMethodInsn(int opcode, String methodOwner, String name, String descriptor, boolean isInterface) {
        before();
        checkMember(methodOwner, name);
        MemoryAccess access = opcode == Opcodes.INVOKEINTERFACE ? MemoryAccess.of(methodOwner, name, descriptor) : null;
        if (access == MemoryAccess.COPY && chargesJdk()) {
            charges.copying();
        }
        if (access != null && confined && (access.store || !storesOnly)) {
            if (proof != null && proof.factAt(code.index) != null) {
                mv.visitMethodInsn(opcode, methodOwner, name, descriptor, isInterface); // proven inside the segment
            } else {
                guards.confine(access);
            }
        } else if (mode == ProtectionMode.VERIFIED && opcode == Opcodes.INVOKEINTERFACE && methodOwner.equals(CONTEXT)
                && descriptor.equals("()J") && (name.equals("segmentBase") || name.equals("segmentSize"))) {
            guards.segmentConstant(opcode, methodOwner, name, descriptor, isInterface);
        } else if (metered && mode == ProtectionMode.NONE && isExit(opcode, methodOwner, name, descriptor)) {
            metering.powerOff(opcode);
        } else if (chargesJdk() && JdkCalls.isJdk(methodOwner)) {
            charges.jdkCall(opcode, methodOwner, name, descriptor, isInterface);
        } else {
            mv.visitMethodInsn(opcode, methodOwner, name, descriptor, isInterface);
        }
        after();
    }

    /** {@code System.exit(int)}, {@code Runtime.exit(int)}, {@code Runtime.halt(int)}. */
    private static boolean isExit(int opcode, String methodOwner, String name, String descriptor) {
        if (!descriptor.equals("(I)V")) {
            return false;
        }
        return opcode == Opcodes.INVOKESTATIC && methodOwner.equals("java/lang/System") && name.equals("exit")
                || opcode == Opcodes.INVOKEVIRTUAL && methodOwner.equals("java/lang/Runtime") && (name.equals("exit") || name.equals("halt"));
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
        before();
        checkConstant(bootstrap);
        for (Object argument : arguments) {
            checkConstant(argument);
        }
        if (chargesJdk() && bootstrap.getOwner().equals(STRING_CONCAT)) {
            charges.concatenation(name, descriptor, bootstrap, arguments);
        } else {
            mv.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
        }
        after();
    }

    /**
     * Whether calls into the JDK are charged by their work: in every protected mode, where the
     * verifier has limited them to its allowlist; not under {@code NONE}, which counts only the
     * extension's own work.
     */
    private boolean chargesJdk() {
        // Unprotected too: there the fuel is the simulated machine's count of work, and a JDK call's
        // work is as real as the extension's own.
        return metered;
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        before();
        if (metered && metering.isMeteredBackEdge(label)) {
            metering.backEdge(opcode, label);
        } else {
            mv.visitJumpInsn(opcode, label);
        }
        after();
    }

    @Override
    public void visitLdcInsn(Object value) {
        before();
        checkConstant(value);
        mv.visitLdcInsn(value);
        after();
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label fallback, Label... labels) {
        before();
        if (metered) {
            Label[] targets = metering.switchTargets(fallback, labels);
            fallback = targets[0];
            labels = Arrays.copyOfRange(targets, 1, targets.length);
        }
        mv.visitTableSwitchInsn(min, max, fallback, labels);
        after();
    }

    @Override
    public void visitLookupSwitchInsn(Label fallback, int[] keys, Label[] labels) {
        before();
        if (metered) {
            Label[] targets = metering.switchTargets(fallback, labels);
            fallback = targets[0];
            labels = Arrays.copyOfRange(targets, 1, targets.length);
        }
        mv.visitLookupSwitchInsn(fallback, keys, labels);
        after();
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
        before();
        checkType(descriptor);
        if (metered) {
            metering.multiArray(descriptor, dimensions);
        } else {
            mv.visitMultiANewArrayInsn(descriptor, dimensions);
        }
        after();
    }

    private void before() {
        if (!handlerGuards.isEmpty()) {
            for (Label label : labelsHere) {
                if (handlerGuards.containsKey(label)) {
                    handlerIndexes.put(label, code.index);
                }
            }
        }
    }

    private void after() {
        labelsHere.clear();
        code.index++;
    }

    // ---- handlers and frames ----

    /** The guard block of one handler: rethrow an abort at once, else continue in the handler. */
    private void emitHandlerGuard(Label handler, Label guard) {
        String where = code.location(handlerIndexes.getOrDefault(handler, code.index));
        mv.visitLabel(guard);
        emitFrame(frameAt(handler, "exception handler", where));
        mv.visitInsn(Opcodes.DUP);
        if (metered) {
            metering.caught(where, mode == ProtectionMode.NONE);
        } else {
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "caught", "(Ljava/lang/Throwable;)V", false);
        }
        mv.visitJumpInsn(Opcodes.GOTO, handler);
    }

    private Frame frameAt(Label label, String what, String where) {
        Frame frame = frames.get(label);
        if (frame == null) {
            throw new RewriteException(where + ": malformed class file: the " + what + " has no stack map frame");
        }
        return frame;
    }

    /** Emits an original frame, with the added locals (depth, credit, hoisted loops' flag) after the arguments. */
    private void emitFrame(Frame frame) {
        Object[] locals = code.addedSlots > 0 ? withAddedLocals(frame.locals()) : frame.locals();
        mv.visitFrame(Opcodes.F_NEW, locals.length, locals, frame.stack().length, frame.stack());
    }

    private Object[] withAddedLocals(Object[] locals) {
        List<Object> out = new ArrayList<>(locals.length + code.addedSlots);
        int slot = 0;
        int i = 0;
        while (i < locals.length && slot < code.argumentSlots) {
            Object type = locals[i++];
            out.add(type);
            slot += type == Opcodes.LONG || type == Opcodes.DOUBLE ? 2 : 1;
        }
        if (slot > code.argumentSlots) {
            throw code.straddle();
        }
        for (; slot < code.argumentSlots; slot++) {
            out.add(Opcodes.TOP);
        }
        for (int k = 0; k < code.addedSlots; k++) {
            out.add(Opcodes.INTEGER);
        }
        while (i < locals.length) {
            out.add(locals[i++]);
        }
        return out.toArray();
    }

    // ---- checks ----

    private void checkType(String type) {
        if (ClassRewriter.namesRuntime(type)) {
            owner.checkType(type, code.here());
        }
    }

    private void checkMember(String memberOwner, String name) {
        checkType(memberOwner);
        if (memberOwner.equals(owner.className) && name.startsWith(ClassRewriter.RESERVED)) {
            throw new RewriteException(code.here() + ": " + name + " is reserved for the rewrite");
        }
    }

    private void checkConstant(Object constant) {
        if (constant instanceof Type) {
            Type type = (Type) constant;
            if (type.getSort() == Type.OBJECT || type.getSort() == Type.ARRAY) {
                checkType(type.getInternalName());
            }
        } else if (constant instanceof Handle) {
            Handle handle = (Handle) constant;
            // Only a confining rewrite is bypassed by a handle; unconfined, the handle's accesses
            // are as unguarded as the extension's own, and the class must still be metered.
            if (confined && handle.getOwner().equals(MemoryAccess.OWNER)) {
                throw new RewriteException(code.here() + ": a method handle to Memory." + handle.getName()
                        + " would bypass the rewrite");
            }
            checkMember(handle.getOwner(), handle.getName());
        } else if (constant instanceof ConstantDynamic) {
            ConstantDynamic dynamic = (ConstantDynamic) constant;
            checkConstant(dynamic.getBootstrapMethod());
            for (int i = 0; i < dynamic.getBootstrapMethodArgumentCount(); i++) {
                checkConstant(dynamic.getBootstrapMethodArgument(i));
            }
        }
    }
}
