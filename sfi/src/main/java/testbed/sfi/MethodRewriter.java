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
import testbed.sfi.runtime.Meter;
import testbed.sfi.verify.Hoisting;
import testbed.sfi.verify.Proof;

/**
 * Rewrites one method in the same pass that reads it.
 *
 * <p>Memory accesses: masking is inlined (no branch, so no frame); segment matching and bounds
 * checks call {@link Guard}, which returns the address or traps; {@code copy} is replaced by a
 * {@link Guard} method that confines all three arguments. Store values are moved out of the way
 * with stack instructions, so no local is needed.
 *
 * <p>Code that needs a branch target never gets a new stack map frame computed: a conditional
 * back-edge is redirected to a trampoline at the end of the method whose frame is a copy of its
 * target's frame, and an exception handler is redirected to a guard block at the end whose frame
 * is a copy of the handler's frame. An unconditional back-edge needs no trampoline: its fuel check
 * ends in jumps to the original target. The guard blocks lie outside every try range, so a
 * rethrown abort cannot be caught again by the handler it came through, even where a handler's
 * range covers the handler itself.
 *
 * <p>Metered methods get two new locals in the first slots after the arguments: the depth the
 * method was entered at, and its back-edge credit (fuel prepaid in batches by
 * {@link Meter#prepay}, given back by {@link Meter#refund} before the method returns or throws;
 * a call keeps it, so a loop that calls a method still checks fuel in a register). Every later
 * local moves up two slots (frames included). A method with a counted loop whose guards are hoisted
 * ({@link Hoisting}: {@code SFI_CHECK}, {@code BOUNDS}) gets one more, after those: the flag its
 * loop's entry check sets, which lets the loop's hoisted accesses skip their own checks.
 */
final class MethodRewriter extends MethodVisitor {
    private static final String GUARD = Type.getInternalName(Guard.class);
    private static final String METER = ClassRewriter.METER;
    private static final String STRING = "Ljava/lang/String;";
    private static final String MEMORY = "L" + MemoryAccess.OWNER + ";";
    private static final String CONTEXT = "testbed/kernel/api/Context";
    private static final String GUARD_ACCESS = "(JIJJ" + STRING + STRING + ")J";
    private static final String GUARD_ACCESS_UNLESS = "(JIJJ" + STRING + STRING + "Z)J";
    private static final String GUARD_COPY = "(" + MEMORY + "JJJJJZ";
    private static final String STRING_CONCAT = "java/lang/invoke/StringConcatFactory";

    private final ClassRewriter owner;
    private final String methodName;
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
    private final long base;
    private final long size;
    private final boolean staticInitializer;
    /** Slots of the receiver and the arguments; the depth local goes right after them, then the credit local. */
    private final int argumentSlots;
    private final int creditSlot;
    /** Counted loops whose guards are checked once at entry (SFI_CHECK, BOUNDS); empty for none. */
    private final List<Hoisting.Loop> hoisted;
    /** The local that says whether the current hoisted loop's entry check passed, after the meter's locals; -1 for none. */
    private final int insideSlot;
    /** Slots the rewrite adds after the arguments: the meter's two, then the hoisted loops' flag. */
    private final int addedSlots;
    /** The hoisted loop whose body is being rewritten, or null. */
    private Hoisting.Loop hoistedLoop;

    /** Index of the next original instruction (labels, frames and line numbers not counted). */
    private int index;
    /** Labels already visited, with the index of the instruction they precede: a jump to one is a back-edge. Metered methods only. */
    private final Map<Label, Integer> visited = new HashMap<>();
    /** The method's original instructions, counted before the rewrite (see {@link #STRAIGHT_LINE}). */
    private final int instructions;
    /** Labels visited since the last instruction. */
    private final List<Label> labelsHere = new ArrayList<>(2);
    /** The original frame at each label that had one, in original slots. */
    private final Map<Label, Frame> frames = new HashMap<>();
    /** Original handler label to the label of its guard block. */
    private final Map<Label, Label> handlerGuards = new LinkedHashMap<>();
    /** Original handler label to the index of its first instruction. */
    private final Map<Label, Integer> handlerIndexes = new HashMap<>();
    private final List<BackEdge> trampolines = new ArrayList<>();
    /** Under VERIFIED, this method's part of the checked proof; null when nothing is proven. */
    private final Proof.MethodProof proof;
    /** The counted-loop header whose fuel charge was emitted last, so that it is emitted once. */
    private int chargedHeader = -1;

    private record Frame(Object[] locals, Object[] stack) {
    }

    private record BackEdge(Label trampoline, Label target, int units, String location) {
    }

    /**
     * Instructions of straight-line code that cost one more unit of fuel. Between two metered
     * points control only moves forward, so a back-edge from instruction b to t is charged for the
     * b - t instructions it can have run since the last one, and a method entry for the whole
     * method: a long method or loop body costs in proportion to its length, not one unit.
     * Shorter loops (and methods) cost one unit, as before.
     */
    static final int STRAIGHT_LINE = 32;

    MethodRewriter(ClassRewriter owner, MethodVisitor next, int access, String name, String descriptor,
            boolean staticInitializer, int instructions) {
        super(Opcodes.ASM9, next);
        this.owner = owner;
        this.methodName = name;
        this.descriptor = descriptor;
        this.staticMethod = (access & Opcodes.ACC_STATIC) != 0;
        Rewrite rewrite = owner.rewrite;
        this.mode = rewrite.mode();
        this.metered = rewrite.isMetered();
        this.confined = mode != ProtectionMode.PROCESS && mode != ProtectionMode.NONE;
        this.storesOnly = rewrite.isStoresOnly();
        this.base = rewrite.segment().base();
        this.size = rewrite.segment().size();
        this.staticInitializer = staticInitializer;
        int slotsWithReceiver = Type.getArgumentsAndReturnSizes(descriptor) >> 2;
        this.argumentSlots = (access & Opcodes.ACC_STATIC) != 0 ? slotsWithReceiver - 1 : slotsWithReceiver;
        this.creditSlot = argumentSlots + 1;
        List<Hoisting.Loop> loops = owner.hoisted.get(name + descriptor);
        this.hoisted = loops == null ? List.of() : loops;
        this.insideSlot = hoisted.isEmpty() ? -1 : argumentSlots + (metered ? 2 : 0);
        this.addedSlots = (metered ? 2 : 0) + (hoisted.isEmpty() ? 0 : 1);
        this.proof = owner.proof == null ? null : owner.proof.method(name + descriptor);
        this.instructions = instructions;
    }

    // ---- structure ----

    @Override
    public void visitCode() {
        super.visitCode();
        if (metered) {
            if (staticInitializer) {
                owner.bindMeter(mv);
            }
            meter();
            mv.visitLdcInsn(location(0));
            callMeter("enter", "(" + STRING + ")I");
            mv.visitVarInsn(Opcodes.ISTORE, argumentSlots);
            if (instructions >= STRAIGHT_LINE) {
                meter();
                ClassRewriter.pushInt(mv, instructions / STRAIGHT_LINE);
                mv.visitLdcInsn(location(0));
                callMeter("spend", "(I" + STRING + ")V");
            }
            mv.visitInsn(Opcodes.ICONST_0);
            mv.visitVarInsn(Opcodes.ISTORE, creditSlot);
        }
        if (proof != null) {
            checkEntryRanges();
        }
        if (insideSlot >= 0) { // every frame says it is an int, so it must be one from the entry on
            mv.visitInsn(Opcodes.ICONST_0);
            mv.visitVarInsn(Opcodes.ISTORE, insideSlot);
        }
    }

    /** The proof's entry ranges, checked once per call: what lets its accesses go unguarded. */
    private void checkEntryRanges() {
        String where = location(0);
        proof.entry().forEach((slot, range) -> {
            boolean wide = isLongArgument(slot);
            mv.visitVarInsn(wide ? Opcodes.LLOAD : Opcodes.ILOAD, slot);
            if (!wide) {
                mv.visitInsn(Opcodes.I2L);
            }
            pushLong(range.lo());
            pushLong(range.hi());
            ClassRewriter.pushInt(mv, slot);
            mv.visitLdcInsn(where);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "requireArgument", "(JJJI" + STRING + ")V", false);
        });
    }

    private boolean isLongArgument(int slot) {
        int at = staticMethod ? 0 : 1;
        for (Type t : Type.getArgumentTypes(descriptor)) {
            if (at == slot) {
                return t.getSort() == Type.LONG;
            }
            at += t.getSize();
        }
        throw new RewriteException(location(0) + ": the proof checks local " + slot + ", which is no numeric argument");
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
        if (metered && proof != null && chargedHeader != index && proof.loopAt(index) != null) {
            // Before the header's labels: only the entry falls through here, the back-edge jumps past.
            chargedHeader = index;
            chargeCountedLoop(proof.loopAt(index));
        }
        if (!hoisted.isEmpty() && (hoistedLoop == null || hoistedLoop.loop().header() != index)) {
            Hoisting.Loop entered = hoistedAt(index);
            if (entered != null) { // before the header's labels, as above: the back-edge does not run the check again
                hoistedLoop = entered;
                checkLoopRange(entered);
            }
        }
        super.visitLabel(label);
        labelsHere.add(label);
        if (metered) {
            visited.putIfAbsent(label, index);
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
        for (BackEdge edge : trampolines) {
            mv.visitLabel(edge.trampoline());
            emitFrame(frameAt(edge.target(), "back-edge target", edge.location()));
            meterBackEdge(edge.target(), edge.units(), edge.location());
        }
        super.visitMaxs(maxStack, maxLocals); // recomputed: ClassWriter.COMPUTE_MAXS
    }

    @Override
    public void visitLocalVariable(String name, String descriptor, String signature, Label start, Label end,
            int slot) {
        super.visitLocalVariable(name, descriptor, signature, start, end, shifted(slot));
    }

    @Override
    public AnnotationVisitor visitLocalVariableAnnotation(int typeRef, TypePath typePath, Label[] start,
            Label[] end, int[] slots, String descriptor, boolean visible) {
        int[] moved = new int[slots.length];
        for (int i = 0; i < slots.length; i++) {
            moved[i] = shifted(slots[i]);
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
            throw new RewriteException(location(index) + ": synchronized blocks are not allowed in extensions"
                    + " (a trap inside one could not unwind as a trap); use a synchronized method or Context.lock");
        }
        if (metered && opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
            refundCredit();
            meter();
            mv.visitVarInsn(Opcodes.ILOAD, argumentSlots);
            mv.visitFieldInsn(Opcodes.PUTFIELD, METER, "callDepth", "I");
        } else if (metered && opcode == Opcodes.ATHROW) {
            refundCredit();
        }
        mv.visitInsn(opcode);
        after();
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        before();
        if (metered && opcode == Opcodes.NEWARRAY) {
            chargeArray(elementBytes(operand));
        }
        mv.visitIntInsn(opcode, operand);
        after();
    }

    @Override
    public void visitVarInsn(int opcode, int slot) {
        before();
        if (addedSlots > 0 && slot == argumentSlots - 1 && (opcode == Opcodes.LLOAD || opcode == Opcodes.DLOAD
                || opcode == Opcodes.LSTORE || opcode == Opcodes.DSTORE)) {
            throw straddle();
        }
        mv.visitVarInsn(opcode, shifted(slot));
        after();
    }

    @Override
    public void visitIincInsn(int slot, int increment) {
        before();
        mv.visitIincInsn(shifted(slot), increment);
        after();
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
        before();
        checkType(type);
        if (metered && opcode == Opcodes.ANEWARRAY) {
            chargeArray(Meter.REFERENCE_BYTES);
        }
        mv.visitTypeInsn(opcode, type);
        if (metered && opcode == Opcodes.NEW) {
            // After the new, not before: its label may be the one an uninitialized type in a frame
            // names, and code inserted between them would move that label off the new.
            meter();
            ClassRewriter.pushInt(mv, type.equals(owner.className) ? owner.instanceBytes : Meter.OBJECT_HEADER_BYTES);
            mv.visitLdcInsn(location(index));
            callMeter("allocate", "(I" + STRING + ")V");
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
        if (access == MemoryAccess.COPY && chargesJdk()) { // [.., length] -> [.., length, length, size, meter, location]
            mv.visitInsn(Opcodes.DUP2);
            pushLong(size);
            meter();
            mv.visitLdcInsn(location(index));
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, METER, "copying", "(JJ" + ClassRewriter.METER_DESCRIPTOR + STRING + ")V", false);
        }
        if (access != null && confined && (access.store || !storesOnly)) {
            if (proof != null && proof.factAt(index) != null) {
                mv.visitMethodInsn(opcode, methodOwner, name, descriptor, isInterface); // proven inside the segment
            } else {
                confine(access);
            }
        } else if (mode == ProtectionMode.VERIFIED && opcode == Opcodes.INVOKEINTERFACE && methodOwner.equals(CONTEXT)
                && descriptor.equals("()J") && (name.equals("segmentBase") || name.equals("segmentSize"))) {
            // The proof takes these as the segment's constants: so they are, whatever Context answers.
            mv.visitMethodInsn(opcode, methodOwner, name, descriptor, isInterface);
            mv.visitInsn(Opcodes.POP2);
            pushLong(name.equals("segmentBase") ? base : size);
        } else if (metered && mode == ProtectionMode.NONE && isExit(opcode, methodOwner, name, descriptor)) {
            powerOff(opcode);
        } else if (chargesJdk() && JdkCalls.isJdk(methodOwner)) {
            chargeJdkCall(opcode, methodOwner, name, descriptor, isInterface);
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

    /**
     * Under counted {@code NONE}: the extension switches the simulated machine off instead of
     * ending the host JVM. The status is on the stack (above the {@code Runtime} for its methods).
     */
    private void powerOff(int opcode) {
        if (opcode == Opcodes.INVOKEVIRTUAL) {
            mv.visitInsn(Opcodes.SWAP);
            mv.visitInsn(Opcodes.POP);
        }
        meter();
        mv.visitInsn(Opcodes.SWAP);
        mv.visitLdcInsn(location(index));
        callMeter("powerOff", "(I" + STRING + ")V");
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
        before();
        checkConstant(bootstrap);
        for (Object argument : arguments) {
            checkConstant(argument);
        }
        if (chargesJdk() && bootstrap.getOwner().equals(STRING_CONCAT)) {
            mv.visitLdcInsn(location(index));
            callHelper(ChargedCall.concatenation(name, descriptor, bootstrap, arguments));
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

    /**
     * A JDK call, charged by {@link JdkCalls} before it is made. A constructor cannot be moved into
     * a helper (its receiver is not yet an object): a {@link Throwable}'s is charged for the stack
     * trace it fills in, any other's by the length of its last argument if that is a reference
     * (the string a builder starts from) and for a builder's first array otherwise.
     */
    private void chargeJdkCall(int opcode, String methodOwner, String name, String descriptor, boolean isInterface) {
        if (name.equals("<init>")) {
            if (JdkCalls.isThrowable(methodOwner)) {
                meter();
                mv.visitLdcInsn(location(index));
                callMeter("throwable", "(" + STRING + ")V");
            } else if (!methodOwner.equals("java/lang/Object")) {
                Type[] parameters = Type.getArgumentTypes(descriptor);
                boolean lastIsReference = parameters.length > 0 && parameters[parameters.length - 1].getSort() >= Type.ARRAY;
                if (lastIsReference) { // [.., argument] -> [.., argument, elements, meter] -> [.., argument, meter, elements]
                    mv.visitInsn(Opcodes.DUP);
                    mv.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "sizeOf", "(Ljava/lang/Object;)J", false);
                    meter();
                    mv.visitInsn(Opcodes.DUP_X2);
                    mv.visitInsn(Opcodes.POP);
                } else {
                    meter();
                    mv.visitInsn(Opcodes.LCONST_0);
                }
                ClassRewriter.pushInt(mv, 6);
                ClassRewriter.pushInt(mv, 2 * 16 + 40);
                mv.visitLdcInsn(location(index));
                callMeter("work", "(JII" + STRING + ")V");
            }
            mv.visitMethodInsn(opcode, methodOwner, name, descriptor, isInterface);
            return;
        }
        JdkCalls.Cost cost = opcode == Opcodes.INVOKESPECIAL || methodOwner.startsWith("[")
                ? JdkCalls.Cost.FREE : JdkCalls.of(methodOwner, name, descriptor);
        if (cost.shape() == JdkCalls.Shape.FREE) {
            mv.visitMethodInsn(opcode, methodOwner, name, descriptor, isInterface);
            return;
        }
        mv.visitLdcInsn(location(index));
        callHelper(ChargedCall.call(opcode, methodOwner, name, descriptor, isInterface, cost));
    }

    private void callHelper(ChargedCall call) {
        String helper = owner.chargedCall(call);
        int split = helper.indexOf('(');
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, owner.className, helper.substring(0, split), helper.substring(split),
                owner.isInterface);
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        before();
        if (metered && visited.containsKey(label) && !(proof != null && proof.loopClosedAt(index) != null)) {
            String where = location(index);
            if (opcode == Opcodes.GOTO) {
                meterBackEdge(label, backEdgeUnits(label), where);
            } else {
                Label trampoline = new Label();
                trampolines.add(new BackEdge(trampoline, label, backEdgeUnits(label), where));
                mv.visitJumpInsn(opcode, trampoline);
            }
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
            Map<Label, Label> redirected = new HashMap<>();
            fallback = forwardOrTrampoline(fallback, redirected);
            labels = labels.clone();
            for (int i = 0; i < labels.length; i++) {
                labels[i] = forwardOrTrampoline(labels[i], redirected);
            }
        }
        mv.visitTableSwitchInsn(min, max, fallback, labels);
        after();
    }

    @Override
    public void visitLookupSwitchInsn(Label fallback, int[] keys, Label[] labels) {
        before();
        if (metered) {
            Map<Label, Label> redirected = new HashMap<>();
            fallback = forwardOrTrampoline(fallback, redirected);
            labels = labels.clone();
            for (int i = 0; i < labels.length; i++) {
                labels[i] = forwardOrTrampoline(labels[i], redirected);
            }
        }
        mv.visitLookupSwitchInsn(fallback, keys, labels);
        after();
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
        before();
        checkType(descriptor);
        if (metered) {
            mv.visitLdcInsn(location(index));
            String allocator = owner.arrayAllocator(descriptor, dimensions);
            int split = allocator.indexOf('(');
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, owner.className, allocator.substring(0, split),
                    allocator.substring(split), owner.isInterface);
        } else {
            mv.visitMultiANewArrayInsn(descriptor, dimensions);
        }
        after();
    }

    private void before() {
        if (!handlerGuards.isEmpty()) {
            for (Label label : labelsHere) {
                if (handlerGuards.containsKey(label)) {
                    handlerIndexes.put(label, index);
                }
            }
        }
    }

    private void after() {
        labelsHere.clear();
        index++;
    }

    // ---- memory accesses ----

    /** Replaces the {@code invokeinterface} of {@code access}, its arguments on the stack. */
    private void confine(MemoryAccess access) {
        if (access == MemoryAccess.COPY) {
            pushLong(base);
            pushLong(size);
            mv.visitInsn(storesOnly ? Opcodes.ICONST_0 : Opcodes.ICONST_1);
            if (mode == ProtectionMode.SFI_MASK) {
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "maskedCopy", GUARD_COPY + ")V", false);
            } else {
                mv.visitLdcInsn(location(index));
                // VERIFIED guards what its proof does not cover as BOUNDS does.
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD,
                        mode == ProtectionMode.SFI_CHECK ? "matchedCopy" : "boundedCopy", GUARD_COPY + STRING + ")V", false);
            }
            return;
        }
        boolean wideValue = access == MemoryAccess.STORE64;
        if (access.store) { // [address, value] -> [value, address]
            mv.visitInsn(wideValue ? Opcodes.DUP2_X2 : Opcodes.DUP_X2);
            mv.visitInsn(wideValue ? Opcodes.POP2 : Opcodes.POP);
        }
        confineAddress(access);
        if (access.store) { // [value, address] -> [address, value]
            mv.visitInsn(wideValue ? Opcodes.DUP2_X2 : Opcodes.DUP2_X1);
            mv.visitInsn(Opcodes.POP2);
        }
        mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, MemoryAccess.OWNER, access.method, access.descriptor, true);
    }

    /** Confines the address on top of the stack. */
    private void confineAddress(MemoryAccess access) {
        if (mode == ProtectionMode.SFI_MASK) {
            // base | min(address & mask, size - width), the min branch-free as o - max(o - limit, 0)
            // with max(d, 0) = d & ~(d >> 63): no call, no branch, so the interpreter runs it fast.
            pushLong(size - 1);
            mv.visitInsn(Opcodes.LAND);
            if (access.width > 1) {
                mv.visitInsn(Opcodes.DUP2);
                pushLong(size - access.width);
                mv.visitInsn(Opcodes.LSUB);
                mv.visitInsn(Opcodes.DUP2);
                mv.visitIntInsn(Opcodes.BIPUSH, 63);
                mv.visitInsn(Opcodes.LSHR);
                pushLong(-1);
                mv.visitInsn(Opcodes.LXOR);
                mv.visitInsn(Opcodes.LAND);
                mv.visitInsn(Opcodes.LSUB);
            }
            pushLong(base);
            mv.visitInsn(Opcodes.LOR);
        } else {
            ClassRewriter.pushInt(mv, access.width);
            pushLong(base);
            pushLong(size);
            mv.visitLdcInsn(access.method);
            mv.visitLdcInsn(location(index));
            String guard = mode == ProtectionMode.SFI_CHECK ? "matchSegment" : "checkBounds";
            if (hoistedLoop != null && index > hoistedLoop.loop().header() && index < hoistedLoop.loop().latch()
                    && hoistedLoop.accessAt(index) != null) {
                mv.visitVarInsn(Opcodes.ILOAD, insideSlot);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, guard + "Unless", GUARD_ACCESS_UNLESS, false);
            } else {
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, guard, GUARD_ACCESS, false);
            }
        }
    }

    private Hoisting.Loop hoistedAt(int header) {
        for (Hoisting.Loop l : hoisted) {
            if (l.loop().header() == header) {
                return l;
            }
        }
        return null;
    }

    /**
     * The entry check of a hoisted loop: whether every address each of its hoisted accesses can
     * take lies inside the segment ({@link Guard#loopInside}), all of them and-ed into the flag
     * local that lets those accesses skip their own checks in this run of the loop.
     */
    private void checkLoopRange(Hoisting.Loop loop) {
        Proof.CountedLoop counted = loop.loop();
        mv.visitInsn(Opcodes.ICONST_1);
        for (Hoisting.Access a : loop.accesses()) {
            if (a.slot() < 0) {
                pushLong(0);
            } else {
                mv.visitVarInsn(Opcodes.LLOAD, shifted(a.slot()));
            }
            mv.visitVarInsn(Opcodes.ILOAD, shifted(counted.counter()));
            if (counted.boundSlot() < 0) {
                ClassRewriter.pushInt(mv, (int) counted.boundConstant());
            } else {
                mv.visitVarInsn(Opcodes.ILOAD, shifted(counted.boundSlot()));
            }
            ClassRewriter.pushInt(mv, counted.step());
            ClassRewriter.pushInt(mv, counted.cond());
            pushLong(a.scale());
            pushLong(a.offset());
            ClassRewriter.pushInt(mv, a.access().width);
            pushLong(base);
            pushLong(size);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "loopInside", "(JIIIIJJIJJ)Z", false);
            mv.visitInsn(Opcodes.IAND);
        }
        mv.visitVarInsn(Opcodes.ISTORE, insideSlot);
    }

    // ---- metering ----

    /**
     * A counted loop's fuel, charged once on entry: as many units as back-edges the counter's and
     * the bound's values at entry give ({@link Meter#chargeLoop}); its back-edge is then not metered.
     */
    private void chargeCountedLoop(Proof.CountedLoop loop) {
        meter();
        mv.visitVarInsn(Opcodes.ILOAD, shifted(loop.counter()));
        mv.visitInsn(Opcodes.I2L);
        if (loop.boundSlot() < 0) {
            pushLong(loop.boundConstant());
        } else {
            mv.visitVarInsn(Opcodes.ILOAD, shifted(loop.boundSlot()));
            mv.visitInsn(Opcodes.I2L);
        }
        ClassRewriter.pushInt(mv, loop.step());
        ClassRewriter.pushInt(mv, loop.cond());
        // What its back-edge would cost metered one by one: the units of its body's length.
        ClassRewriter.pushInt(mv, 1 + Math.min(Short.MAX_VALUE - 1, (loop.latch() - loop.header()) / STRAIGHT_LINE));
        mv.visitLdcInsn(location(loop.header()));
        callMeter("chargeLoop", "(JJIII" + STRING + ")V");
    }

    /**
     * Inline fuel check of a back-edge to {@code target}: spend one unit of the method's credit,
     * a register decrement; when it runs out, prepay the next batch.
     */
    private void meterBackEdge(Label target, int units, String where) {
        mv.visitIincInsn(creditSlot, -units);
        mv.visitVarInsn(Opcodes.ILOAD, creditSlot);
        mv.visitJumpInsn(Opcodes.IFGE, target);
        meter();
        if (units == 1) {
            mv.visitLdcInsn(where);
            callMeter("prepay", "(" + STRING + ")I");
        } else { // the credit went below zero by what this back-edge owes beyond it
            mv.visitVarInsn(Opcodes.ILOAD, creditSlot);
            mv.visitLdcInsn(where);
            callMeter("prepayOwing", "(I" + STRING + ")I");
        }
        mv.visitVarInsn(Opcodes.ISTORE, creditSlot);
        mv.visitJumpInsn(Opcodes.GOTO, target);
    }

    /** Fuel a back-edge from here to {@code target} costs: one unit, and one per {@link #STRAIGHT_LINE} instructions it spans. */
    private int backEdgeUnits(Label target) {
        return 1 + Math.min(Short.MAX_VALUE - 1, (index - visited.get(target)) / STRAIGHT_LINE);
    }

    /** Gives back the method's unused back-edge credit and clears it. */
    private void refundCredit() {
        meter();
        mv.visitVarInsn(Opcodes.ILOAD, creditSlot);
        callMeter("refund", "(I)V");
        mv.visitInsn(Opcodes.ICONST_0);
        mv.visitVarInsn(Opcodes.ISTORE, creditSlot);
    }

    private Label forwardOrTrampoline(Label target, Map<Label, Label> redirected) {
        if (!visited.containsKey(target)) {
            return target;
        }
        return redirected.computeIfAbsent(target, t -> {
            Label trampoline = new Label();
            trampolines.add(new BackEdge(trampoline, t, backEdgeUnits(t), location(index)));
            return trampoline;
        });
    }

    /** The guard block of one handler: rethrow an abort at once, else continue in the handler. */
    private void emitHandlerGuard(Label handler, Label guard) {
        String where = location(handlerIndexes.getOrDefault(handler, index));
        mv.visitLabel(guard);
        emitFrame(frameAt(handler, "exception handler", where));
        mv.visitInsn(Opcodes.DUP);
        if (metered) {
            meter();
            mv.visitInsn(Opcodes.SWAP);
            mv.visitVarInsn(Opcodes.ILOAD, argumentSlots);
            mv.visitLdcInsn(where);
            // An unprotected handler may catch whatever it likes; only the machine's own stop gets through.
            callMeter(mode == ProtectionMode.NONE ? "caughtUnprotected" : "caught", "(Ljava/lang/Throwable;I" + STRING + ")V");
        } else {
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "caught", "(Ljava/lang/Throwable;)V", false);
        }
        mv.visitJumpInsn(Opcodes.GOTO, handler);
    }

    /** Charges an array whose count is on top of the stack; the count stays. */
    private void chargeArray(int elementBytes) {
        mv.visitInsn(Opcodes.DUP);
        meter();
        mv.visitInsn(Opcodes.SWAP);
        ClassRewriter.pushInt(mv, elementBytes);
        mv.visitLdcInsn(location(index));
        callMeter("allocateArray", "(II" + STRING + ")V");
    }

    private static int elementBytes(int newarrayOperand) {
        switch (newarrayOperand) {
            case Opcodes.T_BOOLEAN:
            case Opcodes.T_BYTE:
                return 1;
            case Opcodes.T_CHAR:
            case Opcodes.T_SHORT:
                return 2;
            case Opcodes.T_INT:
            case Opcodes.T_FLOAT:
                return 4;
            default:
                return 8;
        }
    }

    private void meter() {
        mv.visitFieldInsn(Opcodes.GETSTATIC, owner.className, ClassRewriter.METER_FIELD, ClassRewriter.METER_DESCRIPTOR);
    }

    private void callMeter(String name, String descriptor) {
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, METER, name, descriptor, false);
    }

    // ---- frames and locals ----

    private Frame frameAt(Label label, String what, String where) {
        Frame frame = frames.get(label);
        if (frame == null) {
            throw new RewriteException(where + ": malformed class file: the " + what + " has no stack map frame");
        }
        return frame;
    }

    /** Emits an original frame, with the added locals (depth, credit, hoisted loops' flag) after the arguments. */
    private void emitFrame(Frame frame) {
        Object[] locals = addedSlots > 0 ? withAddedLocals(frame.locals()) : frame.locals();
        mv.visitFrame(Opcodes.F_NEW, locals.length, locals, frame.stack().length, frame.stack());
    }

    private Object[] withAddedLocals(Object[] locals) {
        List<Object> out = new ArrayList<>(locals.length + addedSlots);
        int slot = 0;
        int i = 0;
        while (i < locals.length && slot < argumentSlots) {
            Object type = locals[i++];
            out.add(type);
            slot += type == Opcodes.LONG || type == Opcodes.DOUBLE ? 2 : 1;
        }
        if (slot > argumentSlots) {
            throw straddle();
        }
        for (; slot < argumentSlots; slot++) {
            out.add(Opcodes.TOP);
        }
        for (int k = 0; k < addedSlots; k++) {
            out.add(Opcodes.INTEGER);
        }
        while (i < locals.length) {
            out.add(locals[i++]);
        }
        return out.toArray();
    }

    private int shifted(int slot) {
        return slot >= argumentSlots ? slot + addedSlots : slot;
    }

    private RewriteException straddle() {
        return new RewriteException(location(index)
                + ": a long or double local straddles the end of the arguments; the rewrite needs that slot");
    }

    // ---- checks ----

    private String location(int instruction) {
        return owner.dottedName + "." + methodName + "@" + instruction;
    }

    private void checkType(String type) {
        if (ClassRewriter.namesRuntime(type)) {
            owner.checkType(type, location(index));
        }
    }

    private void checkMember(String memberOwner, String name) {
        checkType(memberOwner);
        if (memberOwner.equals(owner.className) && name.startsWith(ClassRewriter.RESERVED)) {
            throw new RewriteException(location(index) + ": " + name + " is reserved for the rewrite");
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
                throw new RewriteException(location(index) + ": a method handle to Memory." + handle.getName()
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

    private void pushLong(long value) {
        if (value == 0 || value == 1) {
            mv.visitInsn(Opcodes.LCONST_0 + (int) value);
        } else {
            mv.visitLdcInsn(value);
        }
    }
}
