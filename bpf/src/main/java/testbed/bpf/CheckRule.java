package testbed.bpf;

/**
 * The rules of Linux's classic BPF checker ({@code bpf_check_classic} in
 * {@code net/core/filter.c}), one constant each, plus the one rule of this implementation that
 * Linux does not have ({@link #UNSUPPORTED_ANCILLARY}).
 */
public enum CheckRule {
    /** {@code bpf_check_basics_ok}: 1 to {@value Codes#MAXINSNS} instructions. */
    LENGTH("program length must be 1.." + Codes.MAXINSNS),
    /** {@code chk_code_allowed}: the opcode is one of the classic set. */
    OPCODE("unknown opcode"),
    /** {@code BPF_ALU|BPF_DIV|BPF_K} and {@code BPF_MOD|BPF_K} with {@code k == 0}. */
    DIVISION_BY_ZERO("division by a constant zero"),
    /** {@code BPF_LSH|BPF_K} and {@code BPF_RSH|BPF_K} with {@code k >= 32}. */
    SHIFT_RANGE("shift by a constant of 32 or more"),
    /** {@code BPF_LD|BPF_MEM}, {@code BPF_LDX|BPF_MEM}, {@code BPF_ST}, {@code BPF_STX} with {@code k >= 16}. */
    SCRATCH_INDEX("scratch memory index must be below " + Codes.MEMWORDS),
    /** Jumps are forward by construction; the target must lie inside the program. */
    JUMP_RANGE("jump target outside the program"),
    /** An absolute load at {@code k >= SKF_AD_OFF} that names no ancillary field Linux knows. */
    UNKNOWN_ANCILLARY("unknown ancillary load"),
    /** A Linux ancillary field that this implementation does not provide (only {@code protocol} and {@code alu_xor_x} are). */
    UNSUPPORTED_ANCILLARY("unsupported ancillary load"),
    /** The last instruction must be {@code BPF_RET}. */
    LAST_NOT_RETURN("last instruction must be a return"),
    /** {@code check_load_and_stores}: a scratch cell read on some path before any store to it. */
    UNINITIALISED_SCRATCH("read of a scratch cell that may be uninitialised");

    private final String description;

    CheckRule(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
