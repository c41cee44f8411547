package testbed.kernel.oracle;

import java.util.ArrayList;
import java.util.List;
import testbed.kernel.Kernel;
import testbed.kernel.Snapshot;

/**
 * The judge of a trial, independent of the protection mechanism under test: it trusts only
 * physical memory's write monitor, checksums, the kernel's own structures cross-checked against
 * each other, a record kept outside simulated memory, and trusted code (the canary, the kernel's
 * default policies).
 *
 * <pre>{@code
 * Snapshot clean = kernel.snapshot();
 * Oracle oracle = Oracle.watching(kernel);
 * for (each trial) {
 *     kernel.restore(clean);
 *     ... set up: create the domain, attach the extension ...
 *     oracle.baseline();
 *     ... run the workload that drives the extension ...
 *     Verdict verdict = oracle.judge();
 * }
 * }</pre>
 *
 * <p>Parts, in the order {@link #judge()} runs them: the write monitor (stores and loads outside
 * the actor's segment), integrity checksums of pages nobody may have changed, fsck of the kernel
 * structures and of what dead domains left behind, the data check (files, accepted packets), the
 * canary (segment and answer) and the liveness probe. The cost per trial is proportional to the
 * pages touched plus a fixed sample, except the frame-table scan, which is linear in frames but
 * reads two bytes per frame; {@link #thorough()} also checksums every untouched page.
 *
 * <p>The write monitor's window is the kernel's: from its last {@link Kernel#snapshot()} or
 * {@link Kernel#restore} to the judgement. Restore the kernel before each trial.
 */
public final class Oracle {
    /** Untouched pages whose checksum each non-thorough judgement compares. */
    public static final int DEFAULT_SAMPLE = 16;

    private final Kernel kernel;
    private final IntegrityCheck integrity;
    private final StructureCheck structures = new StructureCheck();
    private final LivenessProbe liveness = new LivenessProbe();
    private Baseline baseline;
    private Snapshot answerSnapshot;
    private long answer;
    private Snapshot pristineSnapshot;
    private long[] pristineBlocks;

    private Oracle(Kernel kernel, boolean thorough, int sample) {
        this.kernel = kernel;
        this.integrity = new IntegrityCheck(thorough, sample);
    }

    /** An oracle for {@code kernel} that samples {@value #DEFAULT_SAMPLE} untouched pages per judgement. */
    public static Oracle watching(Kernel kernel) {
        if (kernel == null) {
            throw new IllegalArgumentException("kernel is null");
        }
        return new Oracle(kernel, false, DEFAULT_SAMPLE);
    }

    /** An oracle for the same kernel that compares every untouched page (O(memory) per judgement). */
    public Oracle thorough() {
        return new Oracle(kernel, true, 0);
    }

    /** An oracle for the same kernel that samples {@code pages} untouched pages per judgement. */
    public Oracle sampling(int pages) {
        if (pages < 0) {
            throw new IllegalArgumentException("sample must not be negative: " + pages);
        }
        return new Oracle(kernel, false, pages);
    }

    public Kernel kernel() {
        return kernel;
    }

    /**
     * Records the state the trial must preserve. Cheap when the kernel has a base snapshot (page
     * checksums come from it, computed once); without one it takes a snapshot first.
     */
    public void baseline() {
        Snapshot snapshot = kernel.base();
        if (snapshot == null) {
            snapshot = kernel.snapshot();
        }
        byte[] segment = CanaryCheck.segmentNow(kernel, snapshot);
        // The canary is a function of its segment: with the snapshot's segment, its answer is the one already known.
        if (segment != null || snapshot != answerSnapshot) {
            answer = CanaryCheck.answer(kernel);
            answerSnapshot = segment == null ? snapshot : null;
        }
        // Just restored and untouched, the kernel is its snapshot: the file data it holds, and so
        // the block checksums, are those of the last baseline taken in that state.
        boolean pristine = kernel.memory().touchedCount() == 0 && kernel.structures().disk().writtenSinceBase() == 0;
        long[] blocks = pristine && snapshot == pristineSnapshot ? pristineBlocks : null;
        baseline = new Baseline(kernel, snapshot, segment, answer, blocks);
        if (pristine) {
            pristineSnapshot = snapshot;
            pristineBlocks = baseline.blockSums;
        }
    }

    /**
     * Judges the kernel against the last {@link #baseline()}. Runs the liveness probe last, which
     * changes kernel state: restore the kernel before the next trial.
     *
     * @throws IllegalStateException without a baseline, or if the kernel's base snapshot changed since
     */
    public Verdict judge() {
        if (baseline == null) {
            throw new IllegalStateException("judge() needs a baseline() before the trial");
        }
        if (kernel.base() != baseline.snapshot) {
            throw new IllegalStateException("the kernel was snapshotted or restored to another snapshot after baseline(); take a new baseline");
        }
        List<Violation> out = new ArrayList<>();
        int[] touched = kernel.memory().touchedPages();
        MonitorCheck.check(kernel, baseline, touched, out);
        int checked = integrity.check(kernel, baseline, touched, out);
        structures.check(kernel, baseline, out);
        long[] sums = DataCheck.check(kernel, baseline, out);
        long canary = CanaryCheck.check(kernel, baseline, out);
        liveness.check(kernel, sums, canary, out);
        return new Verdict(out, touched.length, checked);
    }
}
