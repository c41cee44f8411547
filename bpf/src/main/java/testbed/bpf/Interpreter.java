package testbed.bpf;

import static testbed.bpf.Codes.*;

import testbed.kernel.api.Memory;

/**
 * The reference semantics of classic BPF: a plain interpreter over a packet held in a Java array,
 * trusted and unconfined, against which the {@link Jit} is tested.
 *
 * <p>Linux semantics, not libpcap's, where the two differ (see the module README):
 * <ul>
 *   <li>A, X and the result are unsigned 32-bit; A and X start at 0.</li>
 *   <li>A packet load that does not lie wholly inside the packet ends the program with 0.</li>
 *   <li>An indirect load's offset is {@code X + k} with 32-bit wraparound, so a "negative" sum
 *       reaches the {@code SKF_NET_OFF} and {@code SKF_LL_OFF} areas or fails.</li>
 *   <li>Offsets from {@code SKF_NET_OFF} count from the network header, which for the Ethernet
 *       frames the kernel takes is byte {@value Codes#ETHERNET_HEADER}; from {@code SKF_LL_OFF},
 *       from the frame's first byte; below {@code SKF_LL_OFF} every load fails.</li>
 *   <li>Division or remainder by an {@code X} of 0 ends the program with 0.</li>
 *   <li>Shifts by X use {@code X & 31}.</li>
 *   <li>Ancillary loads: {@code protocol} (the frame's EtherType, bytes 12 and 13, 0 for a frame
 *       shorter than an Ethernet header) and {@code alu_xor_x} ({@code A ^= X}).</li>
 * </ul>
 * The program must have passed the {@link Checker}; the interpreter does not check it again.
 */
public final class Interpreter {
    private Interpreter() {
    }

    /**
     * Runs {@code program} over the first {@code length} bytes of {@code packet}.
     *
     * @return the program's answer, an unsigned 32-bit value: the number of bytes to keep, 0 to drop
     */
    public static int run(FilterProgram program, byte[] packet, int length) {
        return run(program, new ArrayPacket(packet), length);
    }

    /**
     * Runs {@code program} over the {@code length} bytes at {@code packet} in {@code memory}, as a
     * kernel interpreter would: the same semantics, read through the same {@code Memory} calls as
     * the JIT's code (so the two can be compared on equal terms).
     */
    public static int run(FilterProgram program, Memory memory, long packet, int length) {
        return run(program, new MemoryPacket(memory, packet), length);
    }

    /** The bytes of a packet, big-endian, at offsets already checked to lie inside it. */
    private interface Packet {
        int u8(int at);

        int u16(int at);

        int u32(int at);
    }

    private record ArrayPacket(byte[] bytes) implements Packet {
        @Override
        public int u8(int at) {
            return bytes[at] & 0xff;
        }

        @Override
        public int u16(int at) {
            return (bytes[at] & 0xff) << 8 | bytes[at + 1] & 0xff;
        }

        @Override
        public int u32(int at) {
            return (bytes[at] & 0xff) << 24 | (bytes[at + 1] & 0xff) << 16 | (bytes[at + 2] & 0xff) << 8 | bytes[at + 3] & 0xff;
        }
    }

    private record MemoryPacket(Memory memory, long base) implements Packet {
        @Override
        public int u8(int at) {
            return memory.load8(base + at) & 0xff;
        }

        @Override
        public int u16(int at) {
            return Short.toUnsignedInt(Short.reverseBytes(memory.load16(base + at)));
        }

        @Override
        public int u32(int at) {
            return Integer.reverseBytes(memory.load32(base + at));
        }
    }

    private static int run(FilterProgram program, Packet packet, int length) {
        int a = 0;
        int x = 0;
        int[] m = new int[MEMWORDS];
        int pc = 0;
        int n = program.length();
        while (pc < n) {
            Instruction i = program.at(pc++);
            int code = i.code();
            int k = i.k();
            switch (cls(code)) {
                case LD -> {
                    switch (mode(code)) {
                        case IMM -> a = k;
                        case MEM -> a = m[k];
                        case LEN -> a = length;
                        case ABS, IND -> {
                            if (mode(code) == ABS && Integer.compareUnsigned(k, SKF_AD_OFF) >= 0) {
                                a = k == SKF_AD_OFF + AD_ALU_XOR_X ? a ^ x : protocol(packet, length);
                                break;
                            }
                            int size = bytes(size(code));
                            int at = offset(mode(code) == IND ? x + k : k, size, length);
                            if (at < 0) {
                                return 0;
                            }
                            a = load(packet, at, size);
                        }
                        default -> throw new IllegalStateException("unchecked program: " + i);
                    }
                }
                case LDX -> {
                    switch (mode(code)) {
                        case IMM -> x = k;
                        case MEM -> x = m[k];
                        case LEN -> x = length;
                        case MSH -> {
                            int at = offset(k, 1, length);
                            if (at < 0) {
                                return 0;
                            }
                            x = (packet.u8(at) & 0xf) << 2;
                        }
                        default -> throw new IllegalStateException("unchecked program: " + i);
                    }
                }
                case ST -> m[k] = a;
                case STX -> m[k] = x;
                case ALU -> {
                    int v = src(code) == X ? x : k;
                    switch (op(code)) {
                        case ADD -> a += v;
                        case SUB -> a -= v;
                        case MUL -> a *= v;
                        case DIV -> {
                            if (v == 0) {
                                return 0;
                            }
                            a = Integer.divideUnsigned(a, v);
                        }
                        case MOD -> {
                            if (v == 0) {
                                return 0;
                            }
                            a = Integer.remainderUnsigned(a, v);
                        }
                        case AND -> a &= v;
                        case OR -> a |= v;
                        case XOR -> a ^= v;
                        case LSH -> a <<= v;
                        case RSH -> a >>>= v;
                        case NEG -> a = -a;
                        default -> throw new IllegalStateException("unchecked program: " + i);
                    }
                }
                case JMP -> {
                    int v = src(code) == X ? x : k;
                    switch (op(code)) {
                        case JA -> pc += k;
                        case JEQ -> pc += a == v ? i.jt() : i.jf();
                        case JGT -> pc += Integer.compareUnsigned(a, v) > 0 ? i.jt() : i.jf();
                        case JGE -> pc += Integer.compareUnsigned(a, v) >= 0 ? i.jt() : i.jf();
                        case JSET -> pc += (a & v) != 0 ? i.jt() : i.jf();
                        default -> throw new IllegalStateException("unchecked program: " + i);
                    }
                }
                case RET -> {
                    return rval(code) == A ? a : k;
                }
                case MISC -> {
                    if ((code & 0xf8) == TXA) {
                        a = x;
                    } else {
                        x = a;
                    }
                }
                default -> throw new IllegalStateException("unchecked program: " + i);
            }
        }
        return 0;
    }

    /**
     * Where a load of {@code size} bytes at BPF offset {@code offset} starts in a packet of
     * {@code length} bytes, or {@code -1} if it does not lie wholly inside; the {@link Jit}'s
     * generated code makes the same decision.
     */
    public static int offset(int offset, int size, int length) {
        long at = start(offset);
        return at >= 0 && at + size <= length ? (int) at : -1;
    }

    /**
     * Where BPF offset {@code offset} points in the frame, before any comparison with its length:
     * the offset itself if non-negative, the {@code SKF_NET_OFF} and {@code SKF_LL_OFF} areas
     * resolved, {@code -1} below them.
     */
    static long start(int offset) {
        if (offset >= 0) {
            return offset;
        } else if (offset >= SKF_NET_OFF) {
            return (long) offset - SKF_NET_OFF + ETHERNET_HEADER;
        } else if (offset >= SKF_LL_OFF) {
            return (long) offset - SKF_LL_OFF;
        }
        return -1;
    }

    private static int protocol(Packet packet, int length) {
        return length < ETHERNET_HEADER ? 0 : packet.u16(12);
    }

    private static int load(Packet packet, int at, int size) {
        return switch (size) {
            case 4 -> packet.u32(at);
            case 2 -> packet.u16(at);
            default -> packet.u8(at);
        };
    }
}
