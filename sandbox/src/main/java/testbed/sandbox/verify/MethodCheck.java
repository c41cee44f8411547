package testbed.sandbox.verify;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.jar.asm.ConstantDynamic;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * The rules about one method's code, and the facts about it that the rewrite can use.
 *
 * <p>Instructions are numbered in the order ASM visits them (the order of the code array),
 * from 0; labels, frames and line numbers are not instructions. Checks that need the whole
 * method (exception handlers, what a local variable can hold) run at the end.
 *
 * <p>Monitors: an operand is {@code this} when it is loaded from a <em>this-slot</em> right before
 * the monitor instruction, with no jump target in between (a jump could bring another value).
 * Slot 0 of an instance method and any local slot (not a parameter) are this-slots when every
 * write to them stores a value loaded from a this-slot in the same way ({@code aload_0; astore_1}
 * or javac's {@code aload_0; dup; astore_1; monitorenter}). That is a fixed point, computed once
 * per method; it leans on the JVM's own verifier, which refuses to load an unassigned slot.
 */
final class MethodCheck extends MethodVisitor {
    private static final String OBJECT = "java/lang/Object";
    private static final String MEMORY = "testbed/kernel/api/Memory";
    private static final String CONTEXT = "testbed/kernel/api/Context";
    private static final String CONCAT_FACTORY = "java/lang/invoke/StringConcatFactory";
    private static final String LAMBDA_FACTORY = "java/lang/invoke/LambdaMetafactory";
    private static final String CONCAT_WITH_CONSTANTS = "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;"
            + "Ljava/lang/invoke/MethodType;Ljava/lang/String;[Ljava/lang/Object;)Ljava/lang/invoke/CallSite;";
    private static final String CONCAT = "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;"
            + "Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/CallSite;";
    private static final Set<Integer> SYNCHRONIZED_CLEANUP = Set.of(Opcodes.ALOAD, Opcodes.ASTORE, Opcodes.MONITOREXIT);

    /** An instruction in the window the monitor patterns look back on. */
    private record Recent(int opcode, int var, List<Label> labelsBefore) {
    }

    /** An {@code astore}: of a value loaded from {@code source} (-1 if unknown), valid if none of {@code labels} is a jump target. */
    private record Store(int slot, int source, List<Label> labels) {
    }

    /** A monitor instruction whose operand is the value of {@code slot}, if none of {@code labels} is a jump target. */
    private record MonitorUse(int index, int opcode, int slot, List<Label> labels) {
    }

    private record Handler(Label start, Label end, Label handler, String type) {
    }

    private final Declarations self;
    private final Allowlist allowlist;
    private final boolean enforce;
    private final Set<String> trapCatchers;
    private final Set<String> helpers;
    private final List<VerifiedClass.MethodFacts> sink;
    private final int access;
    private final String name;
    private final String descriptor;

    private int index;
    private int[] opcodes = new int[64];
    private final List<Label> pending = new ArrayList<>(2);
    private List<Label> current = List.of();
    private final Map<Label, Integer> labelIndex = new IdentityHashMap<>();
    private final Set<Label> targets = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    private final Deque<Recent> window = new ArrayDeque<>(4);
    private final List<Store> stores = new ArrayList<>();
    private final Set<Integer> otherWrites = new HashSet<>();
    private final List<MonitorUse> monitors = new ArrayList<>();
    private final List<Handler> handlers = new ArrayList<>();
    /** For each index, how many instructions before it are not javac's clean-up kind; computed on first need. */
    private int[] otherOpcodesBefore;

    private int backwardJumps;
    private int calls;
    private int memoryAccesses;
    private int allocations;
    private int jdkAllocations;
    private boolean locksThis;

    MethodCheck(Declarations self, Allowlist allowlist, boolean enforce, Set<String> trapCatchers, Set<String> helpers,
            List<VerifiedClass.MethodFacts> sink, int access, String name, String descriptor) {
        super(Opcodes.ASM9);
        this.self = self;
        this.allowlist = allowlist;
        this.enforce = enforce;
        this.trapCatchers = trapCatchers;
        this.helpers = helpers;
        this.sink = sink;
        this.access = access;
        this.name = name;
        this.descriptor = descriptor;
        this.locksThis = (access & Opcodes.ACC_SYNCHRONIZED) != 0;
    }

    // ---- bookkeeping -------------------------------------------------------------------------

    /** Starts an instruction: gives pending labels its index and returns it. */
    private int begin() {
        if (pending.isEmpty()) {
            current = List.of();
        } else {
            current = List.copyOf(pending);
            for (Label l : pending) {
                labelIndex.put(l, index);
            }
            pending.clear();
        }
        return index;
    }

    private void end(int opcode, int var) {
        if (window.size() == 3) {
            window.removeLast();
        }
        window.addFirst(new Recent(opcode, var, current));
        if (index == opcodes.length) {
            opcodes = Arrays.copyOf(opcodes, index * 2);
        }
        opcodes[index++] = opcode;
    }

    /** The instruction {@code back} places before the current one (1 is the previous one), or null. */
    private Recent recent(int back) {
        int i = 1;
        for (Recent r : window) {
            if (i++ == back) {
                return r;
            }
        }
        return null;
    }

    private static boolean is(Recent r, int opcode) {
        return r != null && r.opcode() == opcode;
    }

    @SafeVarargs
    private static List<Label> concat(List<Label>... lists) {
        List<Label> all = new ArrayList<>();
        for (List<Label> l : lists) {
            all.addAll(l);
        }
        return all;
    }

    private Refused reject(int at, Rule rule, String detail) {
        return new Refused(Rejection.ofMethod(rule, self.binaryName(), name, descriptor, at, detail));
    }

    private Refused denied(int at, Rule rule, String what) {
        return reject(at, rule, what + " is not allowed: " + rule.reason());
    }

    // ---- instructions ------------------------------------------------------------------------

    @Override
    public void visitLabel(Label label) {
        pending.add(label);
    }

    @Override
    public void visitInsn(int opcode) {
        int at = begin();
        if (opcode == Opcodes.MONITORENTER || opcode == Opcodes.MONITOREXIT) {
            locksThis |= opcode == Opcodes.MONITORENTER;
            monitor(at, opcode);
        }
        end(opcode, -1);
    }

    private void monitor(int at, int opcode) {
        Recent p1 = recent(1);
        Recent p2 = recent(2);
        Recent p3 = recent(3);
        if (is(p1, Opcodes.ALOAD)) {
            monitors.add(new MonitorUse(at, opcode, p1.var(), current));
        } else if (opcode == Opcodes.MONITORENTER && is(p1, Opcodes.ASTORE) && is(p2, Opcodes.DUP) && is(p3, Opcodes.ALOAD)) {
            monitors.add(new MonitorUse(at, opcode, p3.var(), concat(current, p1.labelsBefore(), p2.labelsBefore())));
        } else if (enforce) {
            throw monitorRejection(at, opcode);
        }
    }

    private Refused monitorRejection(int at, int opcode) {
        return reject(at, Rule.MONITOR, (opcode == Opcodes.MONITORENTER ? "monitorenter" : "monitorexit")
                + " on a value that is not provably this: " + Rule.MONITOR.reason()
                + " (lock only this: synchronized (this) or a synchronized instance method)");
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        begin();
        if (opcode == Opcodes.NEWARRAY) {
            allocations++;
        }
        end(opcode, -1);
    }

    @Override
    public void visitVarInsn(int opcode, int var) {
        int at = begin();
        switch (opcode) {
            case Opcodes.RET:
                throw reject(at, Rule.MALFORMED, "ret: subroutines (jsr/ret) are not allowed");
            case Opcodes.ASTORE: {
                Recent p1 = recent(1);
                Recent p2 = recent(2);
                if (is(p1, Opcodes.ALOAD)) {
                    stores.add(new Store(var, p1.var(), current));
                } else if (is(p1, Opcodes.DUP) && is(p2, Opcodes.ALOAD)) {
                    stores.add(new Store(var, p2.var(), concat(current, p1.labelsBefore())));
                } else {
                    stores.add(new Store(var, -1, List.of()));
                }
                break;
            }
            case Opcodes.ISTORE: case Opcodes.FSTORE:
                otherWrites.add(var);
                break;
            case Opcodes.LSTORE: case Opcodes.DSTORE:
                otherWrites.add(var);
                otherWrites.add(var + 1);
                break;
            default:
                break;
        }
        end(opcode, var);
    }

    @Override
    public void visitIincInsn(int var, int increment) {
        begin();
        otherWrites.add(var);
        end(Opcodes.IINC, -1);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
        int at = begin();
        if (opcode == Opcodes.NEW || opcode == Opcodes.ANEWARRAY) {
            allocations++;
        }
        if (enforce) {
            String verb = opcode == Opcodes.NEW ? "new" : opcode == Opcodes.ANEWARRAY ? "array of"
                    : opcode == Opcodes.CHECKCAST ? "cast to" : "instanceof";
            type(at, type, verb);
        }
        end(opcode, -1);
    }

    @Override
    public void visitMultiANewArrayInsn(String type, int dimensions) {
        int at = begin();
        allocations++;
        if (enforce) {
            type(at, type, "array");
        }
        end(Opcodes.MULTIANEWARRAY, -1);
    }

    private void type(int at, String operand, String verb) {
        String c;
        try {
            c = Descriptors.classOfTypeOperand(operand);
        } catch (IllegalArgumentException e) {
            throw reject(at, Rule.MALFORMED, "malformed type operand " + operand);
        }
        if (c != null && !DeclarationCheck.typeAllowed(c, self, allowlist)) {
            throw denied(at, Rule.diagnose(c, null), verb + " " + operand);
        }
    }

    private void types(int at, List<String> classes, String where) {
        String type = DeclarationCheck.deniedType(classes, self, allowlist);
        if (type != null) {
            throw denied(at, Rule.diagnose(type, null), "type " + type + " in " + where);
        }
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String fieldName, String fieldDescriptor) {
        int at = begin();
        if (enforce) {
            List<String> classes;
            try {
                Descriptors.checkInternalName(owner);
                classes = Descriptors.classesOfField(fieldDescriptor);
            } catch (IllegalArgumentException e) {
                throw reject(at, Rule.MALFORMED, "malformed field reference " + owner + "." + fieldName);
            }
            boolean write = opcode == Opcodes.PUTFIELD || opcode == Opcodes.PUTSTATIC;
            if (owner.equals(self.name())) {
                if (self.field(fieldName, fieldDescriptor) == null) {
                    throw reject(at, Rule.NOT_ALLOWLISTED, "field " + fieldName + " " + fieldDescriptor
                            + " is not declared by the extension");
                }
                if (opcode == Opcodes.PUTSTATIC) {
                    throw denied(at, Rule.STATIC_STATE, "write to static field " + fieldName);
                }
            } else if (write || !allowlist.readable(owner, fieldName)) {
                throw denied(at, Rule.diagnose(owner, fieldName),
                        (write ? "write to field " : "read of field ") + owner + "." + fieldName);
            }
            types(at, classes, "field " + owner + "." + fieldName);
        }
        end(opcode, -1);
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String methodName, String methodDescriptor, boolean isInterface) {
        int at = begin();
        calls++;
        if (owner.equals(MEMORY)) {
            memoryAccesses++;
        } else if (owner.equals(CONTEXT)) {
            helpers.add(methodName);
        }
        if (enforce) {
            List<String> classes;
            try {
                classes = Descriptors.classesOfMethod(methodDescriptor);
            } catch (IllegalArgumentException e) {
                throw reject(at, Rule.MALFORMED, "malformed method descriptor in call to " + owner + "." + methodName);
            }
            if (call(at, opcode, owner, methodName, methodDescriptor) == Allowlist.Call.ALLOCATING) {
                jdkAllocations++;
            }
            types(at, classes, "call to " + owner + "." + methodName);
        } else if (allowlist.call(owner, methodName, methodDescriptor) == Allowlist.Call.ALLOCATING) {
            jdkAllocations++;
        }
        end(opcode, -1);
    }

    /** Resolves a call against the extension's own methods and the allowlist; refuses it if neither grants it. */
    private Allowlist.Call call(int at, int opcode, String owner, String methodName, String methodDescriptor) {
        if (owner.startsWith("[")) {
            throw denied(at, Rule.diagnose(owner, methodName), "call to " + owner + "." + methodName);
        }
        try {
            Descriptors.checkInternalName(owner);
        } catch (IllegalArgumentException e) {
            throw reject(at, Rule.MALFORMED, "malformed owner in call to " + owner + "." + methodName);
        }
        if (owner.equals(self.name())) {
            if (self.method(methodName, methodDescriptor) != null) {
                return Allowlist.Call.ALLOWED;
            }
            if (opcode == Opcodes.INVOKESTATIC || methodName.equals("<init>")) {
                throw reject(at, Rule.NOT_ALLOWLISTED, "call to " + methodName + methodDescriptor
                        + ", which the extension does not declare");
            }
            Allowlist.Call inherited = allowlist.call(OBJECT, methodName, methodDescriptor);
            if (inherited == Allowlist.Call.DENIED) {
                throw denied(at, Rule.diagnose(OBJECT, methodName),
                        "call to " + owner + "." + methodName + " (inherited from " + OBJECT + ")");
            }
            return inherited;
        }
        Allowlist.Call granted = allowlist.call(owner, methodName, methodDescriptor);
        if (granted == Allowlist.Call.DENIED) {
            throw denied(at, Rule.diagnose(owner, methodName), "call to " + owner + "." + methodName);
        }
        return granted;
    }

    @Override
    public void visitInvokeDynamicInsn(String methodName, String methodDescriptor, Handle bootstrap, Object... arguments) {
        int at = begin();
        calls++;
        boolean concat = isStringConcat(bootstrap);
        if (concat) {
            jdkAllocations++;
        }
        if (enforce) {
            if (concat) {
                stringConcat(at, methodDescriptor, arguments);
            } else if (bootstrap.getOwner().equals(LAMBDA_FACTORY)) {
                throw reject(at, Rule.LAMBDA, "lambda or method reference (invokedynamic " + methodName
                        + ") is not allowed: " + Rule.LAMBDA.reason() + " (call a named method of the extension instead)");
            } else {
                throw denied(at, Rule.REFLECTION, "invokedynamic with bootstrap " + bootstrap.getOwner() + "."
                        + bootstrap.getName());
            }
        }
        end(Opcodes.INVOKEDYNAMIC, -1);
    }

    private static boolean isStringConcat(Handle h) {
        return h.getTag() == Opcodes.H_INVOKESTATIC && !h.isInterface() && h.getOwner().equals(CONCAT_FACTORY)
                && (h.getName().equals("makeConcatWithConstants") && h.getDesc().equals(CONCAT_WITH_CONSTANTS)
                    || h.getName().equals("makeConcat") && h.getDesc().equals(CONCAT));
    }

    /** javac's string concatenation: a String result, String or primitive constants, allowed argument types. */
    private void stringConcat(int at, String methodDescriptor, Object[] arguments) {
        List<String> classes;
        try {
            classes = Descriptors.classesOfMethod(methodDescriptor);
        } catch (IllegalArgumentException e) {
            throw reject(at, Rule.MALFORMED, "malformed descriptor of string concatenation");
        }
        if (!methodDescriptor.endsWith(")Ljava/lang/String;")) {
            throw denied(at, Rule.REFLECTION, "string concatenation returning " + methodDescriptor);
        }
        for (Object a : arguments) {
            if (!(a instanceof String || a instanceof Integer || a instanceof Long || a instanceof Float
                    || a instanceof Double)) {
                throw denied(at, Rule.REFLECTION, "string concatenation with a constant of kind " + a.getClass().getSimpleName());
            }
        }
        types(at, classes, "string concatenation");
    }

    @Override
    public void visitLdcInsn(Object value) {
        int at = begin();
        if (enforce) {
            if (value instanceof Type t) {
                throw denied(at, Rule.REFLECTION, t.getSort() == Type.METHOD
                        ? "method type constant " + t.getDescriptor()
                        : "class literal " + t.getInternalName() + ".class");
            }
            if (value instanceof Handle h) {
                throw denied(at, Rule.REFLECTION, "method handle constant " + h.getOwner() + "." + h.getName());
            }
            if (value instanceof ConstantDynamic c) {
                throw denied(at, Rule.REFLECTION, "dynamic constant " + c.getName());
            }
        }
        end(Opcodes.LDC, -1);
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        int at = begin();
        if (opcode == Opcodes.JSR) {
            throw reject(at, Rule.MALFORMED, "jsr: subroutines (jsr/ret) are not allowed");
        }
        jump(label);
        end(opcode, -1);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
        begin();
        switchTargets(dflt, labels);
        end(Opcodes.TABLESWITCH, -1);
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
        begin();
        switchTargets(dflt, labels);
        end(Opcodes.LOOKUPSWITCH, -1);
    }

    private void switchTargets(Label dflt, Label[] labels) {
        int before = backwardJumps;
        jump(dflt);
        for (Label l : labels) {
            jump(l);
        }
        backwardJumps = Math.min(backwardJumps, before + 1);
    }

    private void jump(Label target) {
        targets.add(target);
        if (labelIndex.containsKey(target)) {
            backwardJumps++;
        }
    }

    @Override
    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
        handlers.add(new Handler(start, end, handler, type));
        targets.add(handler);
    }

    // ---- the whole method --------------------------------------------------------------------

    @Override
    public void visitEnd() {
        for (Label l : pending) {
            labelIndex.put(l, index);
        }
        pending.clear();
        int trapHandlers = 0;
        for (Handler h : handlers) {
            Integer start = labelIndex.get(h.start());
            Integer stop = labelIndex.get(h.end());
            Integer target = labelIndex.get(h.handler());
            if (start == null || stop == null || target == null || target >= index) {
                throw reject(-1, Rule.MALFORMED, "exception handler outside the code");
            }
            if (h.type() == null || trapCatchers.contains(h.type())) {
                trapHandlers++;
            }
            if (enforce) {
                handler(h, start, stop, target);
            }
        }
        if (enforce) {
            monitors();
        }
        sink.add(new VerifiedClass.MethodFacts(name, descriptor, index, backwardJumps, calls, memoryAccesses,
                allocations, jdkAllocations, trapHandlers, locksThis));
    }

    private void handler(Handler h, int start, int stop, int target) {
        if (h.type() != null && !allowlist.catchable(h.type())) {
            throw reject(target, Rule.CATCH, "catch of " + h.type() + " is not allowed: " + Rule.CATCH.reason()
                    + " (catch a specific exception, such as java/lang/ArithmeticException)");
        }
        if (target < stop && start < stop && !synchronizedCleanup(start, stop, target)) {
            throw reject(target, Rule.HANDLER_LOOP, "exception handler at " + target + " protects [" + start + ", "
                    + stop + "), which it can reach again: " + Rule.HANDLER_LOOP.reason()
                    + " (place handlers after the code they protect)");
        }
    }

    /**
     * javac's clean-up handler of {@code synchronized}: it protects itself, so that a failing
     * {@code monitorexit} is retried, and holds nothing but loads, stores and {@code monitorexit}.
     */
    private boolean synchronizedCleanup(int start, int stop, int target) {
        if (target != start) {
            return false;
        }
        if (otherOpcodesBefore == null) {
            otherOpcodesBefore = new int[index + 1];
            for (int i = 0; i < index; i++) {
                otherOpcodesBefore[i + 1] = otherOpcodesBefore[i] + (SYNCHRONIZED_CLEANUP.contains(opcodes[i]) ? 0 : 1);
            }
        }
        return otherOpcodesBefore[stop] == otherOpcodesBefore[start];
    }

    private void monitors() {
        if (monitors.isEmpty()) {
            return;
        }
        Set<Integer> thisSlots = thisSlots();
        for (MonitorUse m : monitors) {
            if (!thisSlots.contains(m.slot()) || anyTarget(m.labels())) {
                throw monitorRejection(m.index(), m.opcode());
            }
        }
    }

    /** The slots that can only ever hold {@code this} (see the class comment). */
    private Set<Integer> thisSlots() {
        boolean isStatic = (access & Opcodes.ACC_STATIC) != 0;
        int firstLocal;
        try {
            firstLocal = (isStatic ? 0 : 1) + Descriptors.parameterSlots(descriptor);
        } catch (IllegalArgumentException e) {
            throw reject(-1, Rule.MALFORMED, "malformed method descriptor");
        }
        Set<Integer> slots = new HashSet<>();
        if (!isStatic) {
            slots.add(0);
        }
        Map<Integer, List<Store>> storesBySlot = new HashMap<>();
        Map<Integer, List<Integer>> dependents = new HashMap<>();
        for (Store s : stores) {
            storesBySlot.computeIfAbsent(s.slot(), k -> new ArrayList<>()).add(s);
            if (s.slot() >= firstLocal && s.source() >= 0) {
                slots.add(s.slot());
            }
            if (s.source() >= 0) {
                dependents.computeIfAbsent(s.source(), k -> new ArrayList<>()).add(s.slot());
            }
        }
        Set<Integer> candidates = Set.copyOf(slots);
        Deque<Integer> removed = new ArrayDeque<>();
        for (Integer slot : candidates) {
            boolean bad = otherWrites.contains(slot);
            for (Store s : storesBySlot.getOrDefault(slot, List.of())) {
                bad |= s.source() < 0 || !candidates.contains(s.source()) || anyTarget(s.labels());
            }
            if (bad) {
                slots.remove(slot);
                removed.push(slot);
            }
        }
        while (!removed.isEmpty()) {
            for (Integer dependent : dependents.getOrDefault(removed.pop(), List.of())) {
                if (slots.remove(dependent)) {
                    removed.push(dependent);
                }
            }
        }
        return slots;
    }

    private boolean anyTarget(List<Label> labels) {
        for (Label l : labels) {
            if (targets.contains(l)) {
                return true;
            }
        }
        return false;
    }
}
