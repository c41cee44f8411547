package testbed.faults.fuzz;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import testbed.program.Program;
import testbed.faults.TrialId;
import testbed.sandbox.Protection;

/**
 * A generated program's run under one technique, as a trial: what the fuzzer's trial records
 * carry as their id, and what {@code testbed replay} reruns. A generated program is no corpus
 * entry; its id names it by the program seed it regenerates from,
 * {@code generated/G<SEED IN HEX>~generated~MODE~<seed>}, with the generator's size limit in the
 * fault part when it was not the default ({@code generated-ops40}).
 *
 * @param seed the program seed ({@link Fuzzer#programSeed})
 * @param maxOps the generator's size limit the program was made under
 * @param mode the technique's name
 */
public record GeneratedTrial(long seed, int maxOps, String mode) {
    private static final Pattern FAULT = Pattern.compile(Pattern.quote(Fuzzer.GENERATED) + "(?:-ops(\\d{1,5}))?");

    public GeneratedTrial {
        if (maxOps < ProgramGenerator.MIN_MAX_OPS) {
            throw new IllegalArgumentException("a generated program has at least " + ProgramGenerator.MIN_MAX_OPS + " operations, not " + maxOps);
        }
    }

    /** Whether {@code id} names a generated program rather than a corpus entry. */
    public static boolean names(TrialId id) {
        return FAULT.matcher(id.fault()).matches();
    }

    /**
     * The generated trial {@code id} names.
     *
     * @throws IllegalArgumentException with a one-line message if it names none, or its entry is not the seed's program
     */
    public static GeneratedTrial of(TrialId id) {
        Matcher m = FAULT.matcher(id.fault());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a generated program's trial: " + id);
        }
        GeneratedTrial g = new GeneratedTrial(id.seed(), m.group(1) == null ? ProgramGenerator.DEFAULT_MAX_OPS : Integer.parseInt(m.group(1)),
                id.mode());
        if (!g.id().equals(id)) {
            throw new IllegalArgumentException("trial " + id + " does not name the program of seed " + id.seed() + " (that is " + g.id() + ")");
        }
        return g;
    }

    /** The program's name, from its seed, as the generator names it. */
    public static String programName(long seed) {
        return "G" + Long.toHexString(seed).toUpperCase(Locale.ROOT);
    }

    /** The trial id. */
    public TrialId id() {
        String fault = maxOps == ProgramGenerator.DEFAULT_MAX_OPS ? Fuzzer.GENERATED : Fuzzer.GENERATED + "-ops" + maxOps;
        return new TrialId(Fuzzer.GENERATED + "/" + programName(seed), fault, mode, seed);
    }

    /** The program, regenerated from its seed. */
    public Program program() {
        return Fuzzer.program(ProgramGenerator.over(Layout.defaults()).maxOps(maxOps), seed);
    }

    /** Regenerates the program and checks it as the fuzzer does, in {@code modes} (and unprotected). */
    public ProgramVerdict check(List<Protection> modes) {
        try (ProgramTrials trials = new ProgramTrials(modes)) {
            return trials.check(program(), seed);
        }
    }
}
