package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code testbed bpf}, on the reference capture and verdicts kept in the bpf module's tests. */
class BpfCommandTest {
    static final Path REFERENCE = Path.of("../bpf/src/test/resources/testbed/bpf/reference");
    /** {@code tcpdump -ddd icmp}. */
    static final String ICMP = "6\n40 0 0 12\n21 0 3 2048\n48 0 0 23\n21 0 1 1\n6 0 0 262144\n6 0 0 0\n";

    @TempDir
    Path dir;

    private Path file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void runPrintsTheMatchesTheCostAndTheMode() throws IOException {
        Cli cli = Cli.run("bpf", "run", "--filter", file("icmp.ddd", ICMP).toString(),
                "--pcap", REFERENCE.resolve("lo.pcap").toString(), "--mode", "BOUNDS", "--rounds", "2");
        assertThat(cli.exit).as(cli.toString()).isZero();
        assertThat(cli.out).contains("mode      BOUNDS")
                .contains("matches   7 of 154: 136 138 140 142 144 146 154")
                .containsPattern("cost      \\d+ ns per packet");
    }

    @Test
    void checkVerdictsAgreesOnTheReferenceData() {
        Cli cli = Cli.run("bpf", "check-verdicts", "--filters", REFERENCE.resolve("filters.json").toString(),
                "--pcap", REFERENCE.resolve("lo.pcap").toString(), "--modes", "NONE,SFI_CHECK");
        assertThat(cli.exit).as(cli.toString()).isZero();
        assertThat(cli.out).contains("10 filters x 154 packets").contains("'tcp port 18080'")
                .contains("jit/SFI_CHECK ok").endsWith("all engines agree with libpcap\n");
    }

    @Test
    void checkPrintsTheProgramOrTheRejection() throws IOException {
        Cli ok = Cli.run("bpf", "check", file("icmp.ddd", ICMP).toString());
        assertThat(ok.exit).as(ok.toString()).isZero();
        assertThat(ok.out).isEqualTo(ICMP);
        Cli rejected = Cli.run("bpf", "check", file("back.ddd", "2\n5 0 0 4294967295\n6 0 0 0\n").toString());
        assertThat(rejected.exit).as(rejected.toString()).isEqualTo(Testbed.UNEXPECTED);
        assertThat(rejected.out).startsWith("rejected [JUMP_RANGE] back@0");
    }

    @Test
    void corpusRunsEveryEntryInEveryModeAndFlagsAMismatch() throws IOException {
        Cli bundled = Cli.run("bpf", "corpus", "--modes", "NONE,BOUNDS");
        assertThat(bundled.exit).as(bundled.toString()).isZero();
        assertThat(bundled.out).containsPattern("bpf/backward-jump +REJECTED +REJECTED")
                .containsPattern("bpf/huge-absolute-offset +OK +OK").contains(" modes: 0 mismatches");
        file("wrong.ddd", "# threat: t\n# reference: r 1993\n# otherwise: REJECTED\n" + ICMP);
        Cli wrong = Cli.run("bpf", "corpus", "--dir", dir.toString(), "--modes", "SFI_MASK");
        assertThat(wrong.exit).as(wrong.toString()).isEqualTo(Testbed.UNEXPECTED);
        assertThat(wrong.out).contains("MISMATCH bpf/wrong in SFI_MASK: OK, expected REJECTED").contains("1 mismatches");
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws IOException {
        Path good = file("icmp.ddd", ICMP);
        String pcap = REFERENCE.resolve("lo.pcap").toString();
        String[][] cases = {
            {"no such file: /no/such.ddd", "bpf", "run", "--filter", "/no/such.ddd", "--pcap", pcap},
            {"line 3, instruction 1: expected 'code jt jf k', found '6 0 0'", "bpf", "run", "--filter",
                file("bad.ddd", "2\n40 0 0 12\n6 0 0\n").toString(), "--pcap", pcap},
            {"not a pcap or pcapng file", "bpf", "run", "--filter", good.toString(), "--pcap", good.toString()},
            {"unknown protection mode 'FAST'", "bpf", "run", "--filter", good.toString(), "--pcap", pcap, "--mode", "FAST"},
            {"rejected [LAST_NOT_RETURN]", "bpf", "run", "--filter", file("noret.ddd", "1\n40 0 0 12\n").toString(), "--pcap", pcap},
            {"expected an object with a 'filters' array", "bpf", "check-verdicts", "--filters", good.toString(), "--pcap", pcap},
            {"Missing required option: '--pcap=CAPTURE'", "bpf", "run", "--filter", good.toString()}};
        for (String[] c : cases) {
            Cli cli = Cli.run(java.util.Arrays.copyOfRange(c, 1, c.length));
            assertThat(cli.exit).as(cli.toString()).isEqualTo(Testbed.USAGE);
            assertThat(cli.err).as(cli.toString()).contains(c[0]).doesNotContain("\tat ").hasLineCount(c[0].startsWith("Missing") ? 2 : 1);
        }
    }
}
