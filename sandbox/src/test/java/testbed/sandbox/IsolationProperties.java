package testbed.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import testbed.kernel.Kernel;
import testbed.kernel.KernelView;
import testbed.kernel.Region;
import testbed.kernel.Snapshot;
import testbed.kernel.api.Event;
import testbed.kernel.oracle.Oracle;
import testbed.kernel.oracle.Verdict;
import testbed.sandbox.process.ExtensionProcess;
import testbed.sfi.ProtectionMode;
import testbed.sfi.runtime.Meter;

/**
 * The isolation properties of the whole pipeline, judged by the oracle, never by the mechanism:
 * no store leaves the segment in a protected mode, whatever the address, width or length; and an
 * abort at any point of an invocation leaves the kernel exactly as it was before the call.
 * Each property runs as a Jazzer fuzz test (replaying saved inputs in a normal build) and as a
 * seeded random test whose seed is printed when it fails.
 */
class IsolationProperties {
    private static final Set<ProtectionMode> PROTECTED = EnumSet.complementOf(EnumSet.of(ProtectionMode.NONE));
    private static final Map<ProtectionMode, Rig> RIGS = new EnumMap<>(ProtectionMode.class);
    private static final int RECORD = 17;

    /** One kernel per mode with a scribbler and a copier attached, snapshotted so each case starts clean. */
    private static final class Rig {
        final Kernel kernel = SandboxFixture.boot();
        final Sandbox sandbox;
        final FaultDomain scribbler;
        final FaultDomain copier;
        final Snapshot clean;
        final Oracle oracle = Oracle.watching(kernel);

        Rig(ProtectionMode mode) {
            sandbox = Sandbox.on(kernel, mode);
            try {
                scribbler = sandbox.load("scribbler", SandboxFixture.bytesOf(Samples.Scribbler.class), SandboxFixture.spec());
                copier = sandbox.load("copier", SandboxFixture.bytesOf(Samples.Copier.class), SandboxFixture.spec());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            clean = kernel.snapshot();
        }

        Verdict run(FaultDomain domain, byte[] packet) {
            kernel.restore(clean);
            oracle.baseline();
            kernel.attach(domain.domain(), domain.extension(), domain.crossing());
            kernel.receive(packet);
            return oracle.judge();
        }
    }

    private static Rig rig(ProtectionMode mode) {
        return RIGS.computeIfAbsent(mode, Rig::new);
    }

    @AfterAll
    static void closeRigs() {
        RIGS.values().forEach(r -> r.sandbox.close());
        RIGS.clear();
    }

    @FuzzTest(maxDuration = "30s")
    void noStoreLeavesTheSegment(FuzzedDataProvider data) {
        ProtectionMode mode = data.pickValue(PROTECTED.toArray(ProtectionMode[]::new));
        Rig rig = rig(mode);
        boolean copy = data.consumeBoolean();
        ByteBuffer packet = ByteBuffer.allocate(RECORD * 8).order(ByteOrder.LITTLE_ENDIAN);
        int records = copy ? 1 : data.consumeInt(1, 8);
        for (int i = 0; i < records; i++) {
            packet.putLong(address(rig, data.consumeInt(0, 9), data.consumeLong()));
            packet.putLong(copy ? address(rig, data.consumeInt(0, 9), data.consumeLong()) : data.consumeLong());
            packet.put(copy ? 0 : data.consumeByte());
            if (copy) {
                packet.putLong(data.consumeLong() >> data.consumeInt(0, 63));
            }
        }
        assertContained(rig, copy ? rig.copier : rig.scribbler, mode, packet);
    }

    @Test
    void noStoreLeavesTheSegmentForRandomStoresAndCopies() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        for (ProtectionMode mode : PROTECTED) {
            Rig rig = rig(mode);
            for (int n = 0; n < 150; n++) {
                boolean copy = n % 3 == 0;
                ByteBuffer packet = ByteBuffer.allocate(RECORD * 8).order(ByteOrder.LITTLE_ENDIAN);
                if (copy) {
                    packet.putLong(address(rig, random.nextInt(10), random.nextLong()));
                    packet.putLong(address(rig, random.nextInt(10), random.nextLong()));
                    packet.putLong(random.nextLong() >> random.nextInt(64));
                } else {
                    for (int i = 0; i < 4; i++) {
                        packet.putLong(address(rig, random.nextInt(10), random.nextLong()));
                        packet.putLong(random.nextLong());
                        packet.put((byte) random.nextInt(4));
                    }
                }
                try {
                    assertContained(rig, copy ? rig.copier : rig.scribbler, mode, packet);
                } catch (AssertionError e) {
                    throw new AssertionError("seed " + seed + ", case " + n + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /** The generator above produces the failing case: unprotected, the oracle sees its damage. */
    @Test
    void theStoreGeneratorDamagesAnUnprotectedKernel() {
        Random random = new Random(1);
        Rig rig = rig(ProtectionMode.NONE);
        int damaged = 0;
        for (int n = 0; n < 60; n++) {
            ByteBuffer packet = ByteBuffer.allocate(RECORD * 8).order(ByteOrder.LITTLE_ENDIAN);
            packet.putLong(address(rig, random.nextInt(10), random.nextLong()));
            packet.putLong(random.nextLong());
            packet.put((byte) random.nextInt(4));
            try {
                if (!rig.run(rig.scribbler, java.util.Arrays.copyOf(packet.array(), packet.position())).violations().isEmpty()) {
                    damaged++;
                }
            } catch (testbed.kernel.MachineCheck outsidePhysicalMemory) {
                damaged++;
            }
        }
        assertThat(damaged).as("unprotected cases the oracle or the machine flags").isGreaterThan(10);
    }

    /**
     * Addresses biased to where isolation bugs live: the segment's edges give or take a few bytes,
     * kernel regions, the neighbouring segments, zero, negative and huge values.
     */
    private static long address(Rig rig, int kind, long noise) {
        long base = rig.scribbler.domain().segment().base();
        long size = rig.scribbler.domain().segment().size();
        int jitter = (int) Math.floorMod(noise, 17L) - 8;
        return switch (kind) {
            case 0 -> base + jitter;
            case 1 -> base + size + jitter;
            case 2 -> base + Math.floorMod(noise, size);
            case 3 -> rig.kernel.layout().base(Region.values()[(int) Math.floorMod(noise, (long) Region.values().length)]) + Math.floorMod(noise >>> 8, 4096L);
            case 4 -> rig.copier.domain().segment().base() + Math.floorMod(noise, size);
            case 5 -> base - size + Math.floorMod(noise, size);
            case 6 -> -Math.abs(noise) - 1;
            case 7 -> Long.MAX_VALUE - Math.floorMod(noise, 16L);
            case 8 -> Math.floorMod(noise, rig.kernel.memory().size());
            default -> noise;
        };
    }

    private static void assertContained(Rig rig, FaultDomain domain, ProtectionMode mode, ByteBuffer packet) {
        byte[] bytes = java.util.Arrays.copyOf(packet.array(), Math.max(packet.position(), 1));
        Verdict verdict = rig.run(domain, bytes);
        assertThat(verdict.violations()).as("%s: the oracle after a %s under %s", mode, domain, mode).isEmpty();
    }

    // ---- abort restores ----

    private static final Map<ProtectionMode, AbortRig> ABORT_RIGS = new EnumMap<>(ProtectionMode.class);

    /**
     * A kernel and a sandbox per mode; each case loads the hoarder and preempts it at another
     * fuel point. One sandbox, not one per budget: under {@code PROCESS} a sandbox is a JVM.
     */
    private static final class AbortRig {
        final Kernel kernel = SandboxFixture.boot();
        final Oracle oracle = Oracle.watching(kernel).thorough();
        final Sandbox sandbox;
        final Snapshot clean;

        AbortRig(ProtectionMode mode) {
            sandbox = Sandbox.on(kernel, mode);
            clean = kernel.snapshot();
        }

        /**
         * Kernel state outside any segment that a helper may change: the bookkeeping regions as
         * checksums, and the transmit ring and log by their indices. (Payload a rolled-back
         * helper copied into a free ring slot or log entry stays there as dead data, which is
         * how a real ring discards it too.)
         */
        java.util.List<Long> kernelState() {
            java.util.List<Long> state = new java.util.ArrayList<>();
            for (Region r : new Region[] {Region.FRAME_TABLE, Region.BUDDY_MAP, Region.LOCK_TABLE, Region.HEAP_TABLE}) {
                state.add(kernel.memory().checksum(kernel.layout().base(r), (int) kernel.layout().size(r)));
            }
            KernelView.Ring tx = kernel.view().transmitRing();
            state.addAll(java.util.List.of(tx.head(), tx.tail(), tx.accepted(), tx.dropped(), kernel.view().messagesLogged()));
            return state;
        }
    }

    @FuzzTest(maxDuration = "30s")
    void abortRestoresKernelState(FuzzedDataProvider data) throws Exception {
        ProtectionMode mode = data.pickValue(PROTECTED.toArray(ProtectionMode[]::new));
        checkAbortRestores(mode, data.consumeLong(1, 256 + 64L * (mode == ProtectionMode.PROCESS ? ExtensionProcess.HELPER_FUEL : Meter.HELPER_FUEL)));
    }

    @Test
    void abortAtEveryFuelPointRestoresKernelState() throws Exception {
        for (ProtectionMode mode : PROTECTED) {
            int aborted = 0;
            int completed = 0;
            // Every point while the hoarder's first helper calls run, sparser up to where its 36
            // helper calls, at what the mode charges for each, let it finish.
            long enough = 256 + 64L * (mode == ProtectionMode.PROCESS ? ExtensionProcess.HELPER_FUEL : Meter.HELPER_FUEL);
            for (long fuel = 1; fuel <= enough; fuel += 1 + fuel / 10) {
                if (checkAbortRestores(mode, fuel)) {
                    aborted++;
                } else {
                    completed++;
                }
            }
            assertThat(aborted).as("%s: fuel points that abort mid-call", mode).isPositive();
            assertThat(completed).as("%s: fuel points that let the call finish", mode).isPositive();
        }
    }

    /**
     * Preempting after {@code fuel} units (guard and handler together) cuts the call where a
     * budget of that much would.
     *
     * @return whether the call was aborted (else it completed)
     */
    private static boolean checkAbortRestores(ProtectionMode mode, long fuel) throws Exception {
        AbortRig rig = ABORT_RIGS.computeIfAbsent(mode, AbortRig::new);
        rig.kernel.restore(rig.clean);
        FaultDomain d = rig.sandbox.load("hoarder", SandboxFixture.bytesOf(Samples.Hoarder.class), SandboxFixture.spec()).attach();
        try {
            d.preemptAfter(fuel);
            rig.oracle.baseline();
            java.util.List<Long> before = rig.kernelState();
            long answer = rig.kernel.dispatch(Event.TIMER, 7);
            boolean aborted = rig.kernel.isAborted(d.domain());
            if (aborted) {
                assertThat(rig.kernelState()).as("%s, fuel %d: kernel structures after the abort", mode, fuel).isEqualTo(before);
                assertThat(rig.oracle.judge().violations()).as("%s, fuel %d", mode, fuel).isEmpty();
            } else {
                assertThat(answer).as("%s, fuel %d: a run with enough fuel completes", mode, fuel).isEqualTo(6);
            }
            return aborted;
        } finally {
            d.unload();
        }
    }

    @AfterAll
    static void forgetAbortRigs() {
        ABORT_RIGS.values().forEach(r -> r.sandbox.close());
        ABORT_RIGS.clear();
    }
}
