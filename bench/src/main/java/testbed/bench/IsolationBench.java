package testbed.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * Experiment E1 (Wahbe's table): what each isolation mode costs on memory-heavy extension code.
 * Two extensions from {@code testbed.bench.extensions}, each loaded in its own kernel and called
 * <em>directly</em> on the loaded instance (cast to {@link PacketFilter}, with the domain's own
 * context), so the score is the rewritten code and nothing of the crossing:
 * <ul>
 *   <li>{@link #checksum}: the Internet checksum of a 1,500-byte packet in the window (750
 *       {@code load16});</li>
 *   <li>{@link #copy}: an 8 KiB copy inside the segment (1,024 {@code load64} + 1,024
 *       {@code store64}).</li>
 * </ul>
 * Both go through the simulated memory and its write monitor in every mode, so the baseline is
 * {@code NONE} on the same memory, not a bare {@code byte[]} (see {@link MonitorBench} for that).
 *
 * <p>{@code mode} is a {@code ProtectionMode}, or {@code SFI_MASK_STORES} for address masking of
 * stores only ({@code Rewrite.storesOnly()}); {@code metered} adds fuel and depth metering.
 * {@code (NONE, metered=true)} is not a configuration (NONE is never rewritten): its setup fails
 * on purpose and JMH moves on. Read the results as ratios to {@code (NONE, false)} of the same run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IsolationBench {
    static final int PACKET = 1500;

    @Param({"NONE", "SFI_MASK", "SFI_MASK_STORES", "SFI_CHECK", "BOUNDS"})
    public String mode;

    @Param({"false", "true"})
    public boolean metered;

    private Rig checksumRig;
    private PacketFilter checksumFilter;
    private Context checksumContext;
    private long packet;
    private int packetLength;

    private Rig copyRig;
    private PacketFilter copyFilter;
    private Context copyContext;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);

        checksumRig = Rig.load("ChecksumFilter", mode, metered);
        checksumFilter = (PacketFilter) checksumRig.extension;
        checksumContext = checksumRig.context;
        packet = checksumRig.domain.window();
        packetLength = PACKET;
        byte[] data = new byte[PACKET];
        random.nextBytes(data);
        asKernel(checksumRig, () -> checksumRig.kernel.memory().write(packet, data, 0, PACKET));
        int expected = checksum(data);
        int got = checksum();
        if (got != expected) {
            throw new IllegalStateException(mode + ": checksum " + got + ", expected " + expected);
        }

        copyRig = Rig.load("CopyFilter", mode, metered);
        copyFilter = (PacketFilter) copyRig.extension;
        copyContext = copyRig.context;
        long base = copyRig.domain.segment().base();
        byte[] block = new byte[8192];
        random.nextBytes(block);
        asKernel(copyRig, () -> copyRig.kernel.memory().write(base + 4096, block, 0, block.length));
        copy();
        byte[] copied = new byte[block.length];
        copyRig.kernel.memory().peek(base + 4096 + 8192, copied, 0, copied.length);
        if (!java.util.Arrays.equals(block, copied)) {
            throw new IllegalStateException(mode + ": the copy did not copy");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (checksumRig != null) {
            checksumRig.close();
        }
        if (copyRig != null) {
            copyRig.close();
        }
    }

    @Benchmark
    public int checksum() {
        return checksumFilter.filter(checksumContext, packet, packetLength);
    }

    @Benchmark
    public int copy() {
        return copyFilter.filter(copyContext, 0, 0);
    }

    private static void asKernel(Rig rig, Runnable work) {
        int prev = rig.kernel.memory().actAs(PhysicalMemory.KERNEL);
        try {
            work.run();
        } finally {
            rig.kernel.memory().actAs(prev);
        }
    }

    /** The extension's checksum computed in plain Java: little-endian 16-bit words, folded, complemented. */
    static int checksum(byte[] data) {
        long sum = 0;
        for (int i = 0; i + 1 < data.length; i += 2) {
            sum += (data[i] & 0xFF) | (data[i + 1] & 0xFF) << 8;
        }
        if ((data.length & 1) != 0) {
            sum += data[data.length - 1] & 0xFF;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }
}
