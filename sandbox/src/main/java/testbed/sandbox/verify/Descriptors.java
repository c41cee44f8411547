package testbed.sandbox.verify;

import java.util.ArrayList;
import java.util.List;

/** Strict parsing of JVM field and method descriptors; anything malformed is an {@link IllegalArgumentException}. */
final class Descriptors {
    private Descriptors() {
    }

    /** The classes a field descriptor ({@code I}, {@code [Ljava/lang/String;}) names: none or one. */
    static List<String> classesOfField(String descriptor) {
        List<String> classes = new ArrayList<>(1);
        int end = fieldType(descriptor, 0, classes);
        if (end != descriptor.length()) {
            throw new IllegalArgumentException("bad field descriptor " + descriptor);
        }
        return classes;
    }

    /** The classes a method descriptor names in its parameters and return type, in order. */
    static List<String> classesOfMethod(String descriptor) {
        List<String> classes = new ArrayList<>(4);
        walkMethod(descriptor, classes);
        return classes;
    }

    /** Local variable slots the parameters of a method descriptor occupy ({@code long} and {@code double} take two). */
    static int parameterSlots(String descriptor) {
        return walkMethod(descriptor, new ArrayList<>(4));
    }

    /**
     * The class an instruction's type operand names: an internal name ({@code java/lang/String})
     * or an array descriptor ({@code [[I}, {@code [Ljava/lang/String;}). Null for arrays of primitives.
     */
    static String classOfTypeOperand(String operand) {
        if (operand.isEmpty()) {
            throw new IllegalArgumentException("empty type operand");
        }
        if (operand.charAt(0) != '[') {
            checkInternalName(operand);
            return operand;
        }
        List<String> classes = classesOfField(operand);
        return classes.isEmpty() ? null : classes.get(0);
    }

    /** Checks a class's internal name: slash-separated, non-empty parts, none of {@code . ; [ /} inside a part. */
    static void checkInternalName(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.endsWith("/") || name.contains("//")) {
            throw new IllegalArgumentException("bad class name " + name);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '.' || c == ';' || c == '[') {
                throw new IllegalArgumentException("bad class name " + name);
            }
        }
    }

    private static int walkMethod(String descriptor, List<String> classes) {
        if (descriptor.isEmpty() || descriptor.charAt(0) != '(') {
            throw new IllegalArgumentException("bad method descriptor " + descriptor);
        }
        int i = 1;
        int slots = 0;
        while (i < descriptor.length() && descriptor.charAt(i) != ')') {
            char c = descriptor.charAt(i);
            slots += c == 'J' || c == 'D' ? 2 : 1;
            i = fieldType(descriptor, i, classes);
        }
        if (i >= descriptor.length()) {
            throw new IllegalArgumentException("bad method descriptor " + descriptor);
        }
        i++;
        int end = i < descriptor.length() && descriptor.charAt(i) == 'V' ? i + 1 : fieldType(descriptor, i, classes);
        if (end != descriptor.length()) {
            throw new IllegalArgumentException("bad method descriptor " + descriptor);
        }
        return slots;
    }

    /** Parses one field type at {@code i}; returns the index after it. */
    private static int fieldType(String d, int i, List<String> classes) {
        int dims = 0;
        while (i < d.length() && d.charAt(i) == '[') {
            i++;
            dims++;
        }
        if (dims > 255 || i >= d.length()) {
            throw new IllegalArgumentException("bad descriptor " + d);
        }
        switch (d.charAt(i)) {
            case 'B': case 'C': case 'D': case 'F': case 'I': case 'J': case 'S': case 'Z':
                return i + 1;
            case 'L':
                int semi = d.indexOf(';', i);
                if (semi < 0) {
                    throw new IllegalArgumentException("bad descriptor " + d);
                }
                String name = d.substring(i + 1, semi);
                checkInternalName(name);
                classes.add(name);
                return semi + 1;
            default:
                throw new IllegalArgumentException("bad descriptor " + d);
        }
    }
}
