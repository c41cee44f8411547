package testbed.sfi.runtime;

import java.util.Objects;
import testbed.kernel.KernelPanic;
import testbed.kernel.Trap;

/**
 * One fault domain's budgets as its rewritten code consumes them: fuel, allocation bytes and call
 * depth. The domain crossing {@linkplain #refill refills} the meter before each call into the
 * domain; a watchdog or a revocation on another thread {@linkplain #stop stops} it.
 *
 * <p><b>Fuel.</b> Every method entry, every back-edge (a jump or switch to a lower offset) and every
 * exception-handler entry costs one unit; every cycle of a method's control flow passes through one
 * of them. A back-edge spends a credit the method holds in a local, prepaid in batches of up to
 * {@value #BATCH} units ({@link #prepay}) and given back when the method returns or throws
 * ({@link #refund}); {@link #fuelSlice} is decremented by method entries and prepayments,
 * and {@link #refuel} is called only when the slice runs out, which is where the budget is
 * enforced exactly: after {@code fuel} units the next metered point traps with
 * {@link Trap.Kind#FUEL_EXHAUSTED}.
 *
 * <p><b>Allocation.</b> {@code new}, {@code newarray}, {@code anewarray} and
 * {@code multianewarray} are charged {@value #OBJECT_HEADER_BYTES} bytes per object or array plus
 * the fields (known for the extension's own class, taken as none for others) or elements (a
 * reference counts {@value #REFERENCE_BYTES} bytes). Arrays are charged before they are allocated;
 * a plain object just after its {@code new}, before its constructor runs. A charge over the budget
 * traps with {@link Trap.Kind#MEMORY_BUDGET}. Allocations inside JDK methods are charged by
 * {@link #work} before the call, from the lengths of its arguments; every
 * {@value #BYTES_PER_UNIT} bytes also cost a unit of fuel.
 *
 * <p><b>Call depth.</b> Method entry traps with {@link Trap.Kind#STACK_DEPTH} at the limit, long
 * before the JVM's own {@link StackOverflowError}. Each frame remembers the depth it was entered at
 * and puts it back on return and at the entry of each of its exception handlers, so unwinding
 * through a {@code catch} keeps the count right.
 *
 * <p><b>Stopping.</b> A trap thrown by the meter, or {@link #stop}, marks the domain stopped until
 * the next refill: every later metered point and every handler entry traps again, so an extension
 * cannot outlive its abort in a {@code finally} or {@code catch} that loops. A stop from another
 * thread is seen at the domain's next metered point; should that thread's write race with the
 * domain's own fuel decrement, it is seen at the latest when the current slice of
 * {@value #SLICE} units runs out.
 *
 * <p><b>Binding.</b> A rewritten class reaches its meter through a private static final field
 * that its static initializer fills from {@link #boundTo}: call {@link #bind} after defining the
 * class and before its first use. One meter per domain; a class is bound once.
 *
 * <p>The public fields and the methods documented as called by rewritten code are for rewritten
 * code only. The domain's own thread uses everything else except {@link #stop} and
 * {@link #stopped}, which any thread may call.
 */
public final class Meter {
    /** Bytes charged per object or array on top of its fields or elements. */
    public static final int OBJECT_HEADER_BYTES = 16;
    /** Bytes charged per reference field or array element. */
    public static final int REFERENCE_BYTES = 4;
    /**
     * Fuel a kernel helper call costs the domain that makes it, charged by the kernel before the
     * helper runs. A helper (capability check, argument checks, a table update, the undo log)
     * costs what some dozens of back-edges of interpreted extension code do; uncharged, a loop of
     * helper calls ran 30,000 iterations of kernel work on a budget sized for plain loops.
     */
    public static final int HELPER_FUEL = 16;
    /** Fuel units handed to the inline counter at a time. */
    public static final int SLICE = 1 << 14;
    /**
     * Back-edge fuel a method takes at a time into a local of its own ({@link #prepay}), so that
     * a loop's fuel check is a register decrement instead of a store to this object per iteration.
     */
    public static final int BATCH = 64;
    /**
     * Elements (characters, array elements, bytes of a copy) of work done inside the JDK or the
     * kernel on the domain's behalf that cost one unit of fuel: about what a back-edge of a short
     * loop costs in time.
     */
    public static final int ELEMENTS_PER_UNIT = 16;
    /**
     * Fuel a {@link Throwable} costs when the domain constructs one and again when one of its
     * handlers catches one (the JVM's own exceptions included), on top of one unit per active call
     * of the domain: the JVM fills in a stack trace of every frame on the thread, the host's frames
     * below the domain included, which costs far more than a back-edge.
     */
    public static final int THROWABLE_UNITS = 64;
    /** Bytes of an allocation that cost one unit of fuel: the JVM zeroes every byte it hands out. */
    public static final int BYTES_PER_UNIT = 256;

    private static final ClassValue<Binding> BINDINGS = new ClassValue<>() {
        @Override
        protected Binding computeValue(Class<?> type) {
            return new Binding();
        }
    };

    /**
     * Called by rewritten code: fuel left in the current slice. Decremented at every method entry
     * and prepayment; a negative value sends the next one to {@link #refuel}.
     */
    public int fuelSlice;
    /** Called by rewritten code: the current call depth, restored inline at every return. */
    public int callDepth;

    private long fuelBudget;
    private long fuelReserve;
    private long bytesBudget;
    private long bytesLeft;
    private int maxDepth;
    private volatile Trap.Kind stopKind;
    /** Set when code rewritten for {@code NONE} switched the simulated machine off; kept until the next refill. */
    private KernelPanic panic;
    private volatile String stopDetail;

    /** An empty meter: until the first {@link #refill}, the first metered point traps. */
    public Meter() {
        fuelSlice = -1;
    }

    /**
     * Binds a rewritten, not yet initialized class to {@code meter}. Its static initializer fetches
     * the meter; a class that is used without being bound fails to initialize.
     *
     * @throws IllegalStateException if the class is already bound to another meter
     */
    public static void bind(Class<?> extension, Meter meter) {
        Objects.requireNonNull(meter, "meter");
        Binding binding = BINDINGS.get(extension);
        synchronized (binding) {
            if (binding.meter != null && binding.meter != meter) {
                throw new IllegalStateException(extension.getName() + " is already bound to another meter");
            }
            binding.meter = meter;
        }
    }

    /**
     * Called by the static initializer of a rewritten class: the meter it was bound to.
     *
     * @throws IllegalStateException if {@link #bind} was not called first
     */
    public static Meter boundTo(Class<?> extension) {
        Binding binding = BINDINGS.get(extension);
        synchronized (binding) {
            if (binding.meter == null) {
                throw new IllegalStateException(extension.getName()
                        + " is metered but not bound: call Meter.bind before its first use");
            }
            return binding.meter;
        }
    }

    /**
     * Gives the domain fresh budgets for its next call, clears a stop and resets the call depth.
     *
     * @param fuel metered points the call may pass ({@link Long#MAX_VALUE} for no limit)
     * @param allocationBytes bytes the call may allocate
     * @param maxDepth calls the domain may have active at once
     */
    public void refill(long fuel, long allocationBytes, int maxDepth) {
        if (fuel < 0 || allocationBytes < 0 || maxDepth < 0) {
            throw new IllegalArgumentException("budgets must not be negative: fuel " + fuel + ", bytes "
                    + allocationBytes + ", depth " + maxDepth);
        }
        stopKind = null;
        stopDetail = null;
        panic = null;
        fuelBudget = fuel;
        int slice = (int) Math.min(fuel, SLICE);
        fuelReserve = fuel - slice;
        fuelSlice = slice;
        bytesBudget = allocationBytes;
        bytesLeft = allocationBytes;
        this.maxDepth = maxDepth;
        callDepth = 0;
    }

    /**
     * Stops the domain from any thread: its next metered point, or next exception-handler entry,
     * throws a {@link Trap} of {@code kind} with {@code detail} and the location.
     */
    public void stop(Trap.Kind kind, String detail) {
        Objects.requireNonNull(kind, "kind");
        stopDetail = Objects.requireNonNull(detail, "detail");
        stopKind = kind;
        fuelSlice = -1;
    }

    /** Why the domain is stopped, or null while it may run. */
    public Trap.Kind stopped() {
        return stopKind;
    }

    /** The panic an unprotected extension caused since the last refill by switching the machine off, or null. */
    public KernelPanic panic() {
        return panic;
    }

    /** Fuel units left of the last refill. */
    public long fuelLeft() {
        return fuelReserve + Math.max(fuelSlice, 0);
    }

    /** Allocation bytes left of the last refill. */
    public long allocationBytesLeft() {
        return bytesLeft;
    }

    /** Calls of the domain active now: 0 between calls. */
    public int depth() {
        return callDepth;
    }

    // ---- called by rewritten code ----

    /**
     * Called by rewritten code at every method entry: one unit of fuel and one level of depth.
     *
     * @return the depth before entry, which the method puts back on return
     */
    public int enter(String location) {
        if (--fuelSlice < 0) {
            refuel(location);
        }
        int depth = callDepth;
        if (depth >= maxDepth) {
            throw abort(Trap.Kind.STACK_DEPTH, location, "call depth " + (depth + 1) + " exceeds the limit of " + maxDepth);
        }
        callDepth = depth + 1;
        return depth;
    }

    /**
     * Called by rewritten code when the inline fuel counter went negative: hands out the next slice,
     * or traps if the budget is spent or the domain was stopped.
     */
    public void refuel(String location) {
        Trap.Kind kind = stopKind;
        if (kind != null) {
            fuelSlice = -1;
            throw stoppedAt(kind, location);
        }
        if (fuelReserve == 0) {
            throw abort(Trap.Kind.FUEL_EXHAUSTED, location, "budget of " + fuelBudget + " units used up");
        }
        long slice = Math.min(fuelReserve, SLICE);
        fuelReserve -= slice;
        fuelSlice = (int) slice - 1;
    }

    /**
     * Called by rewritten code when a method's back-edge credit ran out: charges up to
     * {@link #BATCH} units and returns the credit left after paying for the back-edge at hand.
     * Fewer units are granted when fewer are left, so the budget traps at exactly the back-edge it
     * would trap at with one charge per back-edge; the unused credit comes back through
     * {@link #refund} when the method returns or throws. A method keeps its credit across the
     * calls it makes, so while callers hold credit a callee can trap up to that much early: the
     * budget is never exceeded, and a run is still a function of its budget.
     */
    public int prepay(String location) {
        long left = fuelReserve + Math.max(fuelSlice, 0);
        if (left == 0 || stopKind != null) {
            refuel(location); // traps: nothing left, or stopped
        }
        int grant = (int) Math.min(BATCH, left);
        spend(grant, location);
        return grant - 1;
    }

    /**
     * Called by rewritten code when a back-edge that costs more than one unit (it spans a long
     * loop body) took the method's credit below zero: pays what it owes beyond the credit, then
     * prepays a fresh batch and returns it, all of it unused. Traps like {@link #prepay}.
     *
     * @param credit the method's credit after the back-edge's charge, negative
     */
    public int prepayOwing(int credit, String location) {
        spend(-credit, location);
        long left = fuelReserve + Math.max(fuelSlice, 0);
        if (stopKind != null) {
            refuel(location); // traps: stopped
        }
        int grant = (int) Math.min(BATCH, left);
        spend(grant, location);
        return grant;
    }

    /**
     * Called by rewritten code before a method returns or throws: gives back back-edge credit it
     * prepaid and did not use. A stop in the meantime keeps the counter exhausted.
     */
    public void refund(int credit) {
        if (credit > 0 && stopKind == null) {
            fuelSlice += credit;
        }
    }

    /**
     * Charges {@code units} of fuel for work done on the domain's behalf outside its own code (a
     * helper call that is a round trip to another process), on the domain's own thread. Traps
     * like a metered point when fewer units are left or the domain is stopped; the units that
     * were left are then used up.
     */
    public void spend(int units, String location) {
        if (units < 0) {
            throw new IllegalArgumentException("cannot spend " + units + " units");
        }
        long left = (long) fuelSlice - units;
        while (left < 0) {
            Trap.Kind kind = stopKind;
            if (kind != null) {
                fuelSlice = -1;
                throw stoppedAt(kind, location);
            }
            if (fuelReserve == 0) {
                throw abort(Trap.Kind.FUEL_EXHAUSTED, location, "budget of " + fuelBudget + " units used up");
            }
            long slice = Math.min(fuelReserve, SLICE);
            fuelReserve -= slice;
            left += slice;
        }
        fuelSlice = (int) left;
    }

    /**
     * Called by rewritten code on entry to a loop of counted shape, whose back-edges are not
     * metered one by one: charges at once the number of back-edges the loop will take, from the
     * counter's value {@code from}, the {@code bound}, the counter's {@code step} and the
     * condition under which the loop goes on ({@code cond}: 2 {@code <}, 3 {@code >=}, 4 {@code >},
     * 5 {@code <=}), the counter's wrap-around included (a loop that never ends is charged more
     * than any budget). The shape ensures that the loop cannot be left before its test fails,
     * except by an exception, which leaves it overcharged, never undercharged. Each back-edge
     * costs {@code units}, what the metered back-edge of a body that long costs.
     */
    public void chargeLoop(long from, long bound, int step, int cond, int units, String location) {
        long trips = tripsWrapping(from, bound, step, cond);
        long owed = units > 0 && trips > Long.MAX_VALUE / units ? Long.MAX_VALUE : trips * units;
        while (owed > 0) {
            int now = (int) Math.min(owed, Integer.MAX_VALUE);
            spend(now, location);
            owed -= now;
        }
    }

    /**
     * How many times a counted loop's body runs: its {@code int} counter from {@code from} by
     * {@code step} while {@code counter cond bound} holds ({@code cond}: 2 {@code <}, 3 {@code >=},
     * 4 {@code >}, 5 {@code <=}), with the counter wrapping around as the JVM's {@code iinc} does;
     * {@link Long#MAX_VALUE} for a loop that never ends.
     */
    static long tripsWrapping(long from, long bound, int step, int cond) {
        boolean up = cond == 2 || cond == 5;
        // Counting down is counting up with every value negated; then the loop goes on while the
        // counter is below the first value that ends it, and wraps once it passes the top.
        long v = up ? from : -from;
        long end = up ? bound : -bound;
        long stride = up ? step : -(long) step;
        long top = up ? Integer.MAX_VALUE : -(long) Integer.MIN_VALUE;
        if (cond == 5 || cond == 3) { // <= and >= go on at the bound itself
            end++;
        }
        if (stride <= 0) {
            return v < end ? Long.MAX_VALUE : 0;
        }
        if (end > top) {
            return v < end ? Long.MAX_VALUE : 0; // no int value ends it
        }
        long total = 0;
        // A lap runs from where the counter is to where it wraps; the place it starts a lap at
        // repeats after at most stride laps, and a loop that has not ended by then never does.
        for (long lap = 0; lap <= stride; lap++) {
            if (v >= end) {
                return total;
            }
            long k = (end - v + stride - 1) / stride;
            if (v + k * stride <= top) {
                return total + k;
            }
            long m = (top - v) / stride + 1; // the values of this lap, all below the end
            total += m;
            v += m * stride - (1L << 32);
        }
        return Long.MAX_VALUE;
    }

    /**
     * How many times a counted loop's body runs: its counter from {@code from} by {@code step}
     * while {@code counter cond bound} holds ({@code cond}: 2 {@code <}, 3 {@code >=}, 4 {@code >},
     * 5 {@code <=}), counted as if it did not wrap around.
     */
    static long trips(long from, long bound, int step, int cond) {
        long distance = cond == 2 || cond == 5 ? bound - from : from - bound;
        long stride = Math.abs((long) step);
        if (cond == 2 || cond == 4) {
            return distance <= 0 ? 0 : (distance + stride - 1) / stride;
        }
        return distance < 0 ? 0 : distance / stride + 1;
    }

    /**
     * Called by rewritten code at the entry of every exception handler: rethrows an abort at once
     * (a {@link Trap}, a {@link VirtualMachineError}, or anything while the domain is stopped),
     * else puts back the handler's frame depth and charges one unit of fuel.
     *
     * @param depth the depth the handler's method was entered at
     */
    public void caught(Throwable caught, int depth, String location) {
        Guard.caught(caught);
        caughtUnprotected(caught, depth, location);
    }

    /**
     * Called by code rewritten for {@code NONE} at the entry of every exception handler: like
     * {@link #caught}, but only a stop of the meter itself is rethrown; the unprotected handler
     * keeps whatever else it caught, a {@link Trap} or a {@link VirtualMachineError} included.
     */
    public void caughtUnprotected(Throwable caught, int depth, String location) {
        Trap.Kind kind = stopKind;
        if (kind != null) {
            throw stoppedAt(kind, location);
        }
        callDepth = depth + 1;
        // The handler's entry and the stack trace the JVM filled in: the simulated machine's
        // lockup detector counts that work as the protected modes' fuel does.
        spend(1 + THROWABLE_UNITS + depth, location);
    }

    /**
     * Called by code rewritten for {@code NONE} in place of {@code System.exit}, {@code Runtime.exit}
     * and {@code Runtime.halt}: the unprotected extension switches the simulated machine off. The
     * host JVM stays up; the domain is stopped, so no handler of the extension can carry on.
     */
    public void powerOff(int status, String location) {
        panic = new KernelPanic(KernelPanic.Cause.POWER_OFF, "the extension called exit(" + status + ") at " + location);
        stop(Trap.Kind.UNCAUGHT_EXCEPTION, panic.getMessage());
        throw panic;
    }

    /**
     * Called by rewritten code before a call into the JDK (or a {@code Memory.copy}) whose cost
     * grows with its arguments: charges one unit plus a unit per {@value #ELEMENTS_PER_UNIT}
     * elements of work, and, if it allocates, {@code fixedBytes} plus {@code bytesPerElement} per
     * element. The rewrite computes {@code elements} from the arguments' lengths (see the sfi
     * README), as an upper bound of the work.
     */
    public void work(long elements, int bytesPerElement, int fixedBytes, String location) {
        long n = Math.max(0, elements);
        spend((int) Math.min(Integer.MAX_VALUE, 1 + n / ELEMENTS_PER_UNIT), location);
        if (bytesPerElement > 0 || fixedBytes > 0) {
            charge(saturatedAdd(fixedBytes, saturatedMultiply(n, bytesPerElement)), location);
        }
    }

    /**
     * Called by rewritten code before {@code Memory.copy}: charges the bytes it can copy, at most
     * the segment's size (a longer or negative length is clamped or trapped by the confinement,
     * or faults in the extension's process).
     */
    public static void copying(long length, long segmentSize, Meter meter, String location) {
        meter.work(length < 0 || length > segmentSize ? segmentSize : length, 0, 0, location);
    }

    /** Called by rewritten code before the constructor of a {@link Throwable} runs (see {@link #THROWABLE_UNITS}). */
    public void throwable(String location) {
        spend(THROWABLE_UNITS + callDepth, location);
    }

    /** Called by rewritten code right after {@code new}: charges an object of {@code bytes}. */
    public void allocate(int bytes, String location) {
        charge(bytes, location);
    }

    /** Called by rewritten code before {@code newarray} and {@code anewarray}. */
    public void allocateArray(int count, int elementBytes, String location) {
        if (count >= 0) { // a negative count throws NegativeArraySizeException and allocates nothing
            charge(OBJECT_HEADER_BYTES + (long) count * elementBytes, location);
        }
    }

    /**
     * Called by rewritten code before {@code multianewarray}: charges every level of arrays.
     *
     * @param counts the dimensions' counts, outermost first
     * @param leafBytes bytes per element of the innermost level allocated
     */
    public void allocateArrays(int[] counts, int leafBytes, String location) {
        for (int count : counts) {
            if (count < 0) {
                return;
            }
        }
        long total = 0;
        long arrays = 1;
        for (int k = 0; k < counts.length && arrays > 0; k++) {
            int element = k == counts.length - 1 ? leafBytes : REFERENCE_BYTES;
            total = saturatedAdd(total, saturatedMultiply(arrays, OBJECT_HEADER_BYTES + (long) counts[k] * element));
            arrays = saturatedMultiply(arrays, counts[k]);
        }
        charge(total, location);
    }

    private void charge(long bytes, String location) {
        if (bytes > bytesLeft) {
            throw abort(Trap.Kind.MEMORY_BUDGET, location,
                    "allocating " + bytes + " bytes with " + bytesLeft + " of " + bytesBudget + " left");
        }
        bytesLeft -= bytes;
        if (bytes >= BYTES_PER_UNIT) {
            spend((int) (bytes / BYTES_PER_UNIT), location);
        }
    }

    private Trap abort(Trap.Kind kind, String location, String detail) {
        stopDetail = detail;
        stopKind = kind;
        fuelSlice = -1;
        return new Trap(kind, -1, location, detail + " at " + location);
    }

    private Trap stoppedAt(Trap.Kind kind, String location) {
        return new Trap(kind, -1, location, stopDetail + " at " + location);
    }

    private static long saturatedMultiply(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return (high == 0 && low >= 0) ? low : Long.MAX_VALUE;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    private static final class Binding {
        private Meter meter;
    }
}
