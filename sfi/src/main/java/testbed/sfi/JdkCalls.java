package testbed.sfi;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.jar.asm.Type;

/**
 * What a call from extension code into the JDK costs, as a function of its arguments' lengths.
 * The rewrite charges that cost to the domain's meter before the call ({@code Meter.work}), so
 * that fuel bounds the time spent inside the JDK and the byte budget what the JDK allocates there.
 *
 * <p>The rule is by default, not by list: a JDK member is charged by the lengths of its receiver
 * and every string, string builder or array argument (an upper bound of a linear scan or copy),
 * and, if it returns a reference, for a result of that many characters. The exceptions are the
 * members known to do less ({@link Shape#FREE}: constant time and no allocation), to do more
 * (searches, {@link Shape#SEARCH}: the naive search is quadratic), or whose work an
 * {@code int} argument names ({@code System.arraycopy}). So a member added to the verifier's
 * allowlist later is charged safely before anyone looks at it.
 */
final class JdkCalls {
    /** How the elements of work are computed from the arguments. */
    enum Shape {
        /** Constant time, no allocation: not charged. */
        FREE,
        /** The lengths of the receiver and every reference argument, summed. */
        ALL,
        /** The lengths of the reference arguments, not the receiver (appending to a builder). */
        ARGUMENTS,
        /** The receiver's length times (the first reference argument's length plus one). */
        SEARCH,
        /** The value of one {@code int} argument. */
        COUNT
    }

    /**
     * @param shape how work is measured
     * @param countArgument the argument whose value is the count ({@link Shape#COUNT} only)
     * @param bytesPerElement bytes charged per element of work for what the call allocates
     * @param fixedBytes bytes charged per call for what it allocates
     */
    record Cost(Shape shape, int countArgument, int bytesPerElement, int fixedBytes) {
        static final Cost FREE = new Cost(Shape.FREE, -1, 0, 0);
    }

    /** A string: its header and array header, then up to two bytes per character. */
    private static final int STRING_BYTES = 40;
    /** A string or builder of a printed primitive: at most 20 characters. */
    private static final Cost PRINTED = new Cost(Shape.ALL, -1, 0, STRING_BYTES + 2 * 20);
    private static final Cost LINEAR = new Cost(Shape.ALL, -1, 0, 0);
    private static final Cost COPYING = new Cost(Shape.ALL, -1, 2, STRING_BYTES);
    /** Appending: the builder's array grows by doubling, so each appended character costs at most two more of its own size. */
    private static final Cost APPENDING = new Cost(Shape.ARGUMENTS, -1, 6, 2 * 20 + 16);

    /** Owners of constant-time members only. Not Object: its equals may dispatch to a string's. */
    private static final Set<String> FREE_OWNERS = Set.of("java/lang/Math", "java/lang/StrictMath", "java/lang/Character",
            "java/lang/Boolean", "java/util/Objects", "java/lang/CharSequence");
    private static final Set<String> FREE_MEMBERS = Set.of("length", "isEmpty", "charAt", "setCharAt", "getMessage",
            "intValue", "longValue", "shortValue", "byteValue", "charValue", "booleanValue", "compare", "compareUnsigned",
            "signum", "bitCount", "rotateLeft", "rotateRight", "reverse", "reverseBytes", "highestOneBit", "lowestOneBit",
            "numberOfLeadingZeros", "numberOfTrailingZeros", "divideUnsigned", "remainderUnsigned", "toUnsignedLong",
            "toUnsignedInt", "sum", "max", "min");
    private static final Set<String> BOXES = Set.of("java/lang/Integer", "java/lang/Long", "java/lang/Short", "java/lang/Byte");
    private static final Set<String> SEARCHES = Set.of("indexOf", "lastIndexOf", "contains");
    private static final Set<String> STRING_COPIES = Set.of("concat", "substring", "trim", "strip", "toCharArray", "valueOf",
            "toString");

    private static final Map<String, Boolean> THROWABLES = new ConcurrentHashMap<>();

    private JdkCalls() {
    }

    /** Whether {@code owner} is a JDK class whose calls this table prices. */
    static boolean isJdk(String owner) {
        return owner.startsWith("java/");
    }

    /** The cost of a call to {@code owner.name descriptor}, a JDK method other than a constructor. */
    static Cost of(String owner, String name, String descriptor) {
        Type[] parameters = Type.getArgumentTypes(descriptor);
        boolean referenceArguments = false;
        for (Type t : parameters) {
            referenceArguments |= t.getSort() == Type.OBJECT || t.getSort() == Type.ARRAY;
        }
        boolean returnsReference = Type.getReturnType(descriptor).getSort() >= Type.ARRAY;
        if (FREE_OWNERS.contains(owner) || isThrowable(owner) && !referenceArguments) {
            return Cost.FREE;
        }
        if (owner.equals("java/lang/System") && name.equals("arraycopy") && parameters.length == 5) {
            return new Cost(Shape.COUNT, 4, 0, 0);
        }
        boolean string = owner.equals("java/lang/String");
        boolean builder = owner.equals("java/lang/StringBuilder");
        if (string && name.equals("toString") && parameters.length == 0) {
            return Cost.FREE; // String.toString returns this
        }
        if (FREE_MEMBERS.contains(name) && (BOXES.contains(owner) || string && !referenceArguments
                || builder && (name.equals("length") || name.equals("charAt") || name.equals("setCharAt")))) {
            return Cost.FREE;
        }
        if (BOXES.contains(owner) && !referenceArguments) {
            return returnsReference ? PRINTED : Cost.FREE; // valueOf, toString(int), toHexString: one small object
        }
        if ((string || builder) && SEARCHES.contains(name) && referenceArguments) {
            return new Cost(Shape.SEARCH, -1, 0, 0);
        }
        if (builder && (name.equals("append") || name.equals("insert"))) {
            return APPENDING;
        }
        if (string && STRING_COPIES.contains(name) || builder && name.equals("toString")) {
            return referenceArguments || !name.equals("valueOf") ? COPYING : PRINTED;
        }
        return returnsReference ? COPYING : LINEAR;
    }

    /**
     * Whether a JDK class is a {@link Throwable}. Only classes of the JDK are asked, through the
     * bootstrap and platform loaders without initialising them: the extension's own classes are
     * never loaded in the host.
     */
    static boolean isThrowable(String owner) {
        if (!isJdk(owner)) {
            return false;
        }
        return THROWABLES.computeIfAbsent(owner, o -> {
            try {
                return Throwable.class.isAssignableFrom(Class.forName(o.replace('/', '.'), false,
                        ClassLoader.getPlatformClassLoader()));
            } catch (ClassNotFoundException | LinkageError e) {
                return false;
            }
        });
    }
}
