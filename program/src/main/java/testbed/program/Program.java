package testbed.program;

import java.util.List;

/**
 * A generated extension program in the testbed's intermediate form: a packet filter whose body
 * is a list of {@link Op}s over {@value #REGISTERS} signed 64-bit registers {@code r0..r7}.
 *
 * <p>Registers start at zero, except that {@code r0} holds the packet's address and {@code r1}
 * its length when the filter is called. The filter returns the low 32 bits of {@code r0} when the
 * body finishes. The same program means the same thing to the {@link ProgramCompiler} (which
 * turns it into a class file that goes through the ordinary load pipeline) and to the
 * {@link ProgramInterpreter} (the trusted reference that records every address the program
 * touches).
 *
 * @param name a class-name-safe identifier, used as the simple name of the compiled class
 * @param body the operations, run in order
 */
public record Program(String name, List<Op> body) {
    /** How many registers a program has. */
    public static final int REGISTERS = 8;

    public Program {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("program name must be a Java identifier: '" + name + "'");
        }
        body = List.copyOf(body);
    }

    /** The number of operations, counting those nested in loops, conditionals and handlers. */
    public int size() {
        return Op.count(body);
    }
}
