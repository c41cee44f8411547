package testbed.bpf;

/**
 * A program the checker refuses. The message names the rule, the instruction index and the
 * instruction, the way the Java verifier's rejections do:
 * {@code rejected [JUMP_RANGE] f@3 { 0x15, 9, 0, 0x00000006 }: jump target outside the program: jt reaches 13, length 12}.
 */
public final class CheckException extends Exception {
    private static final long serialVersionUID = 1L;

    private final CheckRule rule;
    private final int index;

    CheckException(FilterProgram program, CheckRule rule, int index, String detail) {
        super("rejected [" + rule + "] " + program.name() + "@" + index
                + (index >= 0 && index < program.length() ? " " + program.at(index) : "")
                + ": " + rule.description() + (detail.isEmpty() ? "" : ": " + detail));
        this.rule = rule;
        this.index = index;
    }

    public CheckRule rule() {
        return rule;
    }

    /** Index of the offending instruction; {@code -1} for a rule about the whole program. */
    public int index() {
        return index;
    }
}
