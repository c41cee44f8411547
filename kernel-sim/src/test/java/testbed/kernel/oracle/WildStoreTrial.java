package testbed.kernel.oracle;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import testbed.kernel.Capability;
import testbed.kernel.Crossing;
import testbed.kernel.Domain;
import testbed.kernel.DomainSpec;
import testbed.kernel.Kernel;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.Region;
import testbed.kernel.Snapshot;
import testbed.kernel.TestKernels;
import testbed.kernel.api.Event;
import testbed.kernel.api.Memory;
import testbed.kernel.api.Status;

/**
 * One reused kernel in which a domain, entered with no protection, performs a list of stores;
 * the oracle then judges. Addresses are drawn near the segment's edges, inside it, in kernel
 * regions, in the canary's segment and anywhere, so both sides of every boundary are covered.
 * Shared by the randomized property test and the Jazzer fuzz test; allocates nothing large per
 * trial.
 */
final class WildStoreTrial {
    /** Where a generated store aims. */
    enum Aim { INSIDE, NEAR_SEGMENT_START, NEAR_SEGMENT_END, KERNEL_REGION, CANARY, ANYWHERE }

    /** The source of choices: a seeded random or the fuzzer's data. */
    interface Choices {
        /** An int in {@code [0, bound)}. */
        int pick(int bound);

        long anyLong();
    }

    static final int MAX_STORES = 8;
    private static final int[] WIDTHS = {1, 2, 4, 8};

    private final Kernel kernel = Kernel.boot(TestKernels.small());
    private final Domain domain;
    private final Snapshot clean;
    private final Oracle oracle;
    private final long[] addresses = new long[MAX_STORES];
    private final int[] widths = new int[MAX_STORES];
    private int count;
    private final Map<Aim, Integer> aims = new EnumMap<>(Aim.class);

    WildStoreTrial() {
        domain = kernel.createDomain("storer", DomainSpec.segment(16 << 10).allow(Capability.EVENT_HANDLER));
        int status = kernel.attach(domain, TestKernels.handler(ctx -> {
            Memory m = ctx.memory();
            for (int i = 0; i < count; i++) {
                switch (widths[i]) {
                    case 1 -> m.store8(addresses[i], (byte) 0x5A);
                    case 2 -> m.store16(addresses[i], (short) 0x5A5A);
                    case 4 -> m.store32(addresses[i], 0x5A5A5A5A);
                    default -> m.store64(addresses[i], 0x5A5A5A5A5A5A5A5AL);
                }
            }
            return 0;
        }), Crossing.DIRECT);
        if (status != Status.OK) {
            throw new IllegalStateException("attach failed: " + Status.name(status));
        }
        clean = kernel.snapshot();
        oracle = Oracle.watching(kernel).sampling(2);
    }

    /** The result of one trial: pages the stores left the segment on, and pages the oracle flagged. */
    record Result(Set<Integer> expected, Set<Integer> flagged, Verdict verdict, String stores) {
    }

    /** Draws up to {@link #MAX_STORES} stores, runs them, judges. */
    Result run(Choices choices) {
        count = 1 + choices.pick(MAX_STORES);
        StringBuilder description = new StringBuilder();
        Set<Integer> expected = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            Aim aim = Aim.values()[choices.pick(Aim.values().length)];
            aims.merge(aim, 1, Integer::sum);
            int width = WIDTHS[choices.pick(WIDTHS.length)];
            long address = Math.max(0, Math.min(kernel.config().memorySize() - width, address(aim, choices)));
            addresses[i] = address;
            widths[i] = width;
            description.append(String.format("%s %d-byte store at 0x%x; ", aim, width, address));
            for (long page = address >>> PhysicalMemory.PAGE_SHIFT; page <= (address + width - 1) >>> PhysicalMemory.PAGE_SHIFT; page++) {
                if (!domain.segment().contains(page << PhysicalMemory.PAGE_SHIFT, PhysicalMemory.PAGE_SIZE)) {
                    expected.add((int) page);
                }
            }
        }
        kernel.restore(clean);
        oracle.baseline();
        kernel.dispatch(Event.TIMER, 0);
        Verdict verdict = oracle.judge();
        Set<Integer> flagged = new TreeSet<>();
        for (Violation v : verdict.of(Violation.Kind.WILD_STORE)) {
            if (v.domain() == domain.id()) {
                flagged.add(v.page());
            }
        }
        return new Result(expected, flagged, verdict, description.toString());
    }

    private long address(Aim aim, Choices choices) {
        long base = domain.segment().base();
        long size = domain.segment().size();
        int near = choices.pick(33) - 16;
        return switch (aim) {
            case INSIDE -> base + Math.floorMod(choices.anyLong(), size);
            case NEAR_SEGMENT_START -> base + near;
            case NEAR_SEGMENT_END -> base + size + near;
            case KERNEL_REGION -> {
                Region r = Region.values()[choices.pick(Region.DOMAIN_ARENA.ordinal())];
                yield kernel.layout().base(r) + Math.floorMod(choices.anyLong(), kernel.layout().size(r));
            }
            case CANARY -> kernel.canary().segment().base() + Math.floorMod(choices.anyLong(), kernel.canary().segment().size());
            case ANYWHERE -> Math.floorMod(choices.anyLong(), kernel.config().memorySize());
        };
    }

    /** How many stores of each aim were generated so far. */
    Map<Aim, Integer> aims() {
        return aims;
    }
}
