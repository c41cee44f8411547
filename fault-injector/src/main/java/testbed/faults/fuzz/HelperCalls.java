package testbed.faults.fuzz;

import static testbed.faults.fuzz.Draft.LENGTH;
import static testbed.faults.fuzz.Draft.PACKET;
import static testbed.faults.fuzz.Draft.bit;
import static testbed.faults.fuzz.Mix.BENIGN_USE;
import static testbed.faults.fuzz.Mix.HELPERS;
import static testbed.faults.fuzz.Mix.HOSTILE_USE;
import static testbed.faults.fuzz.Mix.INSIDE_ADDRESS;
import static testbed.faults.fuzz.Mix.OUTSIDE_ADDRESS;
import static testbed.faults.fuzz.Mix.USES;

import java.util.ArrayList;
import java.util.List;
import testbed.faults.fuzz.GenerationStats.Family;
import testbed.faults.fuzz.Mix.HelperUse;
import testbed.kernel.Domain;
import testbed.kernel.KernelConfig;
import testbed.program.Op;
import testbed.program.Op.Arith;
import testbed.program.Op.Helper;
import testbed.program.Op.Width;

/**
 * A draft's kernel helper calls: well-formed uses (allocate and free, lock and unlock, bind and
 * release a frame, send, log, read the time), calls with whatever the registers hold, and the
 * kernel-interface attacks ({@link GenerationStats.Misuse}), each of which the kernel must refuse
 * with a status or the abort must clean up.
 */
final class HelperCalls {
    private final Draft draft;
    private final Addresses addresses;
    private final Choices c;
    private final boolean hostile;

    HelperCalls(Draft draft, Addresses addresses) {
        this.draft = draft;
        this.addresses = addresses;
        this.c = draft.c;
        this.hostile = draft.hostile;
    }

    void call(List<Op> out) {
        HelperUse use = USES[c.pick(hostile ? HOSTILE_USE : BENIGN_USE)];
        switch (use) {
            case TIME -> draft.emit(out, new Op.Call(draft.scratch(0), Helper.TIME, List.of()));
            case ALLOC_AND_FREE -> {
                int size = draft.scratch(0);
                int p = draft.scratch(0);
                int zero = draft.scratch(bit(p));
                int v = draft.scratch(bit(p) | bit(zero));
                draft.emit(out, new Op.Const(size, 8 + c.nextInt(249)));
                draft.emit(out, new Op.Call(p, Helper.ALLOC, List.of(size)));
                draft.emit(out, new Op.Const(zero, 0));
                // The store into the block is guarded: a failed allocation returns a negative status, not an address.
                draft.stats.note(Family.ADDRESS, AddressClass.IN_SEGMENT);
                List<Op> fill = new ArrayList<>(2);
                draft.emit(fill, new Op.Const(v, draft.interesting()));
                draft.emit(fill, new Op.Store(Width.W64, p, v));
                draft.emit(out, new Op.If(p, Op.If.Cmp.GE, zero, fill));
                draft.emit(out, new Op.Call(draft.scratch(bit(p)), Helper.FREE, List.of(p)));
            }
            case SEND, LOG -> {
                Helper helper = use == HelperUse.SEND ? Helper.SEND_PACKET : Helper.LOG;
                if (c.nextBoolean()) {
                    draft.stats.note(Family.ADDRESS, AddressClass.PACKET);
                    draft.emit(out, new Op.Call(draft.scratch(0), helper, List.of(PACKET, LENGTH)));
                } else {
                    int length = 1 + c.nextInt(64);
                    int a = addresses.address(out, length, 0);
                    int l = draft.scratch(bit(a));
                    draft.emit(out, new Op.Const(l, length));
                    draft.emit(out, new Op.Call(draft.scratch(0), helper, List.of(a, l)));
                }
            }
            case LOCK_AND_UNLOCK -> {
                int k = lockId(out, c.nextInt(draft.layout.locks()));
                draft.emit(out, new Op.Call(draft.scratch(bit(k)), Helper.LOCK, List.of(k)));
                draft.emit(out, new Op.Call(draft.scratch(0), Helper.UNLOCK, List.of(k)));
            }
            case BIND_AND_RELEASE -> {
                int f = draft.scratch(0);
                draft.emit(out, new Op.Call(f, Helper.BIND_FRAME, List.of()));
                draft.emit(out, new Op.Call(draft.scratch(0), Helper.RELEASE_FRAME, List.of(f)));
            }
            case RANDOM_ARGUMENTS -> {
                Helper helper = HELPERS[c.nextInt(HELPERS.length)];
                List<Integer> args = new ArrayList<>(helper.arity());
                for (int i = 0; i < helper.arity(); i++) {
                    args.add(draft.anyRegister());
                }
                draft.emit(out, new Op.Call(draft.scratch(0), helper, args));
            }
            default -> misuse(use, out);
        }
    }

    /** The kernel-interface attacks: each must be refused with a status, or cleaned up by the abort. */
    private void misuse(HelperUse use, List<Op> out) {
        draft.stats.note(Family.MISUSE, use.misuse);
        switch (use) {
            case HOSTILE_ALLOC -> {
                int size = draft.scratch(0);
                long[] sizes = {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, draft.segmentSize, draft.segmentSize - Domain.WINDOW_SIZE + 1, 1L << 32};
                draft.emit(out, new Op.Const(size, sizes[c.nextInt(sizes.length)]));
                draft.emit(out, new Op.Call(draft.scratch(0), Helper.ALLOC, List.of(size)));
            }
            case FREE_UNKNOWN -> {
                int a = addresses.address(out, 8, 0);
                draft.emit(out, new Op.Call(draft.scratch(0), Helper.FREE, List.of(a)));
            }
            case DOUBLE_FREE -> {
                int size = draft.scratch(0);
                int p = draft.scratch(0);
                draft.emit(out, new Op.Const(size, 8 + c.nextInt(120)));
                draft.emit(out, new Op.Call(p, Helper.ALLOC, List.of(size)));
                draft.emit(out, new Op.Call(draft.scratch(bit(p)), Helper.FREE, List.of(p)));
                draft.emit(out, new Op.Call(draft.scratch(bit(p)), Helper.FREE, List.of(p)));
            }
            case FOREIGN_ADDRESS, BAD_LENGTH -> {
                Helper helper = c.nextBoolean() ? Helper.SEND_PACKET : Helper.LOG;
                long length;
                int a;
                if (use == HelperUse.FOREIGN_ADDRESS) {
                    length = 1 + c.nextInt(KernelConfig.MAX_PACKET);
                    a = addresses.address(out, length, 0, OUTSIDE_ADDRESS);
                } else {
                    long[] lengths = {-1, Integer.MIN_VALUE, Integer.MAX_VALUE, draft.segmentSize, draft.segmentSize + 1,
                        (1L << 32) + 5, KernelConfig.MAX_PACKET + 1, Domain.WINDOW_SIZE + 1};
                    length = lengths[c.nextInt(lengths.length)];
                    a = addresses.address(out, 1, 0, INSIDE_ADDRESS);
                }
                int l = draft.scratch(bit(a));
                draft.emit(out, new Op.Const(l, length));
                draft.emit(out, new Op.Call(draft.scratch(0), helper, List.of(a, l)));
            }
            case UNKNOWN_LOCK -> {
                long[] ids = {-1, draft.layout.locks(), draft.layout.locks() + 1 + c.nextInt(1000), Integer.MAX_VALUE, Integer.MIN_VALUE,
                    1L << 32};
                int k = draft.scratch(0);
                draft.emit(out, new Op.Const(k, ids[c.nextInt(ids.length)]));
                draft.emit(out, new Op.Call(draft.scratch(0), c.nextBoolean() ? Helper.LOCK : Helper.UNLOCK, List.of(k)));
            }
            case DOUBLE_LOCK -> {
                int k = lockId(out, c.nextInt(draft.layout.locks()));
                draft.emit(out, new Op.Call(draft.scratch(bit(k)), Helper.LOCK, List.of(k)));
                draft.emit(out, new Op.Call(draft.scratch(bit(k)), Helper.LOCK, List.of(k)));
                if (c.nextBoolean()) {
                    draft.emit(out, new Op.Call(draft.scratch(0), Helper.UNLOCK, List.of(k)));
                }
            }
            case LOCK_HELD -> {
                int k = lockId(out, c.nextInt(draft.layout.locks()));
                draft.emit(out, new Op.Call(draft.scratch(0), Helper.LOCK, List.of(k)));
            }
            case UNLOCK_NOT_HELD -> {
                int k = lockId(out, c.nextInt(draft.layout.locks()));
                draft.emit(out, new Op.Call(draft.scratch(0), Helper.UNLOCK, List.of(k)));
            }
            case FRAME_HOARD -> draft.emit(out, new Op.Call(draft.scratch(0), Helper.BIND_FRAME, List.of()));
            case FORGED_FRAME -> {
                int f = draft.scratch(0);
                switch (c.nextInt(5)) {
                    case 0 -> draft.emit(out, new Op.Const(f, c.nextInt(Math.toIntExact(kernelFrames()))));
                    case 1 -> draft.emit(out, new Op.Const(f, foreignFrame()));
                    case 2 -> {
                        // The first frame of its own segment: owned as segment, not as a binding.
                        int t = draft.scratch(bit(f));
                        draft.emit(out, new Op.Segment(f, Op.Segment.Field.BASE));
                        draft.emit(out, new Op.Const(t, 12));
                        draft.emit(out, new Arith(f, Arith.Kind.USHR, f, t));
                    }
                    case 3 -> draft.emit(out, new Op.Const(f, draft.layout.frames() + c.nextInt(100)));
                    default -> draft.emit(out, new Op.Const(f, draft.pickLong(-1, Integer.MIN_VALUE, Long.MIN_VALUE, 1L << 32)));
                }
                draft.emit(out, new Op.Call(draft.scratch(0), Helper.RELEASE_FRAME, List.of(f)));
            }
            default -> throw new AssertionError(use);
        }
    }

    private int lockId(List<Op> out, long id) {
        int k = draft.scratch(0);
        draft.emit(out, new Op.Const(k, id));
        return k;
    }

    private long kernelFrames() {
        List<Layout.Area> regions = draft.layout.kernelRegions();
        return regions.get(regions.size() - 1).end() >>> 12;
    }

    private long foreignFrame() {
        List<Layout.Area> foreign = draft.layout.foreignSegments();
        return foreign.isEmpty() ? 0 : foreign.get(c.nextInt(foreign.size())).base() >>> 12;
    }
}
