package testbed.bench.experiments;

import java.util.List;
import java.util.Optional;

/** The in-process experiments of this module, E3 to E8; the JMH ones (E1, E2) run from the command line's bench machinery. */
public final class Experiments {
    private static final List<Experiment> ALL = List.of(new E3FaultInjection(), new E4Transactions(), new E5Verification(), new E6ReadFilter(), new E7Revocation(), new E8Dispatch());

    private Experiments() {
    }

    /** E3 to E8, in order. */
    public static List<Experiment> all() {
        return ALL;
    }

    /** The experiment with this id ({@code E3}, case-insensitive). */
    public static Optional<Experiment> byId(String id) {
        return ALL.stream().filter(e -> e.id().equalsIgnoreCase(id)).findFirst();
    }
}
