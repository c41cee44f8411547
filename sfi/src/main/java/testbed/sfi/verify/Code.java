package testbed.sfi.verify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * One method's instructions as a list, recorded from a visitor pass: what the analysis and the
 * checker walk. Instruction {@code i} is the {@code i}-th real instruction (labels, frames and line
 * numbers not counted), the numbering trap locations and the rewrite use.
 */
final class Code extends MethodVisitor {
    /** One instruction; {@code targets} are instruction indexes (jumps, switch cases, default last). */
    record Insn(int opcode, int operand, Object constant, String owner, String name, String descriptor,
            int[] targets, int[] keys) {
    }

    /** An exception handler covering instructions {@code [start, end)}. */
    record Handler(int start, int end, int handler) {
    }

    final int access;
    final String name;
    final String descriptor;
    final List<Insn> insns = new ArrayList<>();
    final List<Handler> handlers = new ArrayList<>();
    /** Handles named by {@code invokedynamic} and {@code ldc}: methods reached by no visible call site. */
    final List<Handle> handles = new ArrayList<>();
    int maxLocals;

    private final Map<Label, Integer> labelIndex = new HashMap<>();
    private final List<Object[]> pendingJumps = new ArrayList<>();
    private final List<Object[]> pendingHandlers = new ArrayList<>();

    Code(int access, String name, String descriptor) {
        super(Opcodes.ASM9);
        this.access = access;
        this.name = name;
        this.descriptor = descriptor;
    }

    int size() {
        return insns.size();
    }

    Insn at(int index) {
        return insns.get(index);
    }

    boolean isStatic() {
        return (access & Opcodes.ACC_STATIC) != 0;
    }

    private void add(int opcode, int operand, Object constant, String owner, String name, String descriptor) {
        insns.add(new Insn(opcode, operand, constant, owner, name, descriptor, null, null));
    }

    private void addJump(int opcode, int[] keys, Label... labels) {
        pendingJumps.add(new Object[] {insns.size(), labels});
        insns.add(new Insn(opcode, 0, null, null, null, null, new int[labels.length], keys));
    }

    @Override
    public void visitLabel(Label label) {
        labelIndex.put(label, insns.size());
    }

    @Override
    public void visitInsn(int opcode) {
        add(opcode, 0, null, null, null, null);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        add(opcode, operand, null, null, null, null);
    }

    @Override
    public void visitVarInsn(int opcode, int slot) {
        add(opcode, slot, null, null, null, null);
    }

    @Override
    public void visitIincInsn(int slot, int increment) {
        add(Opcodes.IINC, slot, increment, null, null, null);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
        add(opcode, 0, null, type, null, null);
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
        add(opcode, 0, null, owner, name, descriptor);
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        add(opcode, 0, null, owner, name, descriptor);
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
        for (Object argument : arguments) {
            if (argument instanceof Handle handle) {
                handles.add(handle);
            }
        }
        add(Opcodes.INVOKEDYNAMIC, 0, null, null, name, descriptor);
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        addJump(opcode, null, label);
    }

    @Override
    public void visitLdcInsn(Object value) {
        if (value instanceof Handle handle) {
            handles.add(handle);
        }
        add(Opcodes.LDC, 0, value, null, null, null);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label fallback, Label... labels) {
        Label[] all = new Label[labels.length + 1];
        System.arraycopy(labels, 0, all, 0, labels.length);
        all[labels.length] = fallback;
        addJump(Opcodes.TABLESWITCH, new int[] {min, max}, all);
    }

    @Override
    public void visitLookupSwitchInsn(Label fallback, int[] keys, Label[] labels) {
        Label[] all = new Label[labels.length + 1];
        System.arraycopy(labels, 0, all, 0, labels.length);
        all[labels.length] = fallback;
        addJump(Opcodes.LOOKUPSWITCH, keys.clone(), all);
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
        add(Opcodes.MULTIANEWARRAY, dimensions, null, null, null, descriptor);
    }

    @Override
    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
        pendingHandlers.add(new Object[] {start, end, handler});
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        this.maxLocals = maxLocals;
    }

    @Override
    public void visitEnd() {
        for (Object[] jump : pendingJumps) {
            int[] targets = insns.get((Integer) jump[0]).targets();
            Label[] labels = (Label[]) jump[1];
            for (int i = 0; i < labels.length; i++) {
                targets[i] = labelIndex.get(labels[i]);
            }
        }
        for (Object[] h : pendingHandlers) {
            handlers.add(new Handler(labelIndex.get((Label) h[0]), labelIndex.get((Label) h[1]), labelIndex.get((Label) h[2])));
        }
    }

    /** Whether {@code index} is a jump, switch or handler target: where a proof states the state. */
    boolean[] joinPoints() {
        boolean[] join = new boolean[insns.size() + 1];
        for (Insn insn : insns) {
            if (insn.targets() != null) {
                for (int t : insn.targets()) {
                    join[t] = true;
                }
            }
        }
        for (Handler h : handlers) {
            join[h.handler()] = true;
        }
        return join;
    }
}
