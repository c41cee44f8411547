package testbed.faults.fuzz;

import testbed.program.Program;

/**
 * Generates random extension programs, malicious and buggy ones aimed where isolation is most
 * likely to fail, and benign ones as controls. Every decision comes from a {@link Choices}, so a
 * program is a pure function of (generator settings, choices, name).
 *
 * <p>A {@link Flavour#HOSTILE} program mixes arithmetic (division by zero included), loads and
 * stores of every width, copies of zero, small, segment-sized, negative and huge lengths, loops
 * with constant, computed and (rarely) unbounded trip counts, shallow and deep recursion, helper
 * calls with valid and hostile arguments, throws and handlers (rarely one for {@code Throwable},
 * which the verifier refuses), and conditionals on values read back from memory. About half of its
 * accesses stay in its segment; the rest aim at the {@link AddressClass dangerous places}. A
 * {@link Flavour#BENIGN} program only touches its own segment, runs small bounded loops and shallow
 * recursion, pairs every lock, allocation and frame binding, catches every exception it throws and
 * returns an answer in {@code [0, length]}. Either way the interpreter's trace, not the flavour, is
 * the judge of what a program did.
 *
 * <p>Registers {@code r0} (the packet) and {@code r1} (its length) are never written before the
 * final operation, which sets the answer; {@code r2..r7} are scratch. A program has at most
 * {@link #maxOps()} operations, nested ones included.
 *
 * <p>The parts: {@link Statements} (the shapes of a program), {@link Addresses} (where its
 * accesses aim), {@link HelperCalls} (its kernel helper calls and their misuse), {@link Draft}
 * (one program's source of choices and operation budget) and {@link Mix} (the weights).
 *
 * <p>Immutable apart from its {@link #stats()}: use one generator per thread.
 */
public final class ProgramGenerator {

    /** Whether a program is meant to stay benign or to misbehave. */
    public enum Flavour { BENIGN, HOSTILE }

    /** The default {@link #maxOps()}. */
    public static final int DEFAULT_MAX_OPS = 40;
    /** The fewest operations a generator may be limited to: one statement and the answer. */
    public static final int MIN_MAX_OPS = 4;
    /** Per cent of programs that are {@link Flavour#BENIGN}. */
    public static final int BENIGN_PERCENT = 30;

    private final Layout layout;
    private final int maxOps;
    private final GenerationStats stats = new GenerationStats();

    private ProgramGenerator(Layout layout, int maxOps) {
        if (maxOps < MIN_MAX_OPS) {
            throw new IllegalArgumentException("maxOps must be at least " + MIN_MAX_OPS + ", got " + maxOps);
        }
        if (layout.segmentSize() > 1 << 30) {
            throw new IllegalArgumentException("segments over 1 GiB do not fit physical memory: " + layout.segmentSize());
        }
        this.layout = layout;
        this.maxOps = maxOps;
    }

    /** A generator of programs for the machine {@code layout} describes, at most {@value #DEFAULT_MAX_OPS} operations each. */
    public static ProgramGenerator over(Layout layout) {
        return new ProgramGenerator(layout, DEFAULT_MAX_OPS);
    }

    /**
     * The same generator with another size limit (and fresh stats). Sizes are spread over
     * {@code [maxOps / 4, maxOps]}.
     */
    public ProgramGenerator maxOps(int ops) {
        return new ProgramGenerator(layout, ops);
    }

    /** The most operations a program has, nested ones included. */
    public int maxOps() {
        return maxOps;
    }

    /** The machine the programs are aimed at. */
    public Layout layout() {
        return layout;
    }

    /** What this generator has produced so far. */
    public GenerationStats stats() {
        return stats;
    }

    /** Draws a flavour: {@value #BENIGN_PERCENT}% benign; a source that has run dry draws benign. */
    public Flavour flavour(Choices choices) {
        return choices.nextInt(100) < BENIGN_PERCENT ? Flavour.BENIGN : Flavour.HOSTILE;
    }

    /** A program of a flavour drawn from {@code choices}. */
    public Program generate(Choices choices, String name) {
        return generate(choices, name, flavour(choices));
    }

    /**
     * A program of the given flavour.
     *
     * @param name the program's name, a Java identifier
     * @throws IllegalArgumentException if {@code name} is not a Java identifier
     */
    public Program generate(Choices choices, String name, Flavour flavour) {
        Program program = new Statements(new Draft(choices, flavour == Flavour.HOSTILE, layout, stats), maxOps).program(name);
        stats.count(program, flavour);
        return program;
    }
}
