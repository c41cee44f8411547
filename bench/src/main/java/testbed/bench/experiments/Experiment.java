package testbed.bench.experiments;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import testbed.reports.ExperimentPage;
import testbed.reports.Provenance;

/**
 * One of the classic experiments, rerun on the testbed: it measures, judges its goals on
 * intervals from its own samples, and returns its page (the published figure beside ours).
 */
public interface Experiment {

    /** {@code E3}. */
    String id();

    /** A short title, for {@code --list}. */
    String title();

    /** How long the default run takes on a 2-core machine, and the quick one, in words. */
    String runTime();

    /**
     * Runs the experiment.
     *
     * @throws IOException if a file it needs or writes cannot be read or written
     */
    ExperimentPage run(Run run) throws IOException;

    /**
     * How to run an experiment.
     *
     * @param quick a short run: rough numbers, and no goal decided
     * @param out the report directory (an experiment may keep working files under it)
     * @param provenance the machine and the command that reproduces the page
     * @param log where to say what is being measured, a line at a time
     * @param workerJvm options for the worker JVMs of the experiments that run campaigns
     */
    record Run(boolean quick, Path out, Provenance provenance, PrintWriter log, List<String> workerJvm) {
        Sampler.Plan plan() {
            return quick ? Sampler.QUICK : Sampler.DEFAULT;
        }
    }
}
