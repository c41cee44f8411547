package testbed.sfi.runtime;

import testbed.kernel.MachineCheck;
import testbed.kernel.Trap;
import testbed.kernel.api.Memory;

/**
 * The guards rewritten code calls: segment matching ({@code SFI_CHECK}) and bounds checks
 * ({@code BOUNDS}) for single accesses, the confined {@link Memory#copy} of every mode, and the
 * handler guard that keeps an extension's {@code catch} from swallowing an abort.
 *
 * <p>Address masking ({@code SFI_MASK}) of single accesses needs no call: the rewrite inlines it.
 * Every segment argument is a constant baked into the rewritten class. A zero-length copy
 * touches no byte and passes in every mode.
 */
public final class Guard {

    private Guard() {
    }

    /**
     * Handler guard of unmetered code, called at the entry of every exception handler:
     * rethrows {@code caught} at once if it is a {@link Trap}, a {@link MachineCheck} (the
     * machine's fault on a guard page, which is how {@code SFI_MASK} stops an access straddling
     * the segment's end) or a {@link VirtualMachineError} ({@link StackOverflowError},
     * {@link OutOfMemoryError}), so that no {@code catch (RuntimeException)}, {@code catch (Throwable)}
     * or {@code finally} in an extension can keep an aborted domain running.
     */
    public static void caught(Throwable caught) {
        if (caught instanceof Trap || caught instanceof VirtualMachineError) {
            throw (Error) caught;
        }
        if (caught instanceof MachineCheck check) {
            throw check;
        }
    }

    /**
     * Called by rewritten code to measure an argument of a JDK call it charges: the length of a
     * string, string builder or array, 0 for null and anything else. Reads only lengths, so it
     * calls no code of the extension (an extension cannot implement {@link CharSequence}).
     */
    public static long sizeOf(Object argument) {
        if (argument instanceof CharSequence) {
            return ((CharSequence) argument).length();
        }
        if (argument == null || !argument.getClass().isArray()) {
            return 0;
        }
        return java.lang.reflect.Array.getLength(argument);
    }

    /**
     * Segment matching: returns {@code address} if the segment-id bits ({@code >>> shift}) of its
     * first and last byte are the segment's, else throws {@link Trap.Kind#SEGMENT_VIOLATION}.
     *
     * @param width bytes accessed, 1 to 8
     * @param access the access's name for the message, e.g. {@code store32}
     * @param location {@code Class.method@index} of the access
     */
    public static long matchSegment(long address, int width, long base, long size, String access, String location) {
        int shift = Long.numberOfTrailingZeros(size);
        long segment = base >>> shift;
        if ((address >>> shift) != segment || ((address + width - 1) >>> shift) != segment) {
            throw segmentViolation(access + " at 0x" + Long.toHexString(address), base, size, location);
        }
        return address;
    }

    /**
     * Bounds check: returns {@code address} if {@code [address, address + width)} lies inside the
     * segment, else throws {@link Trap.Kind#OUT_OF_BOUNDS}. Traps on exactly the accesses
     * {@link #matchSegment} traps on.
     */
    public static long checkBounds(long address, int width, long base, long size, String access, String location) {
        if (Long.compareUnsigned(address - base, size - width) > 0) {
            throw outOfBounds(address, access, base, size, location);
        }
        return address;
    }

    /**
     * {@link #matchSegment} in a loop whose entry check ({@link #loopInside}) has shown every
     * address the access takes inside the segment: then the address is returned unchecked.
     */
    public static long matchSegmentUnless(long address, int width, long base, long size, String access, String location,
            boolean inside) {
        return inside ? address : matchSegment(address, width, base, size, access, location);
    }

    /** {@link #checkBounds} in a loop whose entry check ({@link #loopInside}) has shown every address the access takes inside the segment. */
    public static long checkBoundsUnless(long address, int width, long base, long size, String access, String location,
            boolean inside) {
        return inside ? address : checkBounds(address, width, base, size, access, location);
    }

    /**
     * The entry check of a counted loop whose guards are hoisted: whether an access at
     * {@code x + scale * i + offset}, {@code width} bytes wide, stays inside the segment for every
     * value the counter {@code i} takes in the loop's body, from {@code from} by {@code step} while
     * {@code i cond bound} holds ({@code cond}: 2 {@code <}, 3 {@code >=}, 4 {@code >}, 5 {@code <=}).
     * False, so that every access keeps its own check, if the counter could wrap around or any
     * address computation overflows. A loop whose body never runs is inside.
     */
    public static boolean loopInside(long x, int from, int bound, int step, int cond, long scale, long offset, int width,
            long base, long size) {
        long trips = Meter.trips(from, bound, step, cond);
        if (trips == 0) {
            return true;
        }
        long last = from + (trips - 1) * step;
        long after = last + step; // the counter's value when the header's test ends the loop
        if (after < Integer.MIN_VALUE || after > Integer.MAX_VALUE) {
            return false; // it would wrap around and the loop go on
        }
        try {
            long a = Math.addExact(Math.addExact(x, Math.multiplyExact(scale, (long) from)), offset);
            long b = Math.addExact(Math.addExact(x, Math.multiplyExact(scale, last)), offset);
            long lo = Math.min(a, b);
            long hi = Math.max(a, b);
            return lo >= base && hi <= base + size - width;
        } catch (ArithmeticException overflow) {
            return false;
        }
    }

    /**
     * Entry check of a {@code VERIFIED} method: a numeric argument its proof relies on must lie in
     * {@code [lo, hi]}, else {@link Trap.Kind#OUT_OF_BOUNDS}. One check per call replaces the
     * checks of every access the argument's range proves.
     *
     * @param slot the argument's local slot, for the message
     * @param location {@code Class.method@0}
     */
    public static void requireArgument(long value, long lo, long hi, int slot, String location) {
        if (value < lo || value > hi) {
            throw new Trap(Trap.Kind.OUT_OF_BOUNDS, -1, location, "argument in local " + slot + " is " + value
                    + " (0x" + Long.toHexString(value) + "), outside [" + lo + ", " + hi + "] the proof assumes at " + location);
        }
    }

    /**
     * {@link Memory#copy} under address sandboxing: both addresses are masked into the segment, a
     * length above the segment size is masked too, and the length is then clamped so that neither
     * range runs past the segment's end. A copy that was inside the segment is unchanged.
     *
     * @param confineSource false for the stores-only variant: the source is left as it is
     */
    public static void maskedCopy(Memory memory, long destination, long source, long length, long base, long size,
            boolean confineSource) {
        long mask = size - 1;
        long end = base + size;
        long d = (destination & mask) | base;
        long s = confineSource ? (source & mask) | base : source;
        long n = Long.compareUnsigned(length, size) <= 0 ? length : length & mask;
        n = Math.min(n, end - d);
        if (confineSource) {
            n = Math.min(n, end - s);
        }
        memory.copy(d, s, n);
    }

    /**
     * {@link Memory#copy} under segment matching: the first and last byte of the destination (and,
     * unless stores-only, of the source) must be in the segment, else
     * {@link Trap.Kind#SEGMENT_VIOLATION}.
     */
    public static void matchedCopy(Memory memory, long destination, long source, long length, long base, long size,
            boolean confineSource, String location) {
        if (length != 0) {
            if (!matches(destination, length, base, size)) {
                throw segmentViolation(copy(length) + " to 0x" + Long.toHexString(destination), base, size, location);
            }
            if (confineSource && !matches(source, length, base, size)) {
                throw segmentViolation(copy(length) + " from 0x" + Long.toHexString(source), base, size, location);
            }
        }
        memory.copy(destination, source, length);
    }

    /**
     * {@link Memory#copy} under bounds checks: the destination (and, unless stores-only, the
     * source) range must lie inside the segment, else {@link Trap.Kind#OUT_OF_BOUNDS}. Traps on
     * exactly the copies {@link #matchedCopy} traps on.
     */
    public static void boundedCopy(Memory memory, long destination, long source, long length, long base, long size,
            boolean confineSource, String location) {
        if (length != 0) {
            if (!inside(destination, length, base, size)) {
                throw outOfBounds(destination, copy(length) + " to", base, size, location);
            }
            if (confineSource && !inside(source, length, base, size)) {
                throw outOfBounds(source, copy(length) + " from", base, size, location);
            }
        }
        memory.copy(destination, source, length);
    }

    private static boolean matches(long address, long length, long base, long size) {
        int shift = Long.numberOfTrailingZeros(size);
        long segment = base >>> shift;
        return Long.compareUnsigned(length, size) <= 0
                && (address >>> shift) == segment
                && ((address + length - 1) >>> shift) == segment;
    }

    private static boolean inside(long address, long length, long base, long size) {
        return Long.compareUnsigned(length, size) <= 0 && Long.compareUnsigned(address - base, size - length) <= 0;
    }

    private static String copy(long length) {
        return "copy of " + length + " bytes";
    }

    private static Trap segmentViolation(String what, long base, long size, String location) {
        return new Trap(Trap.Kind.SEGMENT_VIOLATION, -1, location,
                what + " outside segment " + segment(base, size) + " at " + location);
    }

    private static Trap outOfBounds(long address, String access, long base, long size, String location) {
        // Chicory's wording, with the segment's end as the limit.
        return new Trap(Trap.Kind.OUT_OF_BOUNDS, -1, location,
                "attempted to access address: 0x" + Long.toHexString(address) + " but limit is: 0x"
                        + Long.toHexString(base + size) + " (" + access + " in segment " + segment(base, size)
                        + " at " + location + ")");
    }

    private static String segment(long base, long size) {
        return "[0x" + Long.toHexString(base) + ", 0x" + Long.toHexString(base + size) + ")";
    }
}
