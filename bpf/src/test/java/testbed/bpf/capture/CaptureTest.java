package testbed.bpf.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reference capture read as it is, and rewritten here into the other layouts both formats allow. */
class CaptureTest {
    static final Path LO = Path.of("src/test/resources/testbed/bpf/reference/lo.pcap");

    static Capture lo() throws Exception {
        return Capture.read(LO);
    }

    private static ByteBuffer buffer(int size, ByteOrder order) {
        return ByteBuffer.allocate(size).order(order);
    }

    static byte[] pcap(Capture c, ByteOrder order, boolean nanos) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer h = buffer(24, order).putInt(nanos ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4)
                .putInt(0).putInt(0).putInt(65535).putInt(c.linkType());
        out.writeBytes(h.array());
        for (Frame f : c.frames()) {
            long ns = f.timestampNanos();
            ByteBuffer r = buffer(16, order).putInt((int) (ns / 1_000_000_000L))
                    .putInt((int) (ns % 1_000_000_000L / (nanos ? 1 : 1000))).putInt(f.data().length).putInt(f.wireLength());
            out.writeBytes(r.array());
            out.writeBytes(f.data());
        }
        return out.toByteArray();
    }

    private static void block(ByteArrayOutputStream out, ByteOrder order, int type, byte[] body) {
        int padded = (body.length + 3) & ~3;
        int length = 12 + padded;
        out.writeBytes(buffer(8, order).putInt(type).putInt(length).array());
        out.writeBytes(Arrays.copyOf(body, padded));
        out.writeBytes(buffer(4, order).putInt(length).array());
    }

    static byte[] pcapng(Capture c, ByteOrder order, boolean simple) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        block(out, order, 0x0a0d0d0a, buffer(16, order).putInt(0x1a2b3c4d).putShort((short) 1).putShort((short) 0)
                .putLong(-1).array());
        block(out, order, 0x00000005, new byte[8]); // an interface statistics block, which the reader skips
        block(out, order, 1, buffer(8, order).putShort((short) c.linkType()).putShort((short) 0).putInt(0).array());
        for (Frame f : c.frames()) {
            if (simple) {
                block(out, order, 3, buffer(4 + f.data().length, order).putInt(f.wireLength()).put(f.data()).array());
            } else {
                long us = f.timestampNanos() / 1000;
                block(out, order, 6, buffer(20 + f.data().length, order).putInt(0).putInt((int) (us >>> 32)).putInt((int) us)
                        .putInt(f.data().length).putInt(f.wireLength()).put(f.data()).array());
            }
        }
        return out.toByteArray();
    }

    private static void assertSameFrames(Capture read, Capture reference) {
        assertThat(read.linkType()).isEqualTo(reference.linkType());
        assertThat(read.frames()).hasSameSizeAs(reference.frames());
        for (int i = 0; i < read.frames().size(); i++) {
            assertThat(read.frames().get(i).data()).as("frame %d", i + 1).isEqualTo(reference.frames().get(i).data());
            assertThat(read.frames().get(i).wireLength()).isEqualTo(reference.frames().get(i).wireLength());
        }
    }

    @Test
    void theReferenceCaptureHasItsPacketsAndLinkType() throws Exception {
        Capture lo = lo();
        assertThat(lo.linkType()).isEqualTo(Capture.ETHERNET);
        assertThat(lo.frames()).hasSize(154);
        assertThat(lo.frames().stream().mapToInt(f -> f.data().length).max().orElseThrow()).isEqualTo(4269);
        assertThat(lo.frames()).noneMatch(Frame::truncated);
        assertThat(lo.frames().get(1).timestampNanos()).isGreaterThanOrEqualTo(lo.frames().get(0).timestampNanos());
    }

    @Test
    void everyLayoutOfBothFormatsReadsTheSameFrames() throws Exception {
        Capture lo = lo();
        for (ByteOrder order : List.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN)) {
            for (boolean variant : List.of(false, true)) {
                Capture pcap = Capture.parse("p", pcap(lo, order, variant));
                assertSameFrames(pcap, lo);
                assertThat(pcap.frames().get(5).timestampNanos() / 1000).isEqualTo(lo.frames().get(5).timestampNanos() / 1000);
                assertSameFrames(Capture.parse("n", pcapng(lo, order, variant)), lo);
            }
        }
    }

    @Test
    void badFilesAreOneLineErrorsNamingWhere() throws Exception {
        byte[] bytes = Files.readAllBytes(LO);
        assertThatThrownBy(() -> Capture.parse("x", Arrays.copyOf(bytes, bytes.length - 3)))
                .isInstanceOf(CaptureException.class)
                .hasMessageMatching("x: packet 154 at byte \\d+: truncated: record says \\d+ bytes, \\d+ left");
        assertThatThrownBy(() -> Capture.parse("x", Arrays.copyOf(bytes, 30)))
                .hasMessage("x: packet 1 at byte 24: truncated record header");
        assertThatThrownBy(() -> Capture.parse("x", "hello world".getBytes()))
                .hasMessage("x: not a pcap or pcapng file (magic 0x68656c6c)");
        byte[] ng = pcapng(lo(), ByteOrder.LITTLE_ENDIAN, false);
        assertThatThrownBy(() -> Capture.parse("n", Arrays.copyOf(ng, ng.length - 10)))
                .hasMessageStartingWith("n: block at byte ").hasMessageContaining("(after 153 packets): truncated or bad block length");
        assertThatThrownBy(() -> Capture.read(Path.of("/no/such.pcap"))).hasMessageStartingWith("/no/such.pcap: cannot read");
    }
}
