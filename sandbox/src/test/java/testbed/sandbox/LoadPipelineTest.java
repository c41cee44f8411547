package testbed.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import testbed.kernel.Domain;
import testbed.kernel.Kernel;
import testbed.sandbox.verify.Rejection;
import testbed.sandbox.verify.Rule;
import testbed.sfi.ProtectionMode;
import testbed.sfi.RewriteException;

/** One owner per rule in the load pipeline: the verifier refuses what the rewrite cannot confine, and no failure of the rewrite stage reaches the host. */
class LoadPipelineTest {

    @ParameterizedTest
    @EnumSource(value = ProtectionMode.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void aSynchronizedBlockIsRefusedByTheVerifierNamingItsRule(ProtectionMode mode) {
        Rejection r = rejectionOf(mode, Sandbox.Rewriter.STANDARD, SandboxFixture.bytesOf(Samples.LocksItself.class));
        assertThat(r.rule()).as(r.getMessage()).isEqualTo(Rule.MONITOR);
        assertThat(r.getMessage()).contains("LocksItself.filter").contains("monitorenter");
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("a refusal", new RewriteException("refused")),
                Arguments.of("a bug", new IllegalStateException("bug in the rewrite")),
                Arguments.of("an assertion", new AssertionError("broken invariant")),
                Arguments.of("a linkage error", new NoClassDefFoundError("some/Missing")),
                Arguments.of("a stack overflow", new StackOverflowError()),
                Arguments.of("a checked exception thrown sneakily", new IOException("disk")),
                Arguments.of("no bytes at all", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void anyFailureOfTheRewriteStageIsARejectionAndLeavesTheKernelAsItWas(String what, Throwable failure) {
        Sandbox.Rewriter failing = (bytes, segment, mode, metered) -> {
            if (failure != null) {
                throw Sneaky.<RuntimeException>sneak(failure);
            }
            return null;
        };
        for (ProtectionMode mode : List.of(ProtectionMode.SFI_MASK, ProtectionMode.SFI_CHECK, ProtectionMode.BOUNDS,
                ProtectionMode.PROCESS)) {
            Kernel kernel = SandboxFixture.boot();
            List<Domain> before = List.copyOf(kernel.domains());
            Rejection r;
            try (Sandbox sandbox = Sandbox.on(kernel, mode, Budget.standard(), failing)) {
                r = catchThrowableOfType(() -> sandbox.load("x", SandboxFixture.bytesOf(Samples.Counter.class),
                        SandboxFixture.spec()), Rejection.class);
            }
            assertThat(r).as(mode + ": " + what).isNotNull();
            assertThat(r.rule()).as(r.getMessage()).isEqualTo(Rule.REWRITE);
            assertThat(kernel.domains()).as("no domain left behind").isEqualTo(before);
        }
    }

    private static Rejection rejectionOf(ProtectionMode mode, Sandbox.Rewriter rewriter, byte[] bytes) {
        Kernel kernel = SandboxFixture.boot();
        try (Sandbox sandbox = Sandbox.on(kernel, mode, Budget.standard(), rewriter)) {
            Rejection r = catchThrowableOfType(() -> sandbox.load("x", bytes, SandboxFixture.spec()), Rejection.class);
            assertThat(r).as("a rejection in " + mode).isNotNull();
            return r;
        }
    }

    /** Throws a checked exception where the signature does not declare one, as a user's rewriter written in another JVM language could. */
    private static final class Sneaky {
        @SuppressWarnings("unchecked")
        static <T extends Throwable> T sneak(Throwable t) throws T {
            throw (T) t;
        }
    }
}
