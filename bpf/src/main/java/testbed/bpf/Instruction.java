package testbed.bpf;

/**
 * One classic BPF instruction, {@code struct sock_filter}: a 16-bit opcode, two 8-bit jump
 * offsets and a 32-bit constant.
 *
 * @param code the opcode (class, size, mode, operation and source bits; see {@link Codes})
 * @param jt jump offset when a conditional jump is taken, 0..255
 * @param jf jump offset when it is not, 0..255
 * @param k the constant, an unsigned 32-bit value held in an {@code int}
 */
public record Instruction(int code, int jt, int jf, int k) {
    public Instruction {
        if (code < 0 || code > 0xffff || jt < 0 || jt > 0xff || jf < 0 || jf > 0xff) {
            throw new IllegalArgumentException("instruction fields out of range: " + this);
        }
    }

    /** An instruction without jump offsets. */
    public static Instruction of(int code, int k) {
        return new Instruction(code, 0, 0, k);
    }

    /** The instruction as {@code tcpdump -ddd} prints it: {@code code jt jf k}, all decimal. */
    public String ddd() {
        return code + " " + jt + " " + jf + " " + Integer.toUnsignedString(k);
    }

    @Override
    public String toString() {
        return String.format("{ 0x%x, %d, %d, 0x%08x }", code, jt, jf, k);
    }
}
