package testbed.faults.fuzz;

import java.util.ArrayList;
import java.util.List;
import testbed.kernel.Domain;
import testbed.kernel.Kernel;
import testbed.kernel.KernelConfig;
import testbed.kernel.MemoryLayout;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.Region;

/**
 * What the {@link ProgramGenerator} knows about the machine its programs will run on: where the
 * kernel keeps its structures, which segments other domains own, how big physical memory is, how
 * many kernel locks exist, and how big the program's own segment will be. Where the program's own
 * segment lies is not here: a program learns it at run time ({@code Op.Segment}), as an extension
 * would.
 *
 * <p>Nothing here is secret: the kernel publishes its memory map at address 0 (the boot header),
 * and a layout is the same for every kernel booted with one configuration.
 */
public final class Layout {
    /** The segment size a trial's domain gets (the fault injector's trial spec: 64 KiB). */
    public static final long TRIAL_SEGMENT_SIZE = 64 << 10;

    /** A named range of physical memory. */
    public record Area(String name, long base, long size) {
        /** The first address past the area. */
        public long end() {
            return base + size;
        }

        @Override
        public String toString() {
            return String.format("%s [0x%x, 0x%x)", name, base, end());
        }
    }

    private final List<Area> kernelRegions;
    private final List<Area> foreignSegments;
    private final long memorySize;
    private final int locks;
    private final long segmentSize;

    private Layout(List<Area> kernelRegions, List<Area> foreignSegments, long memorySize, int locks, long segmentSize) {
        this.kernelRegions = List.copyOf(kernelRegions);
        this.foreignSegments = List.copyOf(foreignSegments);
        this.memorySize = memorySize;
        this.locks = locks;
        this.segmentSize = segmentSize;
    }

    /**
     * The layout of {@code kernel} for programs that will run in a segment of {@code segmentSize}
     * bytes. Every domain current in the kernel counts as foreign: take the layout before creating
     * the domain under test (the canary, created at boot, is always there).
     *
     * @throws IllegalArgumentException if {@code segmentSize} is not a power of two of at least a page
     */
    public static Layout of(Kernel kernel, long segmentSize) {
        if (Long.bitCount(segmentSize) != 1 || segmentSize < PhysicalMemory.PAGE_SIZE) {
            throw new IllegalArgumentException("segment size must be a power of two of at least "
                    + PhysicalMemory.PAGE_SIZE + " bytes, got " + segmentSize);
        }
        MemoryLayout memory = kernel.layout();
        List<Area> regions = new ArrayList<>();
        for (Region r : Region.values()) {
            if (r != Region.DOMAIN_ARENA) {
                regions.add(new Area(r.name(), memory.base(r), memory.size(r)));
            }
        }
        List<Area> segments = new ArrayList<>();
        for (Domain d : kernel.domains()) {
            segments.add(new Area(d.name(), d.segment().base(), d.segment().size()));
        }
        KernelConfig config = kernel.config();
        return new Layout(regions, segments, config.memorySize(), config.locks(), segmentSize);
    }

    /**
     * The layout of a kernel booted with {@link KernelConfig#defaults()}, as trials boot it, for a
     * {@link #TRIAL_SEGMENT_SIZE} segment. Boots that kernel once per JVM.
     */
    public static Layout defaults() {
        return Defaults.LAYOUT;
    }

    private static final class Defaults {
        static final Layout LAYOUT = of(Kernel.boot(KernelConfig.defaults()), TRIAL_SEGMENT_SIZE);
    }

    /** The kernel's structures, every region below the domain arena, in address order. */
    public List<Area> kernelRegions() {
        return kernelRegions;
    }

    /** Segments of the domains that existed when the layout was taken (at least the canary's). */
    public List<Area> foreignSegments() {
        return foreignSegments;
    }

    /** Bytes of physical memory: every address at or above it is outside the machine. */
    public long memorySize() {
        return memorySize;
    }

    /** Number of 4 KiB frames of physical memory; frame numbers run {@code 0..frames()-1}. */
    public long frames() {
        return memorySize >>> PhysicalMemory.PAGE_SHIFT;
    }

    /** Kernel locks in the lock table; lock ids run {@code 0..locks()-1}. */
    public int locks() {
        return locks;
    }

    /** Size of the segment the generated programs will run in. */
    public long segmentSize() {
        return segmentSize;
    }

    @Override
    public String toString() {
        return "Layout[memory " + memorySize + " bytes, " + locks + " locks, segment " + segmentSize + " bytes, kernel "
                + kernelRegions + ", foreign " + foreignSegments + "]";
    }
}
