package testbed.sandbox.verify;

import java.util.Objects;
import java.util.Optional;

/**
 * An extension refused at load time: which {@link Rule} it broke and where, in the style of the
 * eBPF and SQLite verifiers, so that a user can fix the extension from the message alone:
 *
 * <pre>
 * rejected [REFLECTION] com.x.Evil.filter(Ltestbed/kernel/api/Context;JI)I@7: call to java/lang/Class.forName is not allowed: reflection
 * rejected [STATIC_STATE] com.x.Evil: static field TABLE of type [I is not allowed: state shared between domains
 * </pre>
 *
 * The location is the class's binary name, the method's name and descriptor, and the index of the
 * instruction (counted from 0 in the method's code, labels and frames not counted). Rules about the
 * class as a whole or a declaration carry no instruction ({@code -1}); class-level ones carry no
 * method either. Every part is also available as a typed value.
 */
public final class Rejection extends Exception {
    /** The class name used when the bytes are too broken to tell. */
    public static final String UNKNOWN_CLASS = "<unknown>";

    private final Rule rule;
    private final String className;
    private final String methodName;
    private final String methodDescriptor;
    private final int instruction;
    private final String detail;

    Rejection(Rule rule, String className, String methodName, String methodDescriptor, int instruction, String detail,
            Throwable cause) {
        super(message(rule, className, methodName, methodDescriptor, instruction, detail), cause, false, false);
        this.rule = Objects.requireNonNull(rule);
        this.className = Objects.requireNonNull(className);
        this.methodName = methodName;
        this.methodDescriptor = methodDescriptor;
        this.instruction = instruction;
        this.detail = Objects.requireNonNull(detail);
    }

    /** A rejection of the class as a whole. */
    static Rejection ofClass(Rule rule, String className, String detail) {
        return new Rejection(rule, className, null, null, -1, detail, null);
    }

    /** A rejection of a method's declaration ({@code instruction < 0}) or of one of its instructions. */
    static Rejection ofMethod(Rule rule, String className, String methodName, String methodDescriptor, int instruction,
            String detail) {
        return new Rejection(rule, className, methodName, methodDescriptor, instruction, detail, null);
    }

    /** A {@link Rule#SHAPE} rejection found after verification, for example when constructing the extension. */
    public static Rejection shape(String className, String detail) {
        return ofClass(Rule.SHAPE, className, detail);
    }

    /** A {@link Rule#JVM_VERIFICATION} rejection: the JVM refused the class when it was defined or linked. */
    public static Rejection jvmVerification(String className, Throwable cause) {
        String detail = cause.getClass().getName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        return new Rejection(Rule.JVM_VERIFICATION, className, null, null, -1, detail, cause);
    }

    /** A {@link Rule#REWRITE} rejection: the rewrite stage refused the verified class. */
    public static Rejection rewrite(String className, Throwable cause) {
        String detail = cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage();
        return new Rejection(Rule.REWRITE, className, null, null, -1, detail, cause);
    }

    /** The rule the extension broke. */
    public Rule rule() {
        return rule;
    }

    /** The binary name of the rejected class ({@code com.x.Evil}), or {@link #UNKNOWN_CLASS}. */
    public String className() {
        return className;
    }

    /** The name of the offending method; empty when the class as a whole is rejected. */
    public Optional<String> methodName() {
        return Optional.ofNullable(methodName);
    }

    /** The descriptor of the offending method; empty when the class as a whole is rejected. */
    public Optional<String> methodDescriptor() {
        return Optional.ofNullable(methodDescriptor);
    }

    /** Index of the offending instruction in the method's code, or {@code -1} for a declaration or the class. */
    public int instruction() {
        return instruction;
    }

    /** What is wrong, without the location: the part of the message after the colon. */
    public String detail() {
        return detail;
    }

    private static String message(Rule rule, String className, String methodName, String methodDescriptor,
            int instruction, String detail) {
        StringBuilder m = new StringBuilder("rejected [").append(rule.name()).append("] ").append(className);
        if (methodName != null) {
            m.append('.').append(methodName).append(methodDescriptor);
            if (instruction >= 0) {
                m.append('@').append(instruction);
            }
        }
        return m.append(": ").append(detail).toString();
    }
}
