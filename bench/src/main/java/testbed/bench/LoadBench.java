package testbed.bench;

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
import testbed.kernel.Domain;
import testbed.kernel.Kernel;
import testbed.sandbox.FaultDomain;
import testbed.sandbox.Sandbox;
import testbed.sandbox.verify.Rejection;
import testbed.sandbox.verify.VerifiedClass;
import testbed.sandbox.verify.Verifier;
import testbed.sfi.ProtectionMode;
import testbed.sfi.Rewrite;

/**
 * What getting an extension in costs, for extensions of different sizes ({@code extension}:
 * {@code TrivialFilter}, the smallest; {@code ChecksumFilter}, one loop; {@code HeaderFilter}, many
 * branches; {@code HashTableFilter}, three loops and a helper method. Their class-file sizes and
 * rewritten sizes are printed at setup, in lines starting with {@code #}, and by
 * {@link Suite#extensionSizes()}):
 * <ul>
 *   <li>{@link #load}: {@code sandbox.load} then {@code unload}: create the domain (a zeroed 64 KiB
 *       segment), verify (inspect only under {@code NONE}), rewrite (not under {@code NONE}),
 *       define in a fresh domain loader, construct inside a first crossing; then destroy the
 *       domain. Class unloading happens later, in GC, and is part of the score.</li>
 *   <li>{@link #domainOnly}: the kernel's part alone: {@code createDomain} (zeroes the segment) and
 *       {@code destroyDomain} (releases locks, frames, heap, segment).</li>
 *   <li>{@link #verifyOnly}: {@code Verifier.standard().verify(bytes)}.</li>
 *   <li>{@link #rewriteOnly}: {@code Rewrite.of(SFI_MASK).segment(seg).metered(true).apply(bytes)},
 *       what the sandbox does in a protected mode.</li>
 *   <li>{@link #defineOnly}: the rewritten bytes defined in a fresh one-class loader (JVM parse and
 *       bytecode verification happen at link time, so this forces the class to link by
 *       constructing it, bound to a meter), without the kernel.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LoadBench {
    /** The whole pipeline, per protection mode. */
    @State(Scope.Thread)
    public static class Pipeline {
        @Param({"NONE", "SFI_MASK"})
        public String mode;

        @Param({"TrivialFilter", "ChecksumFilter", "HeaderFilter", "HashTableFilter"})
        public String extension;

        Kernel kernel;
        Sandbox sandbox;
        byte[] bytes;

        @Setup(Level.Trial)
        public void setUp() {
            kernel = Rig.boot();
            sandbox = Sandbox.on(kernel, ProtectionMode.valueOf(mode));
            bytes = Rig.classBytes(extension);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (kernel.domains().size() != 1) {
                throw new IllegalStateException("domains leaked: " + kernel.domains());
            }
            sandbox.close();
        }
    }

    /** The stages alone, in the protected pipeline's configuration (SFI_MASK, metered). */
    @State(Scope.Thread)
    public static class Stages {
        @Param({"TrivialFilter", "ChecksumFilter", "HeaderFilter", "HashTableFilter"})
        public String extension;

        byte[] bytes;
        VerifiedClass verified;
        Rewrite rewrite;
        byte[] rewritten;

        @Setup(Level.Trial)
        public void setUp() throws Rejection {
            bytes = Rig.classBytes(extension);
            verified = Verifier.standard().verify(bytes);
            Kernel kernel = Rig.boot();
            Domain domain = kernel.createDomain("stages", Rig.spec());
            rewrite = Rewrite.of(ProtectionMode.SFI_MASK).segment(domain.segment()).metered(true);
            rewritten = rewrite.apply(verified.bytes());
            System.out.println("# " + extension + ": class file " + bytes.length + " bytes, rewritten (SFI_MASK, metered) "
                    + rewritten.length + " bytes");
        }
    }

    /** The kernel side of a load alone, for subtraction. */
    @State(Scope.Thread)
    public static class Bare {
        Kernel kernel;

        @Setup(Level.Trial)
        public void setUp() {
            kernel = Rig.boot();
        }
    }

    @Benchmark
    public FaultDomain load(Pipeline p) throws Rejection {
        FaultDomain fd = p.sandbox.load(p.extension, p.bytes, Rig.spec());
        fd.unload();
        return fd;
    }

    @Benchmark
    public Domain domainOnly(Bare b) {
        Domain d = b.kernel.createDomain("bare", Rig.spec());
        b.kernel.destroyDomain(d);
        return d;
    }

    @Benchmark
    public VerifiedClass verifyOnly(Stages s) throws Rejection {
        return Verifier.standard().verify(s.bytes);
    }

    @Benchmark
    public byte[] rewriteOnly(Stages s) {
        return s.rewrite.apply(s.bytes);
    }

    @Benchmark
    public Object defineOnly(Stages s) {
        return Rig.define(s.verified.className(), s.rewritten, true);
    }
}
