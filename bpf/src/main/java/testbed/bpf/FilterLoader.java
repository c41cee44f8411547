package testbed.bpf;

import testbed.kernel.Capability;
import testbed.kernel.DomainSpec;
import testbed.sandbox.FaultDomain;
import testbed.sandbox.Sandbox;
import testbed.sandbox.verify.Rejection;

/**
 * Gets a classic BPF program into a kernel as a packet filter extension: {@link Checker}, then
 * {@link Jit}, then the sandbox's own pipeline ({@code Sandbox.load}: verify, rewrite for the
 * sandbox's protection mode, define in the domain's loader, bind the budget), then attach to the
 * packet hook. Nothing is special about the compiled class from there on: it is confined,
 * metered, aborted and judged like a Java extension.
 */
public final class FilterLoader {
    /** The domain a filter gets: a 64 KiB segment (its first 2 KiB are the packet window) and the packet hook. */
    public static final DomainSpec SPEC = DomainSpec.segment(64 << 10).allow(Capability.PACKET_FILTER);

    private FilterLoader() {
    }

    /**
     * Checks, compiles and loads {@code program} into {@code sandbox}, and attaches it.
     *
     * @throws CheckException if the checker refuses the program (nothing is loaded)
     * @throws Rejection if the sandbox refuses the compiled class (a JIT bug, or a rewrite limit)
     */
    public static FaultDomain attach(Sandbox sandbox, FilterProgram program) throws CheckException, Rejection {
        byte[] bytes = Jit.compile(Checker.check(program));
        return sandbox.load("bpf/" + program.name(), bytes, SPEC).attach();
    }
}
