package testbed.bpf.fuzz;

import static testbed.bpf.Codes.*;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import testbed.bpf.FilterProgram;
import testbed.bpf.Instruction;

/**
 * Random classic BPF programs that pass the checker by construction, biased toward what the
 * checker cannot judge: packet offsets at and past the end of frames, huge and negative offsets,
 * indirect loads through an X taken from packet bytes, division and shifts by X, early returns,
 * answers larger than the packet. Scratch cells are read only after a store that every path
 * passes (the stores come before the first jump).
 *
 * <p>The choices come from a {@link Choices}: a seeded random source, or a fuzzer's input. The
 * generator counts the {@link Kind}s it produced, so a property test can check that each appears.
 */
public final class ProgramGenerator {
    /** Where the generator's decisions come from. */
    public interface Choices {
        /** A value in {@code [0, bound)}; {@code bound} is positive. */
        int nextInt(int bound);

        /** Any 32-bit value. */
        int nextInt();
    }

    /** What a generated instruction exercises. */
    public enum Kind {
        LOAD_INSIDE, LOAD_AT_THE_END, LOAD_HUGE_OFFSET, LOAD_NEGATIVE_OFFSET, LOAD_INDIRECT, LOAD_MSH, LOAD_LENGTH,
        ANCILLARY, SCRATCH, ALU_CONSTANT, DIVIDE_BY_X, SHIFT_BY_X, JUMP, EARLY_RETURN, RETURN_A, RETURN_HUGE
    }

    /** Offsets that matter for the standard frames: header fields, the ends of short and full frames. */
    private static final int[] OFFSETS = {0, 6, 12, 13, 14, 20, 22, 23, 26, 30, 34, 36, 38, 40, 41, 42, 54, 56, 62, 1510,
        1513, 1514};
    private static final int[] HUGE = {65536, 0x7ffffff0, 0x7fffffff, 0x10000000, 0x4000000, Integer.MIN_VALUE, SKF_AD_OFF - 4};
    private static final int[] NEGATIVE = {SKF_NET_OFF, SKF_NET_OFF + 9, SKF_NET_OFF + 12, SKF_LL_OFF, SKF_LL_OFF + 12,
        SKF_LL_OFF - 1, -0x300000};
    private static final int[] ALU_OPS = {ADD, SUB, MUL, DIV, MOD, AND, OR, XOR, LSH, RSH};
    private static final int[] JUMP_OPS = {JEQ, JGT, JGE, JSET};
    private static final int[] ANSWERS = {0, 1, 14, 60, 65535, 262144, -1};

    private final int maxLength;
    private final Map<Kind, Integer> counts = new EnumMap<>(Kind.class);

    /** A generator of programs of 1 to {@code maxLength} instructions (at most 4096). */
    public ProgramGenerator(int maxLength) {
        if (maxLength < 1 || maxLength > MAXINSNS) {
            throw new IllegalArgumentException("maxLength must be 1.." + MAXINSNS);
        }
        this.maxLength = maxLength;
    }

    /** How many instructions of each kind this generator has produced so far. */
    public Map<Kind, Integer> counts() {
        return Map.copyOf(counts);
    }

    private void count(Kind kind) {
        counts.merge(kind, 1, Integer::sum);
    }

    /** A new program called {@code name}. */
    public FilterProgram generate(Choices choices, String name) {
        int length = 1 + choices.nextInt(maxLength);
        List<Instruction> program = new ArrayList<>(length);
        int stored = 0;
        boolean jumped = false;
        for (int pc = 0; pc < length - 1; pc++) {
            int left = length - pc - 2;
            Instruction i = switch (choices.nextInt(10)) {
                case 0, 1 -> load(choices);
                case 2 -> indexRegister(choices);
                case 3, 4 -> alu(choices);
                case 5 -> {
                    if (!jumped || choices.nextInt(4) == 0) {
                        int cell = choices.nextInt(MEMWORDS);
                        if (!jumped) {
                            stored |= 1 << cell;
                        }
                        count(Kind.SCRATCH);
                        yield Instruction.of(choices.nextInt(2) == 0 ? ST : STX, cell);
                    }
                    yield scratchRead(choices, stored);
                }
                case 6, 7 -> {
                    jumped = true;
                    yield jump(choices, left);
                }
                case 8 -> Instruction.of(MISC | (choices.nextInt(2) == 0 ? TAX : TXA), 0);
                default -> {
                    if (choices.nextInt(3) == 0) {
                        count(Kind.EARLY_RETURN);
                        yield ret(choices);
                    }
                    yield load(choices);
                }
            };
            program.add(i);
        }
        program.add(ret(choices));
        return new FilterProgram(name, program);
    }

    private Instruction scratchRead(Choices choices, int stored) {
        if (stored == 0) {
            return Instruction.of(LD | IMM, choices.nextInt());
        }
        int cell;
        do {
            cell = choices.nextInt(MEMWORDS);
        } while ((stored & (1 << cell)) == 0);
        count(Kind.SCRATCH);
        return Instruction.of((choices.nextInt(2) == 0 ? LD : LDX) | MEM, cell);
    }

    private int pick(Choices choices, int[] values) {
        return values[choices.nextInt(values.length)];
    }

    private int offset(Choices choices) {
        switch (choices.nextInt(8)) {
            case 0 -> {
                count(Kind.LOAD_HUGE_OFFSET);
                return pick(choices, HUGE);
            }
            case 1 -> {
                count(Kind.LOAD_NEGATIVE_OFFSET);
                return pick(choices, NEGATIVE);
            }
            case 2 -> {
                count(Kind.LOAD_AT_THE_END);
                return pick(choices, new int[] {7, 8, 9, 10, 40, 41, 42, 1510, 1511, 1512, 1513, 1514});
            }
            default -> {
                count(Kind.LOAD_INSIDE);
                return pick(choices, OFFSETS);
            }
        }
    }

    private Instruction load(Choices choices) {
        int size = pick(choices, new int[] {W, H, B});
        switch (choices.nextInt(8)) {
            case 0 -> {
                count(Kind.LOAD_LENGTH);
                return Instruction.of(LD | W | LEN, 0);
            }
            case 1 -> {
                return Instruction.of(LD | IMM, choices.nextInt(3) == 0 ? choices.nextInt() : choices.nextInt(64));
            }
            case 2 -> {
                count(Kind.ANCILLARY);
                return Instruction.of(LD | size | ABS, SKF_AD_OFF + (choices.nextInt(2) == 0 ? AD_PROTOCOL : AD_ALU_XOR_X));
            }
            case 3, 4 -> {
                count(Kind.LOAD_INDIRECT);
                return Instruction.of(LD | size | IND, choices.nextInt(2) == 0 ? offset(choices) : choices.nextInt(16));
            }
            default -> {
                return Instruction.of(LD | size | ABS, offset(choices));
            }
        }
    }

    private Instruction indexRegister(Choices choices) {
        switch (choices.nextInt(4)) {
            case 0 -> {
                count(Kind.LOAD_MSH);
                return Instruction.of(LDX | B | MSH, choices.nextInt(4) == 0 ? offset(choices) : 14);
            }
            case 1 -> {
                return Instruction.of(LDX | W | LEN, 0);
            }
            default -> {
                return Instruction.of(LDX | IMM, choices.nextInt(2) == 0 ? choices.nextInt() : pick(choices, OFFSETS));
            }
        }
    }

    private Instruction alu(Choices choices) {
        if (choices.nextInt(12) == 0) {
            return Instruction.of(ALU | NEG, 0);
        }
        int op = pick(choices, ALU_OPS);
        if (choices.nextInt(2) == 0) {
            count(op == DIV || op == MOD ? Kind.DIVIDE_BY_X : op == LSH || op == RSH ? Kind.SHIFT_BY_X : Kind.ALU_CONSTANT);
            return Instruction.of(ALU | op | X, 0);
        }
        int k = choices.nextInt();
        if (op == DIV || op == MOD) {
            k = k == 0 ? 1 : k;
        } else if (op == LSH || op == RSH) {
            k = choices.nextInt(32);
        }
        count(Kind.ALU_CONSTANT);
        return Instruction.of(ALU | op | K, k);
    }

    private Instruction jump(Choices choices, int left) {
        count(Kind.JUMP);
        if (choices.nextInt(6) == 0) {
            return Instruction.of(JMP | JA, choices.nextInt(left + 1));
        }
        int reach = Math.min(255, left);
        int op = pick(choices, JUMP_OPS);
        int src = choices.nextInt(3) == 0 ? X : K;
        int k = choices.nextInt(2) == 0 ? choices.nextInt() : pick(choices, new int[] {0, 6, 17, 0x800, 0x86dd, 1, 0x1fff});
        return new Instruction(JMP | op | src, choices.nextInt(reach + 1), choices.nextInt(reach + 1), k);
    }

    private Instruction ret(Choices choices) {
        if (choices.nextInt(3) == 0) {
            count(Kind.RETURN_A);
            return Instruction.of(RET | A, 0);
        }
        int answer = pick(choices, ANSWERS);
        if (answer == -1) {
            count(Kind.RETURN_HUGE);
        }
        return Instruction.of(RET | K, answer);
    }
}
