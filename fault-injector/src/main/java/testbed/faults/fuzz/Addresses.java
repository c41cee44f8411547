package testbed.faults.fuzz;

import static testbed.faults.fuzz.Draft.LENGTH;
import static testbed.faults.fuzz.Draft.PACKET;
import static testbed.faults.fuzz.Draft.bit;
import static testbed.faults.fuzz.Mix.ADDRESS_CLASSES;
import static testbed.faults.fuzz.Mix.ADDRESS_COST;
import static testbed.faults.fuzz.Mix.BENIGN_ADDRESS;
import static testbed.faults.fuzz.Mix.END_EDGE;
import static testbed.faults.fuzz.Mix.HOSTILE_ADDRESS;
import static testbed.faults.fuzz.Mix.HOT_BYTES;
import static testbed.faults.fuzz.Mix.START_EDGE;

import java.util.List;
import testbed.faults.fuzz.GenerationStats.Family;
import testbed.kernel.Domain;
import testbed.kernel.api.BootHeader;
import testbed.program.Op;
import testbed.program.Op.Arith;
import testbed.program.Op.Width;

/**
 * Where a draft's accesses and helper arguments aim: the {@link AddressClass} is drawn from the
 * flavour's weights, then the address is computed the way an extension would, from the segment
 * base and size the kernel reports, the packet, the published {@link Layout}, or a value read
 * back from memory. Benign programs get only forms that provably stay in their own segment.
 */
final class Addresses {
    private final Draft draft;
    private final Choices c;
    private final boolean hostile;

    Addresses(Draft draft) {
        this.draft = draft;
        this.c = draft.c;
        this.hostile = draft.hostile;
    }

    /**
     * Emits the computation of an address for an access of {@code span} bytes into a scratch
     * register not in {@code avoid} (using one more as a temporary) and returns that register.
     * At most {@link Mix#ADDRESS_COST} operations.
     */
    int address(List<Op> out, long span, int avoid) {
        return address(out, span, avoid, hostile ? HOSTILE_ADDRESS : BENIGN_ADDRESS);
    }

    /** {@link #address(List, long, int)} with the classes drawn from {@code weights}. */
    int address(List<Op> out, long span, int avoid, int[] weights) {
        AddressClass target = ADDRESS_CLASSES[c.pick(weights)];
        if (!hostile && span > 8 && target != AddressClass.PACKET) {
            // A masked read-back fits accesses of up to 8 bytes; longer benign ones are placed directly.
            target = AddressClass.IN_SEGMENT;
        }
        draft.stats.note(Family.ADDRESS, target);
        int a = draft.scratch(avoid);
        int t = draft.scratch(avoid | bit(a));
        long fit = Math.min(Math.max(span, 1), draft.segmentSize);
        switch (target) {
            case IN_SEGMENT -> inSegment(out, a, t, fit);
            case SEGMENT_START_EDGE -> relative(out, a, t, c.nextInt(2 * START_EDGE + 1) - START_EDGE);
            case SEGMENT_END_EDGE -> {
                long d = c.nextInt(2 * END_EDGE + 1) - END_EDGE;
                if (c.nextBoolean()) {
                    relative(out, a, t, draft.segmentSize - fit + d);
                } else {
                    // Computed from the size the kernel reports, as an extension that knows nothing in advance would.
                    draft.emit(out, new Op.Segment(a, Op.Segment.Field.BASE));
                    draft.emit(out, new Op.Segment(t, Op.Segment.Field.SIZE));
                    draft.emit(out, new Arith(a, Arith.Kind.ADD, a, t));
                    draft.emit(out, new Op.Const(t, d - fit));
                    draft.emit(out, new Arith(a, Arith.Kind.ADD, a, t));
                }
            }
            case KERNEL_REGION -> {
                List<Layout.Area> regions = draft.layout.kernelRegions();
                Layout.Area r = regions.get(c.nextInt(regions.size()));
                draft.emit(out, new Op.Const(a, r.base() + offset(r.size(), fit)));
            }
            case NEIGHBOUR_SEGMENT -> neighbour(out, a, t, fit);
            case NEGATIVE -> {
                switch (c.nextInt(5)) {
                    case 0 -> draft.emit(out, new Op.Const(a, -1 - c.nextInt(16)));
                    case 1 -> draft.emit(out, new Op.Const(a, Long.MIN_VALUE + c.nextInt(16)));
                    case 2 -> draft.emit(out, new Op.Const(a, Integer.MIN_VALUE + c.nextInt(16)));
                    case 3 -> draft.emit(out, new Op.Const(a, c.nextLong() | Long.MIN_VALUE));
                    default -> relative(out, a, t, -draft.layout.memorySize() - c.nextInt(4096));
                }
            }
            case HUGE -> {
                long memory = draft.layout.memorySize();
                switch (c.nextInt(6)) {
                    case 0 -> draft.emit(out, new Op.Const(a, memory - fit + 1 + c.nextInt(8)));
                    case 1 -> draft.emit(out, new Op.Const(a, memory + c.nextInt(1 << 20)));
                    case 2 -> draft.emit(out, new Op.Const(a, (1L << 32) + c.nextInt(4096)));
                    case 3 -> draft.emit(out, new Op.Const(a, Long.MAX_VALUE - c.nextInt(16)));
                    // An offset so large that base + offset wraps around to a negative address.
                    case 4 -> relative(out, a, t, Long.MAX_VALUE - c.nextInt(16));
                    default -> draft.emit(out, new Op.Const(a, (c.nextLong() >>> 1) | memory << 8));
                }
            }
            case READ_BACK -> readBack(out, a, t, fit);
            case PACKET -> {
                if (!hostile || c.nextInt(4) != 0) {
                    draft.emit(out, new Op.Const(t, c.nextInt((int) Math.max(1, 64 - Math.min(fit, 64) + 1))));
                    draft.emit(out, new Arith(a, Arith.Kind.ADD, PACKET, t));
                } else {
                    // Around the packet's end: the classic filter bug of trusting the length.
                    draft.emit(out, new Arith(a, Arith.Kind.ADD, PACKET, LENGTH));
                    draft.emit(out, new Op.Const(t, c.nextInt(9) - 4 - fit));
                    draft.emit(out, new Arith(a, Arith.Kind.ADD, a, t));
                }
            }
        }
        return a;
    }

    /** {@code a} = an address wholly inside the segment for {@code span} bytes: 3 operations. */
    private void inSegment(List<Op> out, int a, int t, long span) {
        long limit = draft.segmentSize - span;
        long offset;
        switch (c.nextInt(4)) {
            case 0 -> offset = Math.min(hot() + c.nextInt(HOT_BYTES), limit);
            case 1 -> offset = c.nextInt((int) Math.min(Domain.WINDOW_SIZE, limit + 1));
            case 2 -> offset = c.nextInt((int) (limit + 1));
            default -> offset = limit - c.nextInt((int) Math.min(HOT_BYTES, limit + 1));
        }
        if (aligned(span) && c.nextInt(4) != 0) {
            offset &= -span;
        }
        relative(out, a, t, offset);
    }

    /** Whether an access of {@code span} bytes has a natural alignment: a power of two up to a long. */
    private static boolean aligned(long span) {
        return span <= 8 && Long.bitCount(span) == 1;
    }

    /** Where the hot area starts: past the packet window, inside even the smallest segment. */
    private long hot() {
        return Math.min(2 * Domain.WINDOW_SIZE, draft.segmentSize / 2);
    }

    /** {@code a = segment base + delta}: 3 operations. */
    private void relative(List<Op> out, int a, int t, long delta) {
        draft.emit(out, new Op.Segment(a, Op.Segment.Field.BASE));
        draft.emit(out, new Op.Const(t, delta));
        draft.emit(out, new Arith(a, Arith.Kind.ADD, a, t));
    }

    /** A random offset for {@code span} bytes in an area of {@code size}, half the time among its first bytes (headers, magic, counters). */
    private long offset(long size, long span) {
        long limit = Math.max(0, size - span);
        long offset = c.nextBoolean() ? c.nextInt((int) Math.min(HOT_BYTES, limit + 1)) : c.nextInt((int) Math.min(Integer.MAX_VALUE, limit + 1));
        return aligned(span) ? offset & -span : offset;
    }

    private void neighbour(List<Op> out, int a, int t, long span) {
        int form = c.nextInt(10);
        List<Layout.Area> foreign = draft.layout.foreignSegments();
        if (form < 6 || foreign.isEmpty()) {
            // The segment just above (or below): segments are size-aligned and adjacent, so this is where another domain lives.
            draft.emit(out, new Op.Segment(a, Op.Segment.Field.BASE));
            draft.emit(out, new Op.Segment(t, Op.Segment.Field.SIZE));
            draft.emit(out, new Arith(a, form < 4 ? Arith.Kind.ADD : Arith.Kind.SUB, a, t));
            draft.emit(out, new Op.Const(t, offset(draft.segmentSize, span)));
            draft.emit(out, new Arith(a, Arith.Kind.ADD, a, t));
        } else if (form < 9) {
            Layout.Area s = foreign.get(c.nextInt(foreign.size()));
            draft.emit(out, new Op.Const(a, s.base() + offset(s.size(), span)));
        } else {
            relative(out, a, t, (2 + c.nextInt(7)) * draft.segmentSize + offset(draft.segmentSize, span));
        }
    }

    /**
     * An address loaded from memory. Benign: a word of the segment's hot area or of the packet,
     * masked into the segment. Hostile also: a region pointer from the boot header, or the raw
     * value of a segment or packet word (often zero, which is the boot header's address).
     */
    private void readBack(List<Op> out, int a, int t, long span) {
        int form = hostile ? c.nextInt(5) : c.nextInt(2);
        switch (form) {
            case 0, 2 -> {
                hotSlot(out, a, t);
                draft.emit(out, new Op.Load(a, Width.W64, a));
            }
            case 1, 3 -> {
                draft.emit(out, new Op.Const(t, c.nextInt(61)));
                draft.emit(out, new Arith(a, Arith.Kind.ADD, PACKET, t));
                draft.emit(out, new Op.Load(a, c.nextBoolean() ? Width.W16 : Width.W32, a));
            }
            default -> {
                draft.emit(out, new Op.Const(a, BootHeader.baseOf(1 + c.nextInt(BootHeader.REGION_COUNT - 1))));
                draft.emit(out, new Op.Load(a, Width.W64, a));
                draft.emit(out, new Op.Const(t, 8L * c.nextInt(32)));
                draft.emit(out, new Arith(a, Arith.Kind.ADD, a, t));
                return;
            }
        }
        if (form < 2) {
            // segment size - span is a mask of span-aligned offsets that leave room for the access.
            draft.emit(out, new Op.Const(t, draft.segmentSize - (aligned(span) ? span : 8)));
            draft.emit(out, new Arith(a, Arith.Kind.AND, a, t));
            draft.emit(out, new Op.Segment(t, Op.Segment.Field.BASE));
            draft.emit(out, new Arith(a, Arith.Kind.ADD, a, t));
        }
    }

    /** {@code a} = the address of an 8-byte slot in the segment's hot area: 3 operations. */
    void hotSlot(List<Op> out, int a, int t) {
        relative(out, a, t, hot() + 8L * c.nextInt(HOT_BYTES / 8));
    }
}
