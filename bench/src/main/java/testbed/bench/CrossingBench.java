package testbed.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import testbed.kernel.Crossing;
import testbed.kernel.Domain;
import testbed.kernel.DomainCall;
import testbed.kernel.Kernel;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;
import testbed.sandbox.Budget;
import testbed.sandbox.FaultDomain;
import testbed.sandbox.Sandbox;
import testbed.sandbox.verify.Rejection;
import testbed.sfi.ProtectionMode;

/**
 * Experiment E2: the cost of one call into a fault domain, for a filter that does nothing
 * ({@code TrivialFilter}: no memory, no kernel state), from the cheapest to the whole kernel path:
 * <ul>
 *   <li>{@link #plainCall}: a Java interface call of the filter (loaded under {@code NONE});</li>
 *   <li>{@link #directCrossing}: {@code Crossing.DIRECT.enter(domain, call)}, the unprotected
 *       crossing; {@link #directCrossingActAs} adds the two {@code memory().actAs(id)} the kernel
 *       does around every crossing;</li>
 *   <li>{@link #transactionalCrossing}: the sandbox's crossing of an {@code SFI_MASK} (metered)
 *       domain: refill the meter, open a transaction, arm the watchdog, call, check locks,
 *       commit, disarm; {@link #transactionalCrossingActAs} adds the {@code actAs} pair;</li>
 *   <li>{@link #receiveDirect} and {@link #receiveTransactional}: {@code kernel.receive} of a
 *       64-byte packet with that filter attached (ring push, copy to the window, hook counters,
 *       crossing, drop), each kernel with one filter;</li>
 *   <li>{@link #processCrossing}: the same filter loaded in {@code PROCESS} mode, in a separate JVM
 *       reached over a pipe (the hardware-protection baseline), entered through its crossing with
 *       the {@code actAs} pair. Only when the build's {@code ProtectionMode} has {@code PROCESS}:
 *       otherwise its setup fails with a message saying so and JMH moves on.</li>
 * </ul>
 * The calls are built once, in setup, so no benchmark allocates a lambda (the kernel's own
 * {@code receive} does, which is part of its cost). Subtract {@link #plainCall} from a crossing
 * for the crossing's own cost.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CrossingBench {
    static final int PACKET = 64;

    // Unprotected: NONE, Crossing.DIRECT.
    private Kernel plainKernel;
    private Sandbox plainSandbox;
    private Domain plainDomain;
    private PacketFilter plainFilter;
    private Context plainContext;
    private DomainCall plainCall;

    // Protected: SFI_MASK, metered, TransactionalCrossing.
    private Kernel guardedKernel;
    private Sandbox guardedSandbox;
    private Domain guardedDomain;
    private Crossing guardedCrossing;
    private DomainCall guardedCall;

    private long window;
    private int length;
    private byte[] packet;

    @Setup(Level.Trial)
    public void setUp() throws Rejection {
        byte[] bytes = Rig.classBytes("TrivialFilter");
        length = PACKET;
        packet = new byte[PACKET];
        for (int i = 0; i < PACKET; i++) {
            packet[i] = (byte) i;
        }

        plainKernel = Rig.boot();
        plainSandbox = Sandbox.on(plainKernel, ProtectionMode.NONE);
        FaultDomain plain = plainSandbox.load("trivial", bytes, Rig.spec()).attach();
        plainDomain = plain.domain();
        plainFilter = (PacketFilter) plain.extension();
        plainContext = plainDomain.context();
        window = plainDomain.window();
        PacketFilter pf = plainFilter;
        Context pc = plainContext;
        long pw = window;
        int len = length;
        plainCall = () -> pf.filter(pc, pw, len);
        if (plain.crossing() != Crossing.DIRECT) {
            throw new IllegalStateException("NONE should cross directly");
        }

        guardedKernel = Rig.boot();
        guardedSandbox = Sandbox.on(guardedKernel, ProtectionMode.SFI_MASK, Budget.standard());
        FaultDomain guarded = guardedSandbox.load("trivial", bytes, Rig.spec()).attach();
        guardedDomain = guarded.domain();
        guardedCrossing = guarded.crossing();
        PacketFilter gf = (PacketFilter) guarded.extension();
        Context gc = guardedDomain.context();
        long gw = guardedDomain.window();
        guardedCall = () -> gf.filter(gc, gw, len);

        if (plainKernel.receive(packet) != 0 || guardedKernel.receive(packet) != 0
                || guardedKernel.isAborted(guardedDomain) || !guardedKernel.aborts().isEmpty()) {
            throw new IllegalStateException("the trivial filter should drop every packet without a trap");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (!guardedKernel.aborts().isEmpty()) {
            throw new IllegalStateException("a crossing trapped: " + guardedKernel.aborts());
        }
        plainSandbox.close();
        guardedSandbox.close();
    }

    /** The trivial filter in a separate JVM, when this build has the {@code PROCESS} mode. */
    @State(Scope.Thread)
    public static class ProcessDomain {
        Kernel kernel;
        Sandbox sandbox;
        FaultDomain faultDomain;
        Domain domain;
        Crossing crossing;
        DomainCall call;

        @Setup(Level.Trial)
        public void setUp() throws Rejection {
            ProtectionMode mode = Suite.processMode().orElseThrow(() -> new IllegalStateException(
                    "skipped: this build's ProtectionMode has no PROCESS constant, so there is no process crossing to measure"));
            kernel = Rig.boot();
            sandbox = Sandbox.on(kernel, mode, Budget.standard());
            faultDomain = sandbox.load("trivial", Rig.classBytes("TrivialFilter"), Rig.spec()).attach();
            domain = faultDomain.domain();
            crossing = faultDomain.crossing();
            PacketFilter filter = (PacketFilter) faultDomain.extension();
            Context ctx = domain.context();
            long window = domain.window();
            call = () -> filter.filter(ctx, window, PACKET);
            if (enter() != 0 || !kernel.aborts().isEmpty()) {
                throw new IllegalStateException("the trivial filter in a separate process should answer 0 without a trap: "
                        + kernel.aborts());
            }
        }

        long enter() {
            PhysicalMemory m = kernel.memory();
            int prev = m.actAs(domain.id());
            try {
                return crossing.enter(domain, call);
            } finally {
                m.actAs(prev);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (faultDomain != null) {
                faultDomain.unload();
            }
            if (sandbox != null) {
                sandbox.close();
            }
        }
    }

    @Benchmark
    public int plainCall() {
        return plainFilter.filter(plainContext, window, length);
    }

    @Benchmark
    public long directCrossing() {
        return Crossing.DIRECT.enter(plainDomain, plainCall);
    }

    @Benchmark
    public long directCrossingActAs() {
        PhysicalMemory m = plainKernel.memory();
        int prev = m.actAs(plainDomain.id());
        try {
            return Crossing.DIRECT.enter(plainDomain, plainCall);
        } finally {
            m.actAs(prev);
        }
    }

    @Benchmark
    public long transactionalCrossing() {
        return guardedCrossing.enter(guardedDomain, guardedCall);
    }

    @Benchmark
    public long transactionalCrossingActAs() {
        PhysicalMemory m = guardedKernel.memory();
        int prev = m.actAs(guardedDomain.id());
        try {
            return guardedCrossing.enter(guardedDomain, guardedCall);
        } finally {
            m.actAs(prev);
        }
    }

    @Benchmark
    public int receiveDirect() {
        return plainKernel.receive(packet);
    }

    @Benchmark
    public int receiveTransactional() {
        return guardedKernel.receive(packet);
    }

    @Benchmark
    public long processCrossing(ProcessDomain p) {
        return p.enter();
    }
}
