package testbed.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgramFormatTest {
    /** {@code tcpdump -ddd icmp}. */
    static final String ICMP_DDD = "6\n40 0 0 12\n21 0 3 2048\n48 0 0 23\n21 0 1 1\n6 0 0 262144\n6 0 0 0\n";
    /** {@code tcpdump -dd icmp}. */
    static final String ICMP_DD = """
            { 0x28, 0, 0, 0x0000000c },
            { 0x15, 0, 3, 0x00000800 },
            { 0x30, 0, 0, 0x00000017 },
            { 0x15, 0, 1, 0x00000001 },
            { 0x6, 0, 0, 0x00040000 },
            { 0x6, 0, 0, 0x00000000 },
            """;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] raw(FilterProgram p) {
        ByteBuffer b = ByteBuffer.allocate(8 * p.length()).order(ByteOrder.LITTLE_ENDIAN);
        for (Instruction i : p.instructions()) {
            b.putShort((short) i.code()).put((byte) i.jt()).put((byte) i.jf()).putInt(i.k());
        }
        return b.array();
    }

    @Test
    void theThreeFormsOfOneProgramLoadTheSameInstructions() throws Exception {
        FilterProgram ddd = ProgramFormat.load("icmp.ddd", ascii(ICMP_DDD));
        FilterProgram dd = ProgramFormat.load("icmp.dd", ascii("struct sock_filter code[] = {\n" + ICMP_DD + "};\n"));
        FilterProgram raw = ProgramFormat.load("icmp.bin", raw(ddd));

        assertThat(ddd.length()).isEqualTo(6);
        assertThat(ddd.at(1)).isEqualTo(new Instruction(0x15, 0, 3, 0x800));
        assertThat(dd.instructions()).isEqualTo(ddd.instructions());
        assertThat(raw.instructions()).isEqualTo(ddd.instructions());
        assertThat(ddd.name()).isEqualTo("icmp");
        assertThat(ProgramFormat.load("again", ascii(ddd.ddd())).instructions()).isEqualTo(ddd.instructions());
    }

    @Test
    void formsAreDetectedFromTheBytes() {
        assertThat(ProgramFormat.detect(ascii(ICMP_DDD))).isEqualTo(ProgramFormat.DDD);
        assertThat(ProgramFormat.detect(ascii(ICMP_DD))).isEqualTo(ProgramFormat.DD);
        assertThat(ProgramFormat.detect(new byte[] {0x28, 0, 0, 0, 12, 0, 0, 0})).isEqualTo(ProgramFormat.RAW);
    }

    @Test
    void commentsAndBlankLinesAreIgnored() throws Exception {
        FilterProgram p = ProgramFormat.load("c.ddd", ascii("# threat: none\n\n2\n// a comment\n40 0 0 12\n6 0 0 0\n"));
        assertThat(p.length()).isEqualTo(2);
    }

    @Test
    void badInputNamesTheLineAndTheInstruction() {
        assertThatThrownBy(() -> ProgramFormat.load("f.ddd", ascii("3\n40 0 0 12\n6 0 0 0\n")))
                .isInstanceOf(FormatException.class)
                .hasMessage("f.ddd: line 4: truncated: the count on line 1 says 3 instructions, found 2");
        assertThatThrownBy(() -> ProgramFormat.load("f.ddd", ascii("1\n40 0 0 12\n6 0 0 0\n")))
                .hasMessage("f.ddd: line 3, instruction 1: more instructions than the count 1 on line 1");
        assertThatThrownBy(() -> ProgramFormat.load("f.ddd", ascii("2\n40 0 0 12\n153 0 0 0\n")))
                .hasMessage("f.ddd: line 3, instruction 1: unknown opcode 0x99");
        assertThatThrownBy(() -> ProgramFormat.load("f.ddd", ascii("2\n40 0 12\n6 0 0 0\n")))
                .hasMessage("f.ddd: line 2, instruction 0: expected 'code jt jf k', found '40 0 12'");
        assertThatThrownBy(() -> ProgramFormat.load("f.ddd", ascii("2\n40 0 0 twelve\n6 0 0 0\n")))
                .hasMessage("f.ddd: line 2, instruction 0: not a number: 'twelve'");
        assertThatThrownBy(() -> ProgramFormat.load("f.ddd", ascii("2\n21 300 0 1\n6 0 0 0\n")))
                .hasMessage("f.ddd: line 2, instruction 0: 300 is out of range [0, 255]");
        assertThatThrownBy(() -> ProgramFormat.load("f.ddd", ascii("40 0 0 12\n")))
                .hasMessage("f.ddd: line 1: expected the instruction count first, found '40 0 0 12'");
        assertThatThrownBy(() -> ProgramFormat.load("f.ddd", ascii("\n")))
                .hasMessage("f.ddd: empty: expected the instruction count");
        assertThatThrownBy(() -> ProgramFormat.load("f.dd", ascii("{ 0x28, 0, 0, 0xc },\n{ 0x6, 0, 0 },\n")))
                .hasMessage("f.dd: line 2, instruction 1: expected '{ code, jt, jf, k },', found '{ 0x6, 0, 0 },'");
        assertThatThrownBy(() -> ProgramFormat.load("f.bin", new byte[] {0x06, 0, 0, 0, 0, 0, 0, 0, 0x28, 0, 0}))
                .hasMessage("f.bin: instruction 1: truncated: 11 bytes is not a whole number of 8-byte sock_filter entries");
        assertThatThrownBy(() -> ProgramFormat.load("f.bin", new byte[] {0x07, 0x01, 0, 0, 0, 0, 0, 0}))
                .hasMessage("f.bin: instruction 0 (byte 0): unknown opcode 0x107");
        assertThatThrownBy(() -> ProgramFormat.DD.read("f.dd", ascii("\n")))
                .hasMessage("f.dd: no instructions");
    }
}
