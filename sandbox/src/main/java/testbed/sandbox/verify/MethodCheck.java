package testbed.sandbox.verify;

import java.util.ArrayList;
import java.util.Arrays;
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
 * <p>Monitors: {@code monitorenter} and {@code monitorexit} are refused whatever their operand
 * (rule {@link Rule#MONITOR}). A trap thrown inside a {@code synchronized} block leaves its frame
 * before the block's own {@code monitorexit} runs (the isolation rewrite makes every handler
 * rethrow an abort at once), and HotSpot then replaces the trap with an
 * {@code IllegalMonitorStateException} that a caller could catch. A {@code synchronized} instance
 * method has no such hole: the JVM releases its monitor on every exit.
 */
final class MethodCheck extends MethodVisitor {
    private static final String OBJECT = "java/lang/Object";
    private static final String MEMORY = "testbed/kernel/api/Memory";
    private static final String CONTEXT = "testbed/kernel/api/Context";
    private static final String CONCAT_FACTORY = "java/lang/invoke/StringConcatFactory";
    private static final String LAMBDA_FACTORY = "java/lang/invoke/LambdaMetafactory";
    private static final String CONCAT_WITH_CONSTANTS = "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;"
            + "Ljava/lang/invoke/MethodType;Ljava/lang/String;[Ljava/lang/Object;)Ljava/lang/invoke/CallSite;";
    private static final String TO_STRING = "()Ljava/lang/String;";
    private static final Set<Integer> CLEANUP = Set.of(Opcodes.ALOAD, Opcodes.ASTORE);
    private static final String CONCAT = "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;"
            + "Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/CallSite;";

    private record Handler(Label start, Label end, Label handler, String type) {
    }

    private final Declarations self;
    private final Allowlist allowlist;
    private final boolean enforce;
    private final Set<String> trapCatchers;
    private final Set<String> helpers;
    private final List<VerifiedClass.MethodFacts> sink;
    private final String name;
    private final String descriptor;

    private int index;
    private int[] opcodes = new int[64];
    private final List<Label> pending = new ArrayList<>(2);
    private final Map<Label, Integer> labelIndex = new IdentityHashMap<>();
    private final List<Handler> handlers = new ArrayList<>();
    /** For each index, how many instructions before it are not loads or stores; computed on first need. */
    private int[] otherOpcodesBefore;

    private int backwardJumps;
    private int calls;
    private int memoryAccesses;
    private int allocations;
    private int jdkAllocations;
    private final boolean locksThis;

    MethodCheck(Declarations self, Allowlist allowlist, boolean enforce, Set<String> trapCatchers, Set<String> helpers,
            List<VerifiedClass.MethodFacts> sink, int access, String name, String descriptor) {
        super(Opcodes.ASM9);
        this.self = self;
        this.allowlist = allowlist;
        this.enforce = enforce;
        this.trapCatchers = trapCatchers;
        this.helpers = helpers;
        this.sink = sink;
        this.name = name;
        this.descriptor = descriptor;
        this.locksThis = (access & Opcodes.ACC_SYNCHRONIZED) != 0;
    }

    // ---- bookkeeping -------------------------------------------------------------------------

    /** Starts an instruction: gives pending labels its index and returns it. */
    private int begin() {
        for (Label l : pending) {
            labelIndex.put(l, index);
        }
        pending.clear();
        return index;
    }

    private void end(int opcode) {
        if (index == opcodes.length) {
            opcodes = Arrays.copyOf(opcodes, index * 2);
        }
        opcodes[index++] = opcode;
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
        if (enforce && (opcode == Opcodes.MONITORENTER || opcode == Opcodes.MONITOREXIT)) {
            throw reject(at, Rule.MONITOR, (opcode == Opcodes.MONITORENTER ? "monitorenter" : "monitorexit")
                    + " is not allowed: " + Rule.MONITOR.reason()
                    + " (use a synchronized instance method, or Context.lock for the kernel's locks)");
        }
        end(opcode);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        begin();
        if (opcode == Opcodes.NEWARRAY) {
            allocations++;
        }
        end(opcode);
    }

    @Override
    public void visitVarInsn(int opcode, int var) {
        int at = begin();
        if (opcode == Opcodes.RET) {
            throw reject(at, Rule.MALFORMED, "ret: subroutines (jsr/ret) are not allowed");
        }
        end(opcode);
    }

    @Override
    public void visitIincInsn(int var, int increment) {
        begin();
        end(Opcodes.IINC);
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
        end(opcode);
    }

    @Override
    public void visitMultiANewArrayInsn(String type, int dimensions) {
        int at = begin();
        allocations++;
        if (enforce) {
            type(at, type, "array");
        }
        end(Opcodes.MULTIANEWARRAY);
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
        end(opcode);
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
        end(opcode);
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
        end(Opcodes.INVOKEDYNAMIC);
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
        for (Type argument : Type.getArgumentTypes(methodDescriptor)) {
            if (argument.getSort() == Type.ARRAY) {
                throw denied(at, Rule.diagnose(OBJECT, "toString"), "string concatenation of an array "
                        + argument.getDescriptor() + ", which prints its identity hash,");
            }
            if (argument.getSort() == Type.OBJECT) {
                printable(at, argument.getInternalName());
            }
        }
    }

    /**
     * Concatenation converts each argument with {@code String.valueOf}, which calls its
     * {@code toString}: allowed only where the allowlist grants that {@code toString}, or for the
     * extension's own class if it declares one (its own code, verified and metered). Anything else
     * could reach {@code Object.toString} and the identity hash, which the allowlist refuses.
     */
    private void printable(int at, String type) {
        boolean own = type.equals(self.name()) && self.method("toString", TO_STRING) != null;
        if (!own && allowlist.call(type, "toString", TO_STRING) == Allowlist.Call.DENIED) {
            throw denied(at, Rule.diagnose(type, "toString"), "string concatenation of a " + type
                    + ", which calls " + type + ".toString(),");
        }
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
        end(Opcodes.LDC);
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        int at = begin();
        if (opcode == Opcodes.JSR) {
            throw reject(at, Rule.MALFORMED, "jsr: subroutines (jsr/ret) are not allowed");
        }
        jump(label);
        end(opcode);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
        begin();
        switchTargets(dflt, labels);
        end(Opcodes.TABLESWITCH);
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
        begin();
        switchTargets(dflt, labels);
        end(Opcodes.LOOKUPSWITCH);
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
        if (labelIndex.containsKey(target)) {
            backwardJumps++;
        }
    }

    @Override
    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
        handlers.add(new Handler(start, end, handler, type));
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
        sink.add(new VerifiedClass.MethodFacts(name, descriptor, index, backwardJumps, calls, memoryAccesses,
                allocations, jdkAllocations, trapHandlers, locksThis));
    }

    private void handler(Handler h, int start, int stop, int target) {
        if (h.type() != null && !allowlist.catchable(h.type())) {
            throw reject(target, Rule.CATCH, "catch of " + h.type() + " is not allowed: " + Rule.CATCH.reason()
                    + " (catch a specific exception, such as java/lang/ArithmeticException)");
        }
        if (target < stop && start < stop && !selfProtectingCleanup(start, stop, target)) {
            throw reject(target, Rule.HANDLER_LOOP, "exception handler at " + target + " protects [" + start + ", "
                    + stop + "), which it can reach again: " + Rule.HANDLER_LOOP.reason()
                    + " (place handlers after the code they protect)");
        }
    }

    /**
     * javac's clean-up handler of {@code finally} (and of {@code synchronized}): it protects itself,
     * so that a failure while it stores the exception is handled again, and holds nothing but
     * loads and stores; it cannot loop.
     */
    private boolean selfProtectingCleanup(int start, int stop, int target) {
        if (target != start) {
            return false;
        }
        if (otherOpcodesBefore == null) {
            otherOpcodesBefore = new int[index + 1];
            for (int i = 0; i < index; i++) {
                otherOpcodesBefore[i + 1] = otherOpcodesBefore[i] + (CLEANUP.contains(opcodes[i]) ? 0 : 1);
            }
        }
        return otherOpcodesBefore[stop] == otherOpcodesBefore[start];
    }
}
