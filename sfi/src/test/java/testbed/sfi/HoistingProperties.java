package testbed.sfi;

import static org.assertj.core.api.Assertions.assertThat;
import static testbed.sfi.SampleLoader.SEGMENT;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.Trap;
import testbed.kernel.api.Memory;
import testbed.sfi.runtime.Guard;

/**
 * Guards hoisted out of counted loops change nothing a run can see: under {@code SFI_CHECK} and
 * {@code BOUNDS}, a loop-shaped sample traps on exactly the access, returns exactly the value
 * and leaves exactly the memory that the same sample leaves when every access is checked on its
 * own (the original class run on a memory that checks each access). The loops run near the
 * segment's ends, with counters near the {@code int} limits, so that a range check that is off
 * by one byte, one trip or one wrap-around shows.
 *
 * <p>{@link #hoistedLoopsBehaveAsCheckedOnesOnInputsOfEveryKind} runs random inputs in every build
 * ({@code -Dsfi.seed=N} replays one) and fails if an input kind never came up; the {@code @FuzzTest}
 * replays its saved inputs, fuzz it with
 * {@code JAZZER_FUZZ=1 mvn test -Dtest=HoistingProperties#hoistedLoopsBehaveAsCheckedOnes -Djazzer.max_duration=60s}.
 */
class HoistingProperties {
    private static final long WINDOW = 4096;
    /** One memory for every run, its window around the segment put back before each: a fresh megabyte per run is most of the cost. */
    private static final PhysicalMemory MEMORY = SampleLoader.memory();
    private static final byte[] CLEAN = window(MEMORY);
    /** Each sample rewritten once per mode and rewrite (the real one, or a planted wrong one). */
    private static final Map<String, Sample> REWRITTEN = new java.util.concurrent.ConcurrentHashMap<>();

    /** {@code for (int i = from; i < bound; i++) store64(address + 8i, i)}. */
    public static final class StoreUp implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            int from = (int) (length >> 32);
            int bound = (int) length;
            for (int i = from; i < bound; i++) {
                memory.store64(address + ((long) i << 3), i);
            }
            return 0;
        }
    }

    /** {@code for (int i = from; i >= bound; i -= 2) sum += load16(address + i + 1)}. */
    public static final class LoadDown implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            int from = (int) (length >> 32);
            int bound = (int) length;
            long sum = 0;
            for (int i = from; i >= bound; i -= 2) {
                sum = sum * 31 + memory.load16(address + i + 1);
            }
            return sum;
        }
    }

    /** {@code for (int i = from; i <= bound; i += 3) store32(address - 4i, i)}. */
    public static final class StoreBackward implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            int bound = (int) length;
            int from = (int) (length >> 32);
            for (int i = from; i <= bound; i += 3) {
                memory.store32(address - 4L * i, i);
            }
            return 0;
        }
    }

    /** {@code for (int i = from; i > bound; i--)} copies the non-zero bytes of {@code value + i} to {@code address + i}. */
    public static final class CopyNonZero implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            int bound = (int) length;
            int from = (int) (length >> 32);
            for (int i = from; i > bound; i--) {
                byte b = memory.load8(value + i);
                if (b != 0) {
                    memory.store8(address + i, b);
                }
            }
            return 0;
        }
    }

    /** A sample and the parameters that put its first or last access at an edge: scale, offset and width of its hoisted access. */
    enum Shape {
        STORE_UP(StoreUp.class, 1, 8, 0, 8, 2),
        LOAD_DOWN(LoadDown.class, -2, 1, 1, 2, 3),
        STORE_BACKWARD(StoreBackward.class, 3, -4, 0, 4, 5),
        COPY_NON_ZERO(CopyNonZero.class, -1, 1, 0, 1, 4);

        final Class<? extends Sample> sample;
        final int step;
        final long scale;
        final long offset;
        final int width;
        final int cond;

        Shape(Class<? extends Sample> sample, int step, long scale, long offset, int width, int cond) {
            this.sample = sample;
            this.step = step;
            this.scale = scale;
            this.offset = offset;
            this.width = width;
            this.cond = cond;
        }

        /** The bound that gives {@code trips} trips from {@code from}: the counter's value once past the last. */
        int bound(int from, int trips) {
            long last = (long) from + (long) step * trips;
            long b = switch (cond) {
                case 2, 4 -> last; // <, >: stops at the first value not before the bound
                default -> last - step; // <=, >=: the last value run is the bound
            };
            return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, b));
        }
    }

    /** The real rewrite's output, as it is. */
    private static final UnaryOperator<byte[]> UNCHANGED = b -> b;

    /** What the generator aims at; each must come up. */
    enum Kind { INSIDE, FIRST_AT_EDGE, LAST_AT_EDGE, NO_TRIP, NEAR_INT_LIMIT }

    /** One run's input. */
    record Input(Shape shape, long address, long value, int from, int bound, Kind kind) {
        long length() {
            return (long) from << 32 | (bound & 0xFFFFFFFFL);
        }
    }

    /** An input of {@code kind} for {@code shape}, its edge moved by a few bytes either way. */
    static Input input(Shape shape, Kind kind, Random random) {
        int trips = kind == Kind.NO_TRIP ? 0 : 1 + random.nextInt(40);
        int from = kind == Kind.NEAR_INT_LIMIT
                ? (shape.step > 0 ? Integer.MAX_VALUE - random.nextInt(8) : Integer.MIN_VALUE + random.nextInt(8))
                : random.nextInt(400) - 200;
        int bound = kind == Kind.NEAR_INT_LIMIT ? (shape.step > 0 ? Integer.MAX_VALUE : Integer.MIN_VALUE) : shape.bound(from, trips);
        long last = from + (long) shape.step * Math.max(0, trips - 1);
        long nudge = random.nextInt(7) - 3;
        long end = SEGMENT.end();
        long address = switch (kind) {
            // the first access at the segment's start or end, moved a few bytes
            case FIRST_AT_EDGE -> (random.nextBoolean() ? SEGMENT.base() : end - shape.width) - shape.scale * from - shape.offset + nudge;
            case LAST_AT_EDGE -> (random.nextBoolean() ? SEGMENT.base() : end - shape.width) - shape.scale * last - shape.offset + nudge;
            case NEAR_INT_LIMIT -> SEGMENT.base() + SEGMENT.size() / 2 - shape.scale * from;
            default -> SEGMENT.base() + SEGMENT.size() / 2 + nudge * 8 - shape.scale * from;
        };
        long value = SEGMENT.base() + SEGMENT.size() / 4 + random.nextInt(64);
        return new Input(shape, address, value, from, bound, kind);
    }

    /** A run's outcome: the trap (kind and the address it names) or the answer, and the memory around the segment. */
    record Result(String trap, long answer, byte[] window) {
        boolean same(Result other) {
            return trap.equals(other.trap) && answer == other.answer && java.util.Arrays.equals(window, other.window);
        }
    }

    /** The original class on a memory that checks every access on its own, as the mode would without hoisting. */
    static Result reference(Input in, boolean segmentMatching) {
        Sample original = SampleLoader.instantiate(in.shape().sample);
        return outcome(MEMORY, () -> original.run(checked(MEMORY, segmentMatching), in.address(), in.value(), in.length()));
    }

    /** {@code rewritten} (the class rewritten with hoisting) on the memory as it was. */
    static Result hoisted(Input in, Sample rewritten) {
        return outcome(MEMORY, () -> rewritten.run(MEMORY, in.address(), in.value(), in.length()));
    }

    private static byte[] window(PhysicalMemory memory) {
        byte[] window = new byte[(int) (SEGMENT.size() + 2 * WINDOW)];
        memory.read(SEGMENT.base() - WINDOW, window, 0, window.length);
        return window;
    }

    private static Result outcome(PhysicalMemory memory, java.util.function.LongSupplier run) {
        memory.write(SEGMENT.base() - WINDOW, CLEAN, 0, CLEAN.length);
        String trap = "";
        long answer = 0;
        try {
            answer = run.getAsLong();
        } catch (Trap t) {
            java.util.regex.Matcher address = java.util.regex.Pattern.compile("0x[0-9a-f]+").matcher(t.getMessage());
            trap = t.kind() + " " + (address.find() ? address.group() : t.getMessage());
        }
        return new Result(trap, answer, window(memory));
    }

    /** Checks one input in both modes with {@code rewrite} (the real one, or a planted wrong one); the failures, empty if it holds. */
    static List<String> check(Input in, UnaryOperator<byte[]> planted) {
        List<String> failures = new ArrayList<>();
        for (ProtectionMode mode : new ProtectionMode[] {ProtectionMode.SFI_CHECK, ProtectionMode.BOUNDS}) {
            Sample rewritten = REWRITTEN.computeIfAbsent(in.shape() + " " + mode + " " + System.identityHashCode(planted),
                    k -> SampleLoader.instantiate(SampleLoader.define(in.shape().sample.getName(),
                            planted.apply(Rewrite.of(mode).segment(SEGMENT).apply(SampleLoader.bytesOf(in.shape().sample))))));
            Result expected = reference(in, mode == ProtectionMode.SFI_CHECK);
            Result actual = hoisted(in, rewritten);
            if (!actual.same(expected)) {
                failures.add(mode + " " + in + ": hoisted " + (actual.trap().isEmpty() ? "answered " + actual.answer() : actual.trap())
                        + ", checked one by one " + (expected.trap().isEmpty() ? "answered " + expected.answer() : expected.trap())
                        + (java.util.Arrays.equals(actual.window(), expected.window()) ? "" : ", and the memory differs"));
            }
        }
        return failures;
    }

    /** Random inputs of every kind and shape; how many of each kind came up. */
    static List<String> run(long seed, int inputs, UnaryOperator<byte[]> planted, Map<Kind, Integer> kinds) {
        Random random = new Random(seed);
        List<String> failures = new ArrayList<>();
        for (int n = 0; n < inputs && failures.isEmpty(); n++) {
            Shape shape = Shape.values()[random.nextInt(Shape.values().length)];
            Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
            kinds.merge(kind, 1, Integer::sum);
            failures.addAll(check(input(shape, kind, random), planted));
        }
        return failures;
    }

    @Test
    void everySampleLoopHasItsAccessesHoistedWithTheScaleAndOffsetItsShapeAssumes() {
        for (Shape shape : Shape.values()) {
            List<testbed.sfi.verify.Hoisting.Loop> loops = List.copyOf(testbed.sfi.verify.Hoisting.find(SampleLoader.bytesOf(shape.sample))
                    .values().iterator().next());
            assertThat(loops).as("%s", shape).singleElement().satisfies(l -> {
                assertThat(l.loop().step()).isEqualTo(shape.step);
                assertThat(l.loop().cond()).isEqualTo(shape.cond);
                assertThat(l.accesses()).hasSize(shape == Shape.COPY_NON_ZERO ? 2 : 1).allSatisfy(a -> {
                    assertThat(a.scale()).isEqualTo(shape.scale);
                    assertThat(a.offset()).isEqualTo(shape.offset);
                });
                assertThat(l.accesses().get(l.accesses().size() - 1).access().width).isEqualTo(shape.width);
            });
        }
    }

    @Test
    void hoistedLoopsBehaveAsCheckedOnesOnInputsOfEveryKind() {
        long seed = Long.getLong("sfi.seed", System.nanoTime());
        Map<Kind, Integer> kinds = new EnumMap<>(Kind.class);
        assertThat(run(seed, 400, UNCHANGED, kinds)).as("seed %d (replay with -Dsfi.seed=%d)", seed, seed).isEmpty();
        assertThat(kinds.keySet()).as("input kinds generated, seed %d", seed).containsExactlyInAnyOrder(Kind.values());
    }

    /**
     * A wrong hoist planted in the rewritten code, the entry check told each access is one byte
     * narrower than it is: the property sees an access straddling the segment's edge go unchecked.
     */
    @Test
    void aRangeCheckOffByOneByteIsCaught() {
        List<String> failures = run(1, 400, PLANTED, new EnumMap<>(Kind.class));
        assertThat(failures).as("failures of the planted hoist").isNotEmpty()
                .allSatisfy(f -> assertThat(f).containsAnyOf("memory differs", "checked one by one OUT_OF_BOUNDS",
                        "checked one by one SEGMENT_VIOLATION"));
    }

    private static final UnaryOperator<byte[]> PLANTED = HoistingProperties::offByOne;

    /** Every call of the loop's entry check goes to {@link OffByOne#loopInside} instead. */
    static byte[] offByOne(byte[] rewritten) {
        net.bytebuddy.jar.asm.ClassReader reader = new net.bytebuddy.jar.asm.ClassReader(rewritten);
        net.bytebuddy.jar.asm.ClassWriter writer = new net.bytebuddy.jar.asm.ClassWriter(0);
        int[] planted = new int[1];
        reader.accept(new net.bytebuddy.jar.asm.ClassVisitor(net.bytebuddy.jar.asm.Opcodes.ASM9, writer) {
            @Override
            public net.bytebuddy.jar.asm.MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                return new net.bytebuddy.jar.asm.MethodVisitor(net.bytebuddy.jar.asm.Opcodes.ASM9,
                        super.visitMethod(access, name, descriptor, signature, exceptions)) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean isInterface) {
                        boolean check = method.equals("loopInside") && owner.endsWith("/Guard");
                        planted[0] += check ? 1 : 0;
                        super.visitMethodInsn(opcode, check ? net.bytebuddy.jar.asm.Type.getInternalName(OffByOne.class) : owner,
                                method, desc, isInterface);
                    }
                };
            }
        }, 0);
        assertThat(planted[0]).as("entry checks planted").isPositive();
        return writer.toByteArray();
    }

    /** The planted wrong hoist: the range it checks is one byte short of what the access touches. */
    public static final class OffByOne {
        private OffByOne() {
        }

        public static boolean loopInside(long x, int from, int bound, int step, int cond, long scale, long offset, int width,
                long base, long size) {
            return Guard.loopInside(x, from, bound, step, cond, scale, offset, width - 1, base, size);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void hoistedLoopsBehaveAsCheckedOnes(FuzzedDataProvider data) {
        Shape shape = data.pickValue(Shape.values());
        Input in = new Input(shape, SEGMENT.base() + data.consumeLong(-2 * WINDOW, SEGMENT.size() + 2 * WINDOW),
                SEGMENT.base() + data.consumeLong(0, SEGMENT.size()), data.consumeInt(), data.consumeInt(), Kind.INSIDE);
        if (Math.abs((long) in.bound() - in.from()) / Math.abs(shape.step) > 20_000) {
            return; // a long loop proves nothing more and costs the fuzzer its speed
        }
        assertThat(check(in, UNCHANGED)).isEmpty();
    }

    /** {@code memory} with each access checked first, as {@code SFI_CHECK} or {@code BOUNDS} would check it. */
    private static Memory checked(PhysicalMemory memory, boolean segmentMatching) {
        return (Memory) java.lang.reflect.Proxy.newProxyInstance(Memory.class.getClassLoader(), new Class<?>[] {Memory.class},
                (proxy, method, args) -> {
                    MemoryAccess access = MemoryAccess.of(MemoryAccess.OWNER, method.getName(),
                            net.bytebuddy.jar.asm.Type.getMethodDescriptor(method));
                    if (access == null || access == MemoryAccess.COPY) {
                        throw new UnsupportedOperationException("the loop samples make no " + method.getName());
                    }
                    long address = (Long) args[0];
                    if (segmentMatching) {
                        Guard.matchSegment(address, access.width, SEGMENT.base(), SEGMENT.size(), access.method, "reference");
                    } else {
                        Guard.checkBounds(address, access.width, SEGMENT.base(), SEGMENT.size(), access.method, "reference");
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
