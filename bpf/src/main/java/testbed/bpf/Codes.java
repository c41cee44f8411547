package testbed.bpf;

/**
 * The classic BPF opcode fields ({@code linux/filter.h}, {@code linux/bpf_common.h}) and the
 * Linux ancillary-data offsets.
 */
public final class Codes {
    // classes
    public static final int LD = 0x00;
    public static final int LDX = 0x01;
    public static final int ST = 0x02;
    public static final int STX = 0x03;
    public static final int ALU = 0x04;
    public static final int JMP = 0x05;
    public static final int RET = 0x06;
    public static final int MISC = 0x07;

    // sizes
    public static final int W = 0x00;
    public static final int H = 0x08;
    public static final int B = 0x10;

    // modes
    public static final int IMM = 0x00;
    public static final int ABS = 0x20;
    public static final int IND = 0x40;
    public static final int MEM = 0x60;
    public static final int LEN = 0x80;
    public static final int MSH = 0xa0;

    // ALU operations
    public static final int ADD = 0x00;
    public static final int SUB = 0x10;
    public static final int MUL = 0x20;
    public static final int DIV = 0x30;
    public static final int OR = 0x40;
    public static final int AND = 0x50;
    public static final int LSH = 0x60;
    public static final int RSH = 0x70;
    public static final int NEG = 0x80;
    public static final int MOD = 0x90;
    public static final int XOR = 0xa0;

    // jumps
    public static final int JA = 0x00;
    public static final int JEQ = 0x10;
    public static final int JGT = 0x20;
    public static final int JGE = 0x30;
    public static final int JSET = 0x40;

    // sources
    public static final int K = 0x00;
    public static final int X = 0x08;
    /** {@code BPF_A}, the return source "the accumulator". */
    public static final int A = 0x10;

    // misc
    public static final int TAX = 0x00;
    public static final int TXA = 0x80;

    /** Scratch memory cells, {@code BPF_MEMWORDS}. */
    public static final int MEMWORDS = 16;
    /** Longest program the kernel takes, {@code BPF_MAXINSNS}. */
    public static final int MAXINSNS = 4096;

    /** Absolute loads at {@code k >= SKF_AD_OFF} (unsigned) read ancillary data, not the packet. */
    public static final int SKF_AD_OFF = -0x1000;
    /** Offsets from {@code SKF_NET_OFF} up are relative to the network header. */
    public static final int SKF_NET_OFF = -0x100000;
    /** Offsets from {@code SKF_LL_OFF} up are relative to the link-layer header. */
    public static final int SKF_LL_OFF = -0x200000;

    /** The ancillary loads Linux knows, by offset from {@link #SKF_AD_OFF}, {@code SKF_AD_*}. */
    static final String[] ANCILLARY = {"protocol", "pkttype", "ifindex", "nlattr", "nlattr_nest", "mark",
        "queue", "hatype", "rxhash", "cpu", "alu_xor_x", "vlan_tci", "vlan_avail", "pay_offset", "random",
        "vlan_tpid"};
    /** {@code SKF_AD_PROTOCOL}: the frame's EtherType. */
    public static final int AD_PROTOCOL = 0;
    /** {@code SKF_AD_ALU_XOR_X}: {@code A ^= X}. */
    public static final int AD_ALU_XOR_X = 40;

    /** Length of the Ethernet header, where {@link #SKF_NET_OFF} offsets start. */
    public static final int ETHERNET_HEADER = 14;

    private Codes() {
    }

    public static int cls(int code) {
        return code & 0x07;
    }

    public static int size(int code) {
        return code & 0x18;
    }

    public static int mode(int code) {
        return code & 0xe0;
    }

    public static int op(int code) {
        return code & 0xf0;
    }

    public static int src(int code) {
        return code & 0x08;
    }

    public static int rval(int code) {
        return code & 0x18;
    }

    /** Bytes a load of size field {@code size} reads. */
    public static int bytes(int size) {
        return size == W ? 4 : size == H ? 2 : 1;
    }

    /**
     * The name of the ancillary load at absolute offset {@code k}, or null if {@code k} names
     * none Linux knows.
     */
    static String ancillaryName(int k) {
        int index = k - SKF_AD_OFF;
        if (Integer.compareUnsigned(k, SKF_AD_OFF) < 0 || index % 4 != 0 || index / 4 >= ANCILLARY.length) {
            return null;
        }
        return ANCILLARY[index / 4];
    }

    /** Whether the interpreter and the JIT implement the ancillary load at absolute offset {@code k}. */
    static boolean ancillarySupported(int k) {
        return k == SKF_AD_OFF + AD_PROTOCOL || k == SKF_AD_OFF + AD_ALU_XOR_X;
    }
}
