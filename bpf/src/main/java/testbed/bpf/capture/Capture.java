package testbed.bpf.capture;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A packet capture read from a pcap or pcapng file: its link type and its frames in capture order.
 *
 * <p>pcap: the classic libpcap format, either byte order, microsecond ({@code 0xa1b2c3d4}) or
 * nanosecond ({@code 0xa1b23c4d}) timestamps. pcapng: section header, interface description,
 * enhanced and simple packet blocks (other blocks are skipped), either byte order, several
 * sections; every interface must have the same link type. No library on Maven Central reads
 * these without native libpcap, so this is a small reader of the documented formats
 * (pcap(5) / {@code draft-ietf-opsawg-pcap}, {@code draft-ietf-opsawg-pcapng}).
 */
public record Capture(int linkType, List<Frame> frames) {
    /** {@code LINKTYPE_ETHERNET}. */
    public static final int ETHERNET = 1;

    private static final int PCAP_MICROS = 0xa1b2c3d4;
    private static final int PCAP_NANOS = 0xa1b23c4d;
    private static final int PCAPNG_SECTION = 0x0a0d0d0a;
    private static final int PCAPNG_BYTE_ORDER = 0x1a2b3c4d;

    public Capture {
        frames = List.copyOf(frames);
    }

    /** Reads a pcap or pcapng file, told apart by its first four bytes. */
    public static Capture read(Path file) throws CaptureException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CaptureException(file + ": cannot read: " + e.getMessage());
        }
        return parse(file.toString(), bytes);
    }

    /** Parses capture bytes; {@code name} prefixes error messages. */
    public static Capture parse(String name, byte[] bytes) throws CaptureException {
        if (bytes.length < 4) {
            throw new CaptureException(name + ": not a pcap or pcapng file (" + bytes.length + " bytes)");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        int magic = in.getInt(0);
        if (magic == PCAPNG_SECTION) {
            return pcapng(name, in);
        }
        for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            int m = in.order(order).getInt(0);
            if (m == PCAP_MICROS || m == PCAP_NANOS) {
                return pcap(name, in, m == PCAP_NANOS);
            }
        }
        throw new CaptureException(name + ": not a pcap or pcapng file (magic 0x" + Integer.toHexString(magic) + ")");
    }

    private static Capture pcap(String name, ByteBuffer in, boolean nanos) throws CaptureException {
        if (in.limit() < 24) {
            throw new CaptureException(name + ": truncated pcap header (" + in.limit() + " bytes)");
        }
        int linkType = in.getInt(20) & 0x0fffffff;
        in.position(24);
        List<Frame> frames = new ArrayList<>();
        while (in.hasRemaining()) {
            int at = in.position();
            String where = name + ": packet " + (frames.size() + 1) + " at byte " + at;
            if (in.remaining() < 16) {
                throw new CaptureException(where + ": truncated record header");
            }
            long seconds = Integer.toUnsignedLong(in.getInt());
            long fraction = Integer.toUnsignedLong(in.getInt());
            int captured = in.getInt();
            int wire = in.getInt();
            if (captured < 0 || captured > in.remaining()) {
                throw new CaptureException(where + ": truncated: record says " + Integer.toUnsignedString(captured)
                        + " bytes, " + in.remaining() + " left");
            }
            byte[] data = new byte[captured];
            in.get(data);
            frames.add(new Frame(data, Math.max(wire, captured), seconds * 1_000_000_000L + fraction * (nanos ? 1 : 1000)));
        }
        return new Capture(linkType, frames);
    }

    private static Capture pcapng(String name, ByteBuffer in) throws CaptureException {
        List<Frame> frames = new ArrayList<>();
        List<Integer> interfaces = new ArrayList<>();
        List<Integer> snapLengths = new ArrayList<>();
        int linkType = -1;
        try {
            while (in.hasRemaining()) {
                int at = in.position();
                String where = name + ": block at byte " + at + " (after " + frames.size() + " packets)";
                // The section header's type reads the same in both byte orders; its body says which one follows.
                if (in.getInt(at) == PCAPNG_SECTION) {
                    int bom = in.getInt(at + 8);
                    if (bom == PCAPNG_BYTE_ORDER) {
                        in.order(ByteOrder.BIG_ENDIAN);
                    } else if (Integer.reverseBytes(bom) == PCAPNG_BYTE_ORDER) {
                        in.order(ByteOrder.LITTLE_ENDIAN);
                    } else {
                        throw new CaptureException(where + ": bad byte-order magic in section header");
                    }
                    interfaces.clear();
                    snapLengths.clear();
                }
                int type = in.getInt(at);
                int length = in.getInt(at + 4);
                if (length < 12 || length % 4 != 0 || length > in.limit() - at) {
                    throw new CaptureException(where + ": truncated or bad block length " + Integer.toUnsignedString(length));
                }
                ByteBuffer body = in.duplicate().order(in.order());
                body.position(at + 8).limit(at + length - 4);
                switch (type) {
                    case 1 -> {
                        int lt = Short.toUnsignedInt(body.getShort());
                        body.getShort();
                        snapLengths.add(body.getInt());
                        interfaces.add(lt);
                        if (linkType >= 0 && lt != linkType) {
                            throw new CaptureException(where + ": interfaces of link types " + linkType + " and " + lt
                                    + " in one capture");
                        }
                        linkType = lt;
                    }
                    case 6 -> {
                        int iface = body.getInt();
                        if (iface < 0 || iface >= interfaces.size()) {
                            throw new CaptureException(where + ": packet on undeclared interface " + iface);
                        }
                        long ts = Integer.toUnsignedLong(body.getInt()) << 32 | Integer.toUnsignedLong(body.getInt());
                        int captured = body.getInt();
                        int wire = body.getInt();
                        if (captured < 0 || captured > body.remaining()) {
                            throw new CaptureException(where + ": packet says " + Integer.toUnsignedString(captured)
                                    + " bytes, the block holds " + body.remaining());
                        }
                        byte[] data = new byte[captured];
                        body.get(data);
                        // Default resolution: microseconds (if_tsresol options are not read).
                        frames.add(new Frame(data, Math.max(wire, captured), ts * 1000));
                    }
                    case 3 -> {
                        if (interfaces.isEmpty()) {
                            throw new CaptureException(where + ": simple packet block before any interface");
                        }
                        int wire = body.getInt();
                        int snap = snapLengths.get(0);
                        int captured = Math.min(wire, snap == 0 ? Integer.MAX_VALUE : snap);
                        if (captured < 0 || captured > body.remaining()) {
                            throw new CaptureException(where + ": simple packet of " + Integer.toUnsignedString(wire)
                                    + " bytes, the block holds " + body.remaining());
                        }
                        byte[] data = new byte[captured];
                        body.get(data);
                        frames.add(new Frame(data, wire, 0));
                    }
                    default -> {
                    }
                }
                in.position(at + length);
            }
        } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new CaptureException(name + ": truncated pcapng block near byte " + in.position());
        }
        if (linkType < 0) {
            throw new CaptureException(name + ": pcapng file without an interface description block");
        }
        return new Capture(linkType, frames);
    }
}
