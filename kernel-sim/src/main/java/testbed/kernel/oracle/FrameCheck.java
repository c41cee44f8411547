package testbed.kernel.oracle;

import java.util.Arrays;
import java.util.List;
import testbed.kernel.Domain;
import testbed.kernel.FrameAllocator;
import testbed.kernel.FrameTable;
import testbed.kernel.Kernel;
import testbed.kernel.MemoryLayout;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.Region;
import testbed.kernel.SegmentTable;

/**
 * The frame part of the fsck: the buddy map's free blocks against each other and the arena, and
 * every frame-table entry against the buddy map, the domains' segments and the bound-frame
 * counts of the segment table. Frames bound to an aborted or destroyed domain are
 * {@code LEAKED_FRAME}, segment frames of a destroyed one {@code LEAKED_SEGMENT}, as are guard
 * frames, which must lie right after their current guarded domain's segment and fault.
 */
final class FrameCheck {
    private static final byte[] WORD_ZEROS = new byte[4096];

    private long[] buddyFree = new long[0];
    private long[] inSegment = new long[0];
    private int[] segmentOwner = new int[0];
    private final int[] bound = new int[MemoryLayout.DOMAIN_IDS];

    void check(Kernel kernel, List<Violation> out) {
        MemoryLayout layout = kernel.layout();
        int pages = layout.pages();
        int first = layout.arenaFirstFrame();
        if (buddyFree.length != (pages + 63) / 64) {
            buddyFree = new long[(pages + 63) / 64];
            inSegment = new long[(pages + 63) / 64];
            segmentOwner = new int[pages];
        }
        Arrays.fill(buddyFree, 0);
        Arrays.fill(bound, 0);

        Findings buddy = new Findings(out, Region.BUDDY_MAP);
        FrameAllocator allocator = kernel.structures().frameAllocator();
        PhysicalMemory memory = kernel.memory();
        for (int k = 0; k <= layout.maxOrder(); k++) {
            long bitmap = layout.buddyBitmap(k);
            int words = layout.buddyWords(k);
            for (int w = 0; w < words; w++) {
                // Most of a bitmap is zero words: find the next word with a bit set in one comparison.
                int span = Math.min(words - w, WORD_ZEROS.length / 8);
                int nonzero = memory.mismatch(bitmap + w * 8L, WORD_ZEROS, 0, span * 8);
                if (nonzero < 0) {
                    w += span - 1;
                    continue;
                }
                w += nonzero / 8;
                long word = allocator.bitmapWord(k, w);
                while (word != 0) {
                    int index = w * 64 + Long.numberOfTrailingZeros(word);
                    word &= word - 1;
                    long from = (long) index << k;
                    long to = from + (1L << k);
                    long at = bitmap + w * 8L;
                    if (from < first || to > pages) {
                        buddy.inconsistent(at, "free block " + index + " of order " + k + " covers frames [" + from + ", " + to
                                + ") outside the arena [" + first + ", " + pages + ")");
                    } else if (!mark(buddyFree, (int) from, (int) to)) {
                        buddy.inconsistent(at, "free block " + index + " of order " + k + " overlaps another free block");
                    }
                }
            }
        }
        buddy.close();

        List<Domain> domains = kernel.domains();
        for (Domain d : domains) {
            int f0 = (int) (d.segment().base() >>> PhysicalMemory.PAGE_SHIFT);
            int n = (int) (d.segment().size() >>> PhysicalMemory.PAGE_SHIFT);
            Arrays.fill(segmentOwner, f0, f0 + n, d.id());
            if (d.spec().guarded()) { // the guard zone after the segment, as large as it: owner's id negated
                Arrays.fill(segmentOwner, f0 + n, Math.min(pages, f0 + 2 * n), -d.id());
            }
            mark(inSegment, f0, Math.min(pages, f0 + (d.spec().guarded() ? 2 * n : n)));
        }

        Findings r = new Findings(out, Region.FRAME_TABLE);
        FrameTable table = kernel.structures().frameTable();
        for (int f = 0; f < pages; f++) {
            // Fast path for the common case, 64 free arena frames: all free in the buddy map, in
            // no segment, entries all zero (one comparison of 128 bytes).
            if ((f & 63) == 0 && f >= first && f + 64 <= pages && buddyFree[f >>> 6] == -1L && inSegment[f >>> 6] == 0
                    && zero(table, f)) {
                f += 63;
                continue;
            }
            frame(kernel, table, f, first, r);
        }
        for (Domain d : domains) {
            int f0 = (int) (d.segment().base() >>> PhysicalMemory.PAGE_SHIFT);
            int end = Math.min(pages, f0 + (int) (d.segment().size() >>> PhysicalMemory.PAGE_SHIFT) * (d.spec().guarded() ? 2 : 1));
            Arrays.fill(segmentOwner, f0, end, 0);
            clear(inSegment, f0, end);
        }
        SegmentTable t = kernel.structures().segmentTable();
        for (Domain d : domains) {
            if (!kernel.isAborted(d) && t.framesBound(d.id()) != bound[d.id()]) {
                r.inconsistent(t.recordAddress(d.id()), d + " counts " + t.framesBound(d.id()) + " bound frames, the frame table "
                        + bound[d.id()]);
            }
        }
        r.close();
    }

    private static boolean zero(FrameTable table, int f) {
        return table.nextInUse(f, f + 64) < 0;
    }

    private void frame(Kernel kernel, FrameTable table, int f, int first, Findings r) {
        int entry = table.entry(f);
        int use = entry & 0xFF;
        int owner = entry >>> 8;
        long at = table.entryAddress(f);
        boolean free = (buddyFree[f >>> 6] & (1L << f)) != 0;
        if (f < first) {
            if (use != FrameTable.KERNEL) {
                r.inconsistent(at, "kernel frame " + f + " (" + kernel.placeOf((long) f << PhysicalMemory.PAGE_SHIFT) + ") is marked "
                        + FrameTable.useName(use) + " of " + owner);
            }
            return;
        }
        int expectedOwner = segmentOwner[f];
        if (use != FrameTable.FREE && free) {
            r.inconsistent(at, "frame " + f + " is " + FrameTable.useName(use) + " of " + owner + " but lies in a free buddy block");
        }
        boolean faults = kernel.memory().isGuard(f);
        if (expectedOwner < 0) {
            guardFrame(kernel, f, use, owner, -expectedOwner, free, faults, at, r);
            return;
        }
        if (faults) {
            r.inconsistent(at, "frame " + f + " is marked " + FrameTable.useName(use) + " of " + owner
                    + " but physical memory faults on it as on a guard page");
        }
        if (expectedOwner != 0) {
            if (use != FrameTable.SEGMENT || owner != expectedOwner) {
                r.inconsistent(at, "frame " + f + " belongs to " + Kernel.segmentPlace(kernel.domain(expectedOwner))
                        + " but is marked " + FrameTable.useName(use) + " of " + owner
                        + (use == FrameTable.FREE ? " (a forged free)" : ""));
            } else if (free) {
                r.inconsistent(at, "frame " + f + " of " + Kernel.segmentPlace(kernel.domain(expectedOwner)) + " lies in a free buddy block");
            }
            return;
        }
        switch (use) {
            case FrameTable.FREE -> {
                if (!free) {
                    r.inconsistent(at, "frame " + f + " is marked free but the buddy map has it allocated");
                } else if (owner != 0) {
                    r.inconsistent(at, "free frame " + f + " names owner " + owner);
                }
            }
            case FrameTable.SEGMENT -> {
                if (kernel.domain(owner) == null) {
                    r.add(Violation.Kind.LEAKED_SEGMENT, at, owner, "frame " + f + " is still a segment frame of destroyed domain " + owner);
                } else {
                    r.inconsistent(at, "frame " + f + " is marked segment of " + owner + " but lies outside its segment "
                            + kernel.domain(owner).segment());
                }
            }
            case FrameTable.GUARD -> {
                if (kernel.domain(owner) == null) {
                    r.add(Violation.Kind.LEAKED_SEGMENT, at, owner, "frame " + f + " is still a guard frame of destroyed domain " + owner);
                } else {
                    r.inconsistent(at, "frame " + f + " is marked guard of " + owner + " but is not in the guard zone right after its segment "
                            + kernel.domain(owner).segment() + (kernel.domain(owner).spec().guarded() ? "" : ", which has none"));
                }
            }
            case FrameTable.BOUND -> {
                if (!StructureCheck.live(kernel, owner)) {
                    r.add(Violation.Kind.LEAKED_FRAME, at, owner, "frame " + f + " is still bound to "
                            + (kernel.domain(owner) == null ? "destroyed domain " : "aborted domain ") + owner);
                } else {
                    bound[owner]++;
                }
            }
            default -> r.inconsistent(at, "arena frame " + f + " is marked " + FrameTable.useName(use) + " of " + owner);
        }
    }

    /** A frame of a current guarded domain's guard zone: marked guard of it, allocated, and faulting. */
    private static void guardFrame(Kernel kernel, int f, int use, int owner, int expectedOwner, boolean free, boolean faults,
                                   long at, Findings r) {
        String zone = "the guard zone after " + Kernel.segmentPlace(kernel.domain(expectedOwner));
        if (use != FrameTable.GUARD || owner != expectedOwner) {
            r.inconsistent(at, "frame " + f + " belongs to " + zone + " but is marked " + FrameTable.useName(use) + " of " + owner
                    + (use == FrameTable.FREE ? " (a forged free)" : ""));
        } else if (free) {
            r.inconsistent(at, "frame " + f + " of " + zone + " lies in a free buddy block");
        } else if (!faults) {
            r.inconsistent(at, "frame " + f + " of " + zone + " is not a guard page of physical memory: accesses to it do not fault");
        }
    }

    /** Sets bits {@code [from, to)}; false if any was set already. */
    private static boolean mark(long[] bits, int from, int to) {
        boolean fresh = true;
        int f = from;
        while (f < to) {
            int w = f >>> 6;
            int hi = Math.min(to, (w + 1) << 6);
            long mask = hi - f == 64 ? -1L : ((1L << (hi - f)) - 1) << f;
            if ((bits[w] & mask) != 0) {
                fresh = false;
            }
            bits[w] |= mask;
            f = hi;
        }
        return fresh;
    }

    private static void clear(long[] bits, int from, int to) {
        int f = from;
        while (f < to) {
            int w = f >>> 6;
            int hi = Math.min(to, (w + 1) << 6);
            long mask = hi - f == 64 ? -1L : ((1L << (hi - f)) - 1) << f;
            bits[w] &= ~mask;
            f = hi;
        }
    }
}
