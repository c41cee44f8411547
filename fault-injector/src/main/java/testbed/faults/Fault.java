package testbed.faults;

import java.util.Locale;

/**
 * A fault kind: one way of breaking an extension or its surroundings, taken from a published
 * fault-injection study. A trial applies one kind with one seed; the seed decides every choice the
 * kind makes (which site, which bit, which call), so the same trial always injects the same fault.
 *
 * <p>Two sorts exist: {@link testbed.faults.mutation.BytecodeFault} changes the extension's class
 * bytes before the sandbox loads them, {@link testbed.faults.environment.EnvironmentFault} changes
 * what the kernel does to the extension while it runs. {@link Faults} finds every kind;
 * {@link Faults#none()} is the unmodified extension, the control of every comparison.
 */
public interface Fault {

    /** The stable kebab-case id used in trial ids and reports, e.g. {@code bit-flip-constant}. */
    String name();

    /** The family the kind belongs to: a report's row group. */
    Family family();

    /** What the fault does, in one line. */
    String description();

    /** The published fault model it comes from: authors, year, venue and the fault type's name there. */
    String reference();

    /**
     * The pseudo-random value number {@code stream} of a trial seed. Every choice a fault makes
     * derives from this function (stream 0 picks a bytecode fault's site), so a trial replays from
     * its seed on any JVM.
     */
    static long draw(long seed, int stream) {
        // SplitMix64's finaliser over the seed advanced by `stream` golden-ratio steps.
        long z = seed + (stream + 1L) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The families of fault kinds, as the fault-injection tables of Rio and Nooks group them. */
    enum Family {
        /** No fault at all: only {@link Faults#none()}. */
        NONE,
        /** Wrong addresses, wrong values, wrong bounds: corruption of the data an extension computes with. */
        MEMORY,
        /** Wrong control flow: branches taken the wrong way, exceptions, loops that never end. */
        CONTROL,
        /** Kernel resources taken and not given back, or asked for in absurd amounts. */
        RESOURCE,
        /** Calls into the kernel that go missing. */
        KERNEL_INTERFACE,
        /** The extension's code is intact; the kernel around it fails, revokes, lies or preempts. */
        ENVIRONMENT;

        /** The family's id in reports and trial records: {@code none}, {@code memory}, {@code kernel-interface}... */
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }
}
