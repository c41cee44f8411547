package testbed.bpf;

import static testbed.bpf.Codes.*;

/**
 * The static check a kernel makes before it attaches a classic BPF program, with Linux's rules
 * ({@code bpf_check_classic}, formerly {@code sk_chk_filter}); see {@link CheckRule}. What it
 * cannot see (an offset computed from packet bytes, a division by an {@code X} of zero, a load
 * far past the packet) is left to the run-time semantics of the {@link Interpreter} and the
 * {@link Jit}, and under them to the protection mode.
 */
public final class Checker {
    private static final boolean[] KNOWN = new boolean[0x10000];

    static {
        int[] alu = {ADD, SUB, MUL, DIV, MOD, AND, OR, XOR, LSH, RSH};
        for (int op : alu) {
            KNOWN[ALU | op | K] = true;
            KNOWN[ALU | op | X] = true;
        }
        KNOWN[ALU | NEG] = true;
        for (int size : new int[] {W, H, B}) {
            KNOWN[LD | size | ABS] = true;
            KNOWN[LD | size | IND] = true;
        }
        int[] known = {LD | W | LEN, LD | IMM, LD | MEM, LDX | W | LEN, LDX | B | MSH, LDX | IMM, LDX | MEM, ST, STX,
            MISC | TAX, MISC | TXA, RET | K, RET | A, JMP | JA};
        for (int code : known) {
            KNOWN[code] = true;
        }
        for (int op : new int[] {JEQ, JGT, JGE, JSET}) {
            KNOWN[JMP | op | K] = true;
            KNOWN[JMP | op | X] = true;
        }
    }

    private Checker() {
    }

    /** Whether {@code code} is one of the classic opcodes Linux accepts ({@code chk_code_allowed}). */
    public static boolean knownOpcode(int code) {
        return code >= 0 && code < KNOWN.length && KNOWN[code];
    }

    /**
     * Checks {@code program} and returns it.
     *
     * @throws CheckException naming the first rule broken and the instruction that broke it
     */
    public static FilterProgram check(FilterProgram program) throws CheckException {
        int length = program.length();
        if (length < 1 || length > MAXINSNS) {
            throw new CheckException(program, CheckRule.LENGTH, -1, "length " + length);
        }
        for (int pc = 0; pc < length; pc++) {
            instruction(program, pc);
        }
        if (cls(program.at(length - 1).code()) != RET) {
            throw new CheckException(program, CheckRule.LAST_NOT_RETURN, length - 1, "");
        }
        scratch(program);
        return program;
    }

    private static void instruction(FilterProgram program, int pc) throws CheckException {
        Instruction i = program.at(pc);
        int code = i.code();
        int k = i.k();
        if (!knownOpcode(code)) {
            throw new CheckException(program, CheckRule.OPCODE, pc, "0x" + Integer.toHexString(code));
        }
        int length = program.length();
        switch (cls(code)) {
            case ALU -> {
                int op = op(code);
                if (src(code) == K && (op == DIV || op == MOD) && k == 0) {
                    throw new CheckException(program, CheckRule.DIVISION_BY_ZERO, pc, "");
                }
                if (src(code) == K && (op == LSH || op == RSH) && Integer.compareUnsigned(k, 32) >= 0) {
                    throw new CheckException(program, CheckRule.SHIFT_RANGE, pc, "k " + Integer.toUnsignedString(k));
                }
            }
            case LD, LDX, ST, STX -> {
                boolean scratch = cls(code) == ST || cls(code) == STX || mode(code) == MEM;
                if (scratch && Integer.compareUnsigned(k, MEMWORDS) >= 0) {
                    throw new CheckException(program, CheckRule.SCRATCH_INDEX, pc, "M[" + Integer.toUnsignedString(k) + "]");
                }
                if (cls(code) == LD && mode(code) == ABS && Integer.compareUnsigned(k, SKF_AD_OFF) >= 0) {
                    String name = ancillaryName(k);
                    if (name == null) {
                        throw new CheckException(program, CheckRule.UNKNOWN_ANCILLARY, pc,
                                "SKF_AD_OFF + " + (k - SKF_AD_OFF));
                    }
                    if (!ancillarySupported(k)) {
                        throw new CheckException(program, CheckRule.UNSUPPORTED_ANCILLARY, pc, name);
                    }
                }
            }
            case JMP -> {
                if (op(code) == JA) {
                    // k is unsigned: a "negative" k, a backward jump, is a huge forward one.
                    if (Long.compareUnsigned(Integer.toUnsignedLong(k), length - pc - 1L) >= 0) {
                        throw new CheckException(program, CheckRule.JUMP_RANGE, pc,
                                "ja " + Integer.toUnsignedString(k) + " reaches " + (pc + 1 + Integer.toUnsignedLong(k))
                                        + ", length " + length);
                    }
                } else {
                    if (pc + i.jt() + 1 >= length) {
                        throw new CheckException(program, CheckRule.JUMP_RANGE, pc,
                                "jt reaches " + (pc + i.jt() + 1) + ", length " + length);
                    }
                    if (pc + i.jf() + 1 >= length) {
                        throw new CheckException(program, CheckRule.JUMP_RANGE, pc,
                                "jf reaches " + (pc + i.jf() + 1) + ", length " + length);
                    }
                }
            }
            default -> {
            }
        }
    }

    /**
     * Linux's {@code check_load_and_stores}: one pass in program order, carrying the set of
     * cells stored on the way to each instruction; a jump narrows its targets' sets to what
     * holds at the jump, and the instruction after a jump starts from what its jumpers left.
     * The pass follows straight-line order after a return too, which only ever narrows a set.
     */
    private static void scratch(FilterProgram program) throws CheckException {
        int length = program.length();
        int[] masks = new int[length];
        java.util.Arrays.fill(masks, 0xffff);
        int valid = 0;
        for (int pc = 0; pc < length; pc++) {
            valid &= masks[pc];
            Instruction i = program.at(pc);
            int code = i.code();
            if (code == ST || code == STX) {
                valid |= 1 << i.k();
            } else if (code == (LD | MEM) || code == (LDX | MEM)) {
                if ((valid & (1 << i.k())) == 0) {
                    throw new CheckException(program, CheckRule.UNINITIALISED_SCRATCH, pc, "M[" + i.k() + "]");
                }
            } else if (code == (JMP | JA)) {
                masks[pc + 1 + i.k()] &= valid;
                valid = 0xffff;
            } else if (cls(code) == JMP) {
                masks[pc + 1 + i.jt()] &= valid;
                masks[pc + 1 + i.jf()] &= valid;
                valid = 0xffff;
            }
        }
    }
}
