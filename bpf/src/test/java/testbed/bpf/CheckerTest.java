package testbed.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static testbed.bpf.Codes.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckerTest {
    private static FilterProgram program(Instruction... is) {
        return new FilterProgram("p", List.of(is));
    }

    private static CheckException rejection(FilterProgram p) {
        return catchThrowableOfType(CheckException.class, () -> Checker.check(p));
    }

    private static Instruction ret(int k) {
        return Instruction.of(RET | K, k);
    }

    private static void assertRejected(FilterProgram p, CheckRule rule, int index, String message) {
        CheckException e = rejection(p);
        assertThat(e).as("rejection of %s", p).isNotNull();
        assertThat(e.rule()).isEqualTo(rule);
        assertThat(e.index()).isEqualTo(index);
        assertThat(e.getMessage()).isEqualTo(message);
    }

    @Test
    void everyReferenceProgramPasses() throws Exception {
        for (ReferenceVerdicts.Filter f : ReferenceVerdicts.read(LibpcapDifferentialTest.reference("filters.json")).filters()) {
            assertThat(Checker.check(f.program())).isSameAs(f.program());
        }
    }

    @Test
    void lengthMustBeOneTo4096() throws Exception {
        assertRejected(program(), CheckRule.LENGTH, -1, "rejected [LENGTH] p@-1: program length must be 1..4096: length 0");
        List<Instruction> max = new ArrayList<>(Collections.nCopies(MAXINSNS, ret(0)));
        Checker.check(new FilterProgram("p", max));
        max.add(ret(0));
        assertThat(rejection(new FilterProgram("p", max)).rule()).isEqualTo(CheckRule.LENGTH);
    }

    @Test
    void eachRuleNamesItselfAndTheInstruction() {
        assertRejected(program(Instruction.of(0x99, 0), ret(0)), CheckRule.OPCODE, 0,
                "rejected [OPCODE] p@0 { 0x99, 0, 0, 0x00000000 }: unknown opcode: 0x99");
        assertRejected(program(Instruction.of(ALU | DIV | K, 0), ret(0)), CheckRule.DIVISION_BY_ZERO, 0,
                "rejected [DIVISION_BY_ZERO] p@0 { 0x34, 0, 0, 0x00000000 }: division by a constant zero");
        assertRejected(program(ret(1), Instruction.of(ALU | MOD | K, 0), ret(0)), CheckRule.DIVISION_BY_ZERO, 1,
                "rejected [DIVISION_BY_ZERO] p@1 { 0x94, 0, 0, 0x00000000 }: division by a constant zero");
        assertRejected(program(Instruction.of(ALU | LSH | K, 32), ret(0)), CheckRule.SHIFT_RANGE, 0,
                "rejected [SHIFT_RANGE] p@0 { 0x64, 0, 0, 0x00000020 }: shift by a constant of 32 or more: k 32");
        assertRejected(program(Instruction.of(ST, 16), ret(0)), CheckRule.SCRATCH_INDEX, 0,
                "rejected [SCRATCH_INDEX] p@0 { 0x2, 0, 0, 0x00000010 }: scratch memory index must be below 16: M[16]");
        assertRejected(program(Instruction.of(JMP | JA, 1), ret(0)), CheckRule.JUMP_RANGE, 0,
                "rejected [JUMP_RANGE] p@0 { 0x5, 0, 0, 0x00000001 }: jump target outside the program: ja 1 reaches 2, length 2");
        assertRejected(program(Instruction.of(JMP | JA, -1), ret(0)), CheckRule.JUMP_RANGE, 0,
                "rejected [JUMP_RANGE] p@0 { 0x5, 0, 0, 0xffffffff }: jump target outside the program: ja 4294967295 reaches 4294967296, length 2");
        assertRejected(program(new Instruction(JMP | JEQ | K, 0, 1, 0), ret(0)), CheckRule.JUMP_RANGE, 0,
                "rejected [JUMP_RANGE] p@0 { 0x15, 0, 1, 0x00000000 }: jump target outside the program: jf reaches 2, length 2");
        assertRejected(program(Instruction.of(LD | W | ABS, SKF_AD_OFF + 64), ret(0)), CheckRule.UNKNOWN_ANCILLARY, 0,
                "rejected [UNKNOWN_ANCILLARY] p@0 { 0x20, 0, 0, 0xfffff040 }: unknown ancillary load: SKF_AD_OFF + 64");
        assertRejected(program(Instruction.of(LD | W | ABS, SKF_AD_OFF + 4), ret(0)), CheckRule.UNSUPPORTED_ANCILLARY, 0,
                "rejected [UNSUPPORTED_ANCILLARY] p@0 { 0x20, 0, 0, 0xfffff004 }: unsupported ancillary load: pkttype");
        assertRejected(program(ret(0), Instruction.of(LD | IMM, 1)), CheckRule.LAST_NOT_RETURN, 1,
                "rejected [LAST_NOT_RETURN] p@1 { 0x0, 0, 0, 0x00000001 }: last instruction must be a return");
        assertRejected(program(Instruction.of(LD | MEM, 3), ret(0)), CheckRule.UNINITIALISED_SCRATCH, 0,
                "rejected [UNINITIALISED_SCRATCH] p@0 { 0x60, 0, 0, 0x00000003 }: read of a scratch cell that may be uninitialised: M[3]");
    }

    @Test
    void aScratchCellStoredOnOnlyOneBranchMayNotBeRead() throws Exception {
        // 0: jeq #0 jt 1 jf 2; 1: st M[0]; 2: ld M[0] (reached from 0 without the store); 3: ret a
        FilterProgram oneBranch = program(new Instruction(JMP | JEQ | K, 0, 1, 0), Instruction.of(ST, 0),
                Instruction.of(LD | MEM, 0), Instruction.of(RET | A, 0));
        assertRejected(oneBranch, CheckRule.UNINITIALISED_SCRATCH, 2,
                "rejected [UNINITIALISED_SCRATCH] p@2 { 0x60, 0, 0, 0x00000000 }: read of a scratch cell that may be uninitialised: M[0]");
        FilterProgram bothBranches = program(Instruction.of(ST, 0), new Instruction(JMP | JEQ | K, 0, 1, 0),
                Instruction.of(STX, 0), Instruction.of(LD | MEM, 0), Instruction.of(RET | A, 0));
        Checker.check(bothBranches);
    }

    @Test
    void everyClassicOpcodeIsKnownAndNothingElse() {
        int known = 0;
        for (int code = 0; code < 0x10000; code++) {
            known += Checker.knownOpcode(code) ? 1 : 0;
        }
        // Linux's chk_code_allowed table: 21 ALU, 9 loads, 4 LDX, 2 stores, 2 misc, 2 returns, 9 jumps.
        assertThat(known).isEqualTo(49);
    }
}
