package testbed.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static testbed.bpf.Codes.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Linux's semantics in the corners where implementations differ; the same cases run through the JIT in {@link JitTest}. */
class InterpreterTest {
    static final byte[] FRAME = new byte[60];

    static {
        for (int i = 0; i < FRAME.length; i++) {
            FRAME[i] = (byte) (i * 7 + 1);
        }
        FRAME[12] = 0x08;
        FRAME[13] = 0x00;
    }

    static FilterProgram program(Instruction... is) throws CheckException {
        return Checker.check(new FilterProgram("t", List.of(is)));
    }

    static final Instruction RET_A = Instruction.of(RET | A, 0);

    static int run(FilterProgram p) {
        return Interpreter.run(p, FRAME, FRAME.length);
    }

    /** Named cases with the answer Linux gives; each is run by both the interpreter and the JIT. */
    static List<Object[]> cases() throws CheckException {
        return List.of(
                new Object[] {"word load is big-endian", program(Instruction.of(LD | W | ABS, 0), RET_A), 0x01080f16},
                new Object[] {"half load", program(Instruction.of(LD | H | ABS, 12), RET_A), 0x0800},
                new Object[] {"byte load", program(Instruction.of(LD | B | ABS, 59), RET_A), (59 * 7 + 1) & 0xff},
                new Object[] {"load past the end ends with 0", program(Instruction.of(LD | W | ABS, 57), Instruction.of(RET | K, 5)), 0},
                new Object[] {"huge absolute offset ends with 0", program(Instruction.of(LD | B | ABS, 0x7fffffff), Instruction.of(RET | K, 5)), 0},
                new Object[] {"len", program(Instruction.of(LD | W | LEN, 0), RET_A), 60},
                new Object[] {"msh", program(Instruction.of(LDX | B | MSH, 14), Instruction.of(MISC | TXA, 0), RET_A), ((14 * 7 + 1) & 0xf) * 4},
                new Object[] {"indirect load", program(Instruction.of(LDX | IMM, 10), Instruction.of(LD | B | IND, 5), RET_A), 15 * 7 + 1},
                new Object[] {"indirect offset wraps to the link-layer area", program(Instruction.of(LDX | IMM, SKF_LL_OFF - 3),
                        Instruction.of(LD | B | IND, 5), RET_A), 2 * 7 + 1},
                new Object[] {"net offset counts from byte 14", program(Instruction.of(LD | B | ABS, SKF_NET_OFF + 2), RET_A), 16 * 7 + 1},
                new Object[] {"below SKF_LL_OFF fails", program(Instruction.of(LDX | IMM, -0x300000), Instruction.of(LD | B | IND, 0),
                        Instruction.of(RET | K, 9)), 0},
                new Object[] {"division by X = 0 ends with 0", program(Instruction.of(LD | IMM, 7), Instruction.of(ALU | DIV | X, 0),
                        Instruction.of(RET | K, 9)), 0},
                new Object[] {"remainder by X = 0 ends with 0", program(Instruction.of(ALU | MOD | X, 0), Instruction.of(RET | K, 9)), 0},
                new Object[] {"division is unsigned", program(Instruction.of(LD | IMM, -2), Instruction.of(ALU | DIV | K, 2), RET_A), 0x7fffffff},
                new Object[] {"shift by X uses X & 31", program(Instruction.of(LD | IMM, 1), Instruction.of(LDX | IMM, 33),
                        Instruction.of(ALU | LSH | X, 0), RET_A), 2},
                new Object[] {"neg", program(Instruction.of(LD | IMM, 5), Instruction.of(ALU | NEG, 0), RET_A), -5},
                new Object[] {"jgt is unsigned", program(Instruction.of(LD | IMM, -1), new Instruction(JMP | JGT | K, 0, 1, 1),
                        Instruction.of(RET | K, 1), Instruction.of(RET | K, 2)), 1},
                new Object[] {"jset", program(Instruction.of(LD | IMM, 6), new Instruction(JMP | JSET | K, 1, 0, 8),
                        Instruction.of(RET | K, 1), Instruction.of(RET | K, 2)), 1},
                new Object[] {"scratch memory", program(Instruction.of(LD | IMM, 42), Instruction.of(ST, 15), Instruction.of(LD | IMM, 0),
                        Instruction.of(LDX | MEM, 15), Instruction.of(MISC | TXA, 0), RET_A), 42},
                new Object[] {"protocol ancillary is the EtherType", program(Instruction.of(LD | H | ABS, SKF_AD_OFF + AD_PROTOCOL), RET_A), 0x0800},
                new Object[] {"alu_xor_x ancillary", program(Instruction.of(LD | IMM, 0xf0), Instruction.of(LDX | IMM, 0xff),
                        Instruction.of(LD | W | ABS, SKF_AD_OFF + AD_ALU_XOR_X), RET_A), 0x0f},
                new Object[] {"ja skips", program(Instruction.of(JMP | JA, 1), Instruction.of(RET | K, 1), Instruction.of(RET | K, 2)), 2});
    }

    @Test
    void linuxSemantics() throws CheckException {
        for (Object[] c : cases()) {
            assertThat(run((FilterProgram) c[1])).as((String) c[0]).isEqualTo((int) c[2]);
        }
    }

    @Test
    void theAnswerIsTheReturnedConstant() throws CheckException {
        assertThat(run(program(Instruction.of(RET | K, 262144)))).isEqualTo(262144);
        assertThat(Interpreter.run(program(Instruction.of(LD | H | ABS, SKF_AD_OFF), RET_A), new byte[4], 4))
                .as("a frame too short for an EtherType").isZero();
    }
}
