package testbed.bpf;

/**
 * A program file that cannot be read as classic BPF: its message is one line that names the
 * file, the line (for text forms) and the instruction, e.g.
 * {@code f.ddd: line 4, instruction 2: unknown opcode 0x99}.
 */
public final class FormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public FormatException(String message) {
        super(message);
    }
}
