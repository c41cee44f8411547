package testbed.sfi;

import static testbed.sfi.MethodCode.STRING;

import java.util.List;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import testbed.sfi.runtime.Guard;
import testbed.sfi.verify.Hoisting;
import testbed.sfi.verify.Proof;

/**
 * The memory-access guards of one method, per mode: {@code SFI_MASK} masks the address inline
 * (no branch, so no frame); {@code SFI_CHECK} and {@code BOUNDS} call {@link Guard}, which returns
 * the address or traps, and check a hoisted counted loop's accesses once at its entry;
 * {@code VERIFIED} leaves unguarded what its checked proof shows inside the segment, checks the
 * proof's entry ranges once per call, and guards the rest as {@code BOUNDS} does. {@code copy} is
 * replaced by a {@link Guard} method that confines all three arguments. Store values are moved out
 * of the way with stack instructions, so no local is needed.
 */
final class MemoryGuards {
    private static final String GUARD = Type.getInternalName(Guard.class);
    private static final String MEMORY = "L" + MemoryAccess.OWNER + ";";
    private static final String GUARD_ACCESS = "(JIJJ" + STRING + STRING + ")J";
    private static final String GUARD_ACCESS_UNLESS = "(JIJJ" + STRING + STRING + "Z)J";
    private static final String GUARD_COPY = "(" + MEMORY + "JJJJJZ";

    private final MethodCode code;
    private final ProtectionMode mode;
    private final boolean storesOnly;
    private final long base;
    private final long size;
    /** Counted loops whose guards are checked once at entry (SFI_CHECK, BOUNDS); empty for none. */
    private final List<Hoisting.Loop> hoisted;
    /** The local that says whether the current hoisted loop's entry check passed, after the meter's locals; -1 for none. */
    private final int insideSlot;
    /** The hoisted loop whose body is being rewritten, or null. */
    private Hoisting.Loop hoistedLoop;

    MemoryGuards(MethodCode code, Rewrite rewrite, List<Hoisting.Loop> hoisted, int insideSlot) {
        this.code = code;
        this.mode = rewrite.mode();
        this.storesOnly = rewrite.isStoresOnly();
        this.base = rewrite.segment().base();
        this.size = rewrite.segment().size();
        this.hoisted = hoisted;
        this.insideSlot = insideSlot;
    }

    /** At the method's entry, clears the hoisted loops' flag: every frame says it is an int, so it must be one from the entry on. */
    void clearLoopFlag() {
        if (insideSlot >= 0) {
            code.mv.visitInsn(Opcodes.ICONST_0);
            code.mv.visitVarInsn(Opcodes.ISTORE, insideSlot);
        }
    }

    /** The proof's entry ranges, checked once per call: what lets its accesses go unguarded. */
    void checkEntryRanges(Proof.MethodProof proof, String descriptor, boolean staticMethod) {
        String where = code.location(0);
        proof.entry().forEach((slot, range) -> {
            boolean wide = isLongArgument(slot, descriptor, staticMethod);
            code.mv.visitVarInsn(wide ? Opcodes.LLOAD : Opcodes.ILOAD, slot);
            if (!wide) {
                code.mv.visitInsn(Opcodes.I2L);
            }
            code.pushLong(range.lo());
            code.pushLong(range.hi());
            code.pushInt(slot);
            code.mv.visitLdcInsn(where);
            code.mv.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "requireArgument", "(JJJI" + STRING + ")V", false);
        });
    }

    private boolean isLongArgument(int slot, String descriptor, boolean staticMethod) {
        int at = staticMethod ? 0 : 1;
        for (Type t : Type.getArgumentTypes(descriptor)) {
            if (at == slot) {
                return t.getSort() == Type.LONG;
            }
            at += t.getSize();
        }
        throw new RewriteException(code.location(0) + ": the proof checks local " + slot + ", which is no numeric argument");
    }

    /**
     * Before the labels of the instruction at {@code index}: if a hoisted loop's header is there,
     * its entry check. Only the entry falls through here, the back-edge jumps past, so the check
     * is not run again per iteration.
     */
    void beforeLabel(int index) {
        if (!hoisted.isEmpty() && (hoistedLoop == null || hoistedLoop.loop().header() != index)) {
            Hoisting.Loop entered = hoistedAt(index);
            if (entered != null) {
                hoistedLoop = entered;
                checkLoopRange(entered);
            }
        }
    }

    /** Replaces the {@code invokeinterface} of {@code access}, its arguments on the stack. */
    void confine(MemoryAccess access) {
        if (access == MemoryAccess.COPY) {
            code.pushLong(base);
            code.pushLong(size);
            code.mv.visitInsn(storesOnly ? Opcodes.ICONST_0 : Opcodes.ICONST_1);
            if (mode == ProtectionMode.SFI_MASK) {
                code.mv.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "maskedCopy", GUARD_COPY + ")V", false);
            } else {
                code.mv.visitLdcInsn(code.here());
                // VERIFIED guards what its proof does not cover as BOUNDS does.
                code.mv.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD,
                        mode == ProtectionMode.SFI_CHECK ? "matchedCopy" : "boundedCopy", GUARD_COPY + STRING + ")V", false);
            }
            return;
        }
        boolean wideValue = access == MemoryAccess.STORE64;
        if (access.store) { // [address, value] -> [value, address]
            code.mv.visitInsn(wideValue ? Opcodes.DUP2_X2 : Opcodes.DUP_X2);
            code.mv.visitInsn(wideValue ? Opcodes.POP2 : Opcodes.POP);
        }
        confineAddress(access);
        if (access.store) { // [value, address] -> [address, value]
            code.mv.visitInsn(wideValue ? Opcodes.DUP2_X2 : Opcodes.DUP2_X1);
            code.mv.visitInsn(Opcodes.POP2);
        }
        code.mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, MemoryAccess.OWNER, access.method, access.descriptor, true);
    }

    /** Confines the address on top of the stack. */
    private void confineAddress(MemoryAccess access) {
        if (mode == ProtectionMode.SFI_MASK) {
            // Wahbe's two operations, (address & mask) | base: an access of width w then starts in
            // the segment and ends at most w - 1 bytes past it, in the domain's guard zone, which faults.
            code.pushLong(size - 1);
            code.mv.visitInsn(Opcodes.LAND);
            code.pushLong(base);
            code.mv.visitInsn(Opcodes.LOR);
        } else {
            code.pushInt(access.width);
            code.pushLong(base);
            code.pushLong(size);
            code.mv.visitLdcInsn(access.method);
            code.mv.visitLdcInsn(code.here());
            String guard = mode == ProtectionMode.SFI_CHECK ? "matchSegment" : "checkBounds";
            int index = code.index;
            if (hoistedLoop != null && index > hoistedLoop.loop().header() && index < hoistedLoop.loop().latch()
                    && hoistedLoop.accessAt(index) != null) {
                code.mv.visitVarInsn(Opcodes.ILOAD, insideSlot);
                code.mv.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, guard + "Unless", GUARD_ACCESS_UNLESS, false);
            } else {
                code.mv.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, guard, GUARD_ACCESS, false);
            }
        }
    }

    /**
     * Under {@code VERIFIED}, a call of {@code Context.segmentBase()} or {@code segmentSize()}: the
     * proof takes these as the segment's constants, so they are, whatever {@code Context} answers.
     */
    void segmentConstant(int opcode, String methodOwner, String name, String descriptor, boolean isInterface) {
        code.mv.visitMethodInsn(opcode, methodOwner, name, descriptor, isInterface);
        code.mv.visitInsn(Opcodes.POP2);
        code.pushLong(name.equals("segmentBase") ? base : size);
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
        code.mv.visitInsn(Opcodes.ICONST_1);
        for (Hoisting.Access a : loop.accesses()) {
            if (a.slot() < 0) {
                code.pushLong(0);
            } else {
                code.mv.visitVarInsn(Opcodes.LLOAD, code.shifted(a.slot()));
            }
            code.mv.visitVarInsn(Opcodes.ILOAD, code.shifted(counted.counter()));
            if (counted.boundSlot() < 0) {
                code.pushInt((int) counted.boundConstant());
            } else {
                code.mv.visitVarInsn(Opcodes.ILOAD, code.shifted(counted.boundSlot()));
            }
            code.pushInt(counted.step());
            code.pushInt(counted.cond());
            code.pushLong(a.scale());
            code.pushLong(a.offset());
            code.pushInt(a.access().width);
            code.pushLong(base);
            code.pushLong(size);
            code.mv.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "loopInside", "(JIIIIJJIJJ)Z", false);
            code.mv.visitInsn(Opcodes.IAND);
        }
        code.mv.visitVarInsn(Opcodes.ISTORE, insideSlot);
    }
}
