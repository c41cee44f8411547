package testbed.sfi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static testbed.sfi.SampleLoader.DOMAIN;
import static testbed.sfi.SampleLoader.SEGMENT;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import testbed.kernel.MachineCheck;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.Trap;
import testbed.kernel.api.Memory;

/**
 * The confinement guarantees as properties over any address, value and length.
 *
 * <p>The {@code @FuzzTest}s replay their saved inputs in every build; fuzz one at a time with
 * {@code JAZZER_FUZZ=1 mvn test -Dtest=ConfinementProperties#noStoreLeavesTheSegment -Djazzer.max_duration=60s}.
 * {@link #propertiesHoldOnGeneratedInputsOfEveryKind} checks both properties on random inputs in
 * every build and fails if the generator missed a kind of input it claims to cover; it prints
 * its seed on failure ({@code -Dsfi.seed=N} replays one).
 */
class ConfinementProperties {
    private static final PhysicalMemory MEMORY = new PhysicalMemory(SampleLoader.MEMORY_SIZE);

    static {
        // The guard zone a masked domain's segment has in the kernel: as large as the segment.
        MEMORY.guard((int) (SEGMENT.end() >>> PhysicalMemory.PAGE_SHIFT), (int) (SEGMENT.size() >>> PhysicalMemory.PAGE_SHIFT), true);
    }
    private static final long DOMAIN_BIT = 1L << DOMAIN;

    public static final class Load8 implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            return memory.load8(address);
        }
    }

    public static final class Load16 implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            return memory.load16(address);
        }
    }

    public static final class Load32 implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            return memory.load32(address);
        }
    }

    public static final class Load64 implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            return memory.load64(address);
        }
    }

    public static final class Store8 implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            memory.store8(address, (byte) value);
            return 0;
        }
    }

    public static final class Store16 implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            memory.store16(address, (short) value);
            return 0;
        }
    }

    public static final class Store32 implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            memory.store32(address, (int) value);
            return 0;
        }
    }

    public static final class Store64 implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            memory.store64(address, value);
            return 0;
        }
    }

    /** Copies {@code length} bytes from {@code value} to {@code address}. */
    public static final class Copy implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            memory.copy(address, value, length);
            return 0;
        }
    }

    /** One access of each of the nine kinds, as a sample extension. */
    enum Access {
        LOAD8(Load8.class), LOAD16(Load16.class), LOAD32(Load32.class), LOAD64(Load64.class),
        STORE8(Store8.class), STORE16(Store16.class), STORE32(Store32.class), STORE64(Store64.class),
        COPY(Copy.class);

        final Class<? extends Sample> sample;

        Access(Class<? extends Sample> sample) {
            this.sample = sample;
        }

        boolean stores() {
            return ordinal() >= STORE8.ordinal();
        }

        /** Bytes a load or store accesses. */
        int width() {
            return 1 << (ordinal() % 4);
        }
    }

    /** The rewrites under test; NONE is the control that shows the oracle sees escapes. */
    enum Variant {
        NONE(ProtectionMode.NONE, false),
        MASK(ProtectionMode.SFI_MASK, false), MASK_STORES(ProtectionMode.SFI_MASK, true),
        CHECK(ProtectionMode.SFI_CHECK, false), CHECK_STORES(ProtectionMode.SFI_CHECK, true),
        BOUNDS(ProtectionMode.BOUNDS, false), BOUNDS_STORES(ProtectionMode.BOUNDS, true);

        final ProtectionMode mode;
        final boolean storesOnly;

        Variant(ProtectionMode mode, boolean storesOnly) {
            this.mode = mode;
            this.storesOnly = storesOnly;
        }

        Rewrite rewrite() {
            Rewrite rewrite = Rewrite.of(mode).segment(SEGMENT);
            return storesOnly ? rewrite.storesOnly() : rewrite;
        }
    }

    /** Every sample in every variant, rewritten and loaded once: executions reuse them. */
    private static final Map<Variant, Map<Access, Sample>> SAMPLES = new EnumMap<>(Variant.class);

    static {
        for (Variant variant : Variant.values()) {
            Map<Access, Sample> samples = new EnumMap<>(Access.class);
            for (Access access : Access.values()) {
                samples.put(access, SampleLoader.load(access.sample, variant.rewrite(), null));
            }
            SAMPLES.put(variant, samples);
        }
    }

    /** Where an address lies relative to the segment. */
    enum Region {
        INSIDE, EDGE, PHYSICAL, ANYWHERE;

        long address(long raw) {
            switch (this) {
                case INSIDE:
                    return SEGMENT.base() + Math.floorMod(raw, SEGMENT.size());
                case EDGE:
                    return ((raw & 1) == 0 ? SEGMENT.base() : SEGMENT.end()) + Math.floorMod(raw >> 1, 24) - 12;
                case PHYSICAL:
                    return Math.floorMod(raw, SampleLoader.MEMORY_SIZE);
                default:
                    return raw;
            }
        }
    }

    /** How long a copy is. */
    enum Length {
        SMALL, SEGMENT_SIZED, ANY;

        long length(long raw) {
            switch (this) {
                case SMALL:
                    return Math.floorMod(raw, 65);
                case SEGMENT_SIZED:
                    return Math.floorMod(raw, SEGMENT.size() + 32) - 16;
                default:
                    return raw;
            }
        }
    }

    /** One access to try: what, where, with what value, and for copies from where and how much. */
    record Input(Access access, long address, long value, long length) {
        static Input of(Access access, Region region, long raw, Region sourceRegion, long sourceRaw, Length length,
                long lengthRaw) {
            return new Input(access, region.address(raw), sourceRegion.address(sourceRaw), length.length(lengthRaw));
        }
    }

    @FuzzTest
    void noStoreLeavesTheSegment(FuzzedDataProvider data) {
        noStoreLeavesTheSegment(input(data, true));
    }

    @FuzzTest
    void checkAndBoundsTrapOnTheSameAccesses(FuzzedDataProvider data) {
        checkAndBoundsTrapOnTheSameAccesses(input(data, false));
    }

    @Test
    void propertiesHoldOnGeneratedInputsOfEveryKind() {
        long seed = Long.getLong("sfi.seed", new Random().nextLong());
        Random random = new Random(seed);
        Set<String> kinds = new TreeSet<>();
        try {
            for (int i = 0; i < 20_000; i++) {
                Region region = pick(random, Region.values());
                Input input = Input.of(pick(random, Access.values()), region, random.nextLong(),
                        pick(random, Region.values()), random.nextLong(), pick(random, Length.values()), random.nextLong());
                if (input.access().stores()) {
                    kinds.add("store " + input.access() + " " + region + " " + noStoreLeavesTheSegment(input));
                }
                kinds.add("check " + input.access() + " " + checkAndBoundsTrapOnTheSameAccesses(input));
                kinds.add("control " + (escapes(input) ? "escaped" : "contained"));
            }
        } catch (AssertionError e) {
            throw new AssertionError("seed " + seed + " (replay with -Dsfi.seed=" + seed + "): " + e.getMessage(), e);
        }

        Set<String> expected = new TreeSet<>();
        for (Access access : Access.values()) {
            if (access.stores()) {
                for (Region region : Region.values()) {
                    expected.add("store " + access + " " + region + " checked");
                }
            }
            expected.add("check " + access + " trapped");
            expected.add("check " + access + " passed");
        }
        expected.add("control escaped");
        expected.add("control contained");
        assertThat(kinds).as("kinds generated with seed %d", seed).containsAll(expected);
    }

    /**
     * Under every protected variant, a store or copy writes no byte outside the segment (the write
     * monitor of physical memory is the judge). Masking never traps; checks may.
     *
     * @return "checked"
     */
    private static String noStoreLeavesTheSegment(Input input) {
        if (!input.access().stores()) {
            return "not a store";
        }
        for (Variant variant : Variant.values()) {
            if (variant == Variant.NONE) {
                continue;
            }
            try {
                run(variant, input);
            } catch (Trap trap) {
                assertThat(variant.mode).as("%s trapped on %s: %s", variant, input, trap.getMessage())
                        .isNotEqualTo(ProtectionMode.SFI_MASK);
            } catch (MachineCheck check) {
                // A stores-only copy reads its source unconfined: a source outside memory is the
                // load's machine check, not a store's escape. A masked access left straddling the
                // segment's end faults on the guard zone.
                assertThat(variant.storesOnly && input.access() == Access.COPY
                        || check.guardPage() && variant.mode == ProtectionMode.SFI_MASK && straddlesOnceMasked(input))
                        .as("%s raised %s on %s", variant, check.getMessage(), input).isTrue();
            }
            int escaped = pageWrittenOutsideTheSegment();
            MEMORY.resetMonitor();
            if (escaped >= 0) {
                fail("%s wrote page %d outside the segment %s on %s", variant, escaped, SEGMENT, input);
            }
        }
        return "checked";
    }

    /**
     * Segment matching and bounds checks trap on exactly the same accesses, an access that passes
     * touches only the segment, and masking never traps: it faults on the guard zone exactly when
     * the masked address leaves the access straddling the segment's end.
     *
     * @return "trapped" or "passed" (under the checks with loads confined)
     */
    private static String checkAndBoundsTrapOnTheSameAccesses(Input input) {
        boolean trappedUnderCheck = false;
        for (boolean storesOnly : new boolean[] {false, true}) {
            Variant check = storesOnly ? Variant.CHECK_STORES : Variant.CHECK;
            Variant bounds = storesOnly ? Variant.BOUNDS_STORES : Variant.BOUNDS;
            boolean byCheck = traps(check, input);
            boolean byBounds = traps(bounds, input);
            assertThat(byBounds).as("%s trapped %s, %s trapped %s on %s", check, byCheck, bounds, byBounds, input)
                    .isEqualTo(byCheck);
            trappedUnderCheck |= !storesOnly && byCheck;
        }
        for (Variant mask : new Variant[] {Variant.MASK, Variant.MASK_STORES}) {
            boolean confined = !mask.storesOnly || input.access().stores();
            boolean faulted = false;
            try {
                assertThat(traps(mask, input)).as("%s trapped on %s", mask, input).isFalse();
            } catch (MachineCheck check) {
                assertThat(check.guardPage()).as("%s raised %s on %s", mask, check.getMessage(), input).isTrue();
                faulted = true;
                MEMORY.resetMonitor();
            }
            // An access the variant leaves unconfined (a load under stores-only) faults where it
            // really touches the guard zone; a stores-only copy's unconfined source is not predicted.
            boolean expected = mask.storesOnly && input.access() == Access.COPY ? faulted
                    : confined ? straddlesOnceMasked(input)
                    : input.address() < SEGMENT.end() + SEGMENT.size() && input.address() + input.access().width() > SEGMENT.end();
            assertThat(faulted).as("%s faulted on the guard zone on %s", mask, input).isEqualTo(expected);
        }
        return trappedUnderCheck ? "trapped" : "passed";
    }

    /** Whether the variant trapped; an access it let through must have stayed inside the segment. */
    private static boolean traps(Variant variant, Input input) {
        boolean trapped = false;
        boolean confined = !variant.storesOnly || input.access().stores();
        try {
            run(variant, input);
        } catch (Trap trap) {
            trapped = true;
        } catch (MachineCheck check) {
            if (check.guardPage() && variant.mode == ProtectionMode.SFI_MASK) {
                throw check;
            }
            assertThat(variant.storesOnly).as("%s raised %s on %s", variant, check.getMessage(), input).isTrue();
            confined = false;
        }
        int page = confined && !(variant.storesOnly && input.access() == Access.COPY) ? pageTouchedOutsideTheSegment() : -1;
        MEMORY.resetMonitor();
        assertThat(page).as("%s touched page %d outside the segment on %s", variant, page, input).isNegative();
        return trapped;
    }

    /** Whether the unprotected control wrote outside the segment: the oracle is not blind. */
    private static boolean escapes(Input input) {
        try {
            run(Variant.NONE, input);
        } catch (MachineCheck outsidePhysicalMemory) {
            // the unprotected host's oops; nothing was written
        }
        boolean escaped = pageWrittenOutsideTheSegment() >= 0;
        MEMORY.resetMonitor();
        return escaped;
    }

    private static void run(Variant variant, Input input) {
        MEMORY.actAs(DOMAIN);
        try {
            SAMPLES.get(variant).get(input.access()).run(MEMORY, input.address(), input.value(), input.length());
        } finally {
            MEMORY.actAs(PhysicalMemory.KERNEL);
        }
    }

    /** Whether a load or store whose address is masked to {@code (address & mask) | base} runs past the segment's end. */
    private static boolean straddlesOnceMasked(Input input) {
        return input.access() != Access.COPY && (input.address() & SEGMENT.mask()) > SEGMENT.size() - input.access().width();
    }

    private static int pageWrittenOutsideTheSegment() {
        for (int page : MEMORY.touchedPages()) {
            if ((MEMORY.writersOf(page) & DOMAIN_BIT) != 0 && !inSegment(page)) {
                return page;
            }
        }
        return -1;
    }

    private static int pageTouchedOutsideTheSegment() {
        for (int page : MEMORY.touchedPages()) {
            if (((MEMORY.writersOf(page) | MEMORY.readersOf(page)) & DOMAIN_BIT) != 0 && !inSegment(page)) {
                return page;
            }
        }
        return -1;
    }

    private static boolean inSegment(int page) {
        return SEGMENT.contains((long) page << PhysicalMemory.PAGE_SHIFT, PhysicalMemory.PAGE_SIZE);
    }

    private static Input input(FuzzedDataProvider data, boolean storingAccess) {
        Access[] accesses = Access.values();
        Access access = storingAccess
                ? accesses[data.consumeInt(Access.STORE8.ordinal(), accesses.length - 1)]
                : data.pickValue(accesses);
        Region region = data.pickValue(Region.values());
        Region source = data.pickValue(Region.values());
        Length length = data.pickValue(Length.values());
        return Input.of(access, region, data.consumeLong(), source, data.consumeLong(), length, data.consumeLong());
    }

    private static <T> T pick(Random random, T[] values) {
        return values[random.nextInt(values.length)];
    }
}
