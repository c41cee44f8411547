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
import testbed.kernel.Transaction;
import testbed.kernel.api.Context;
import testbed.kernel.api.Status;

/**
 * Experiment E4, VINO's table (Seltzer et al. 1996): what the kernel's transactions cost around a
 * graft that changes kernel state through helpers. The kernel's own API, no extension code:
 * <ul>
 *   <li>{@link #beginCommit}, {@link #beginAbort}: an empty transaction opened and committed, or
 *       rolled back;</li>
 *   <li>{@link #graftOnly}: the graft's helper calls without a transaction (nothing recorded);</li>
 *   <li>{@link #graftCommit}: the same inside a transaction that commits;</li>
 *   <li>{@link #graftAbort}: the same inside a transaction that is rolled back at the end, as
 *       the abort protocol does, undoing every kernel word the helpers changed.</li>
 * </ul>
 * The graft does {@code rounds} rounds of five helper calls, each a change to kernel state: take
 * kernel lock 0, allocate 64 bytes of heap, append a 32-byte message to the kernel log, free the
 * block, release the lock. A round leaves the lock and heap as it found them (so a committed graft
 * can run forever) and the log one entry longer (the log is circular). Subtract {@link #graftOnly}
 * from {@link #graftCommit} and {@link #graftAbort} for the transaction's own cost with that many
 * changes. Setup checks that a rollback really restores the lock, the heap and the log.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TransactionBench {

    /** A kernel and one domain, as the crossing leaves them: the memory principal is the domain. */
    @State(Scope.Thread)
    public static class Host {
        Kernel kernel;
        Domain domain;

        @Setup(Level.Trial)
        public void setUp() {
            kernel = Rig.boot();
            domain = kernel.createDomain("graft", Rig.spec());
            kernel.memory().actAs(domain.id());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (kernel.transaction() != null) {
                throw new IllegalStateException("a transaction was left open");
            }
        }
    }

    /** A kernel whose domain runs a graft of {@code rounds} rounds of helper calls. */
    @State(Scope.Thread)
    public static class Graft {
        static final int MESSAGE = 32;
        static final int BLOCK = 64;

        @Param({"1", "10"})
        public int rounds;

        Kernel kernel;
        Domain domain;
        Context ctx;
        long message;

        @Setup(Level.Trial)
        public void setUp() {
            kernel = Rig.boot();
            domain = kernel.createDomain("graft", Rig.spec());
            kernel.memory().actAs(domain.id());
            ctx = domain.context();
            message = domain.window();
            checkRollback();
        }

        /** The graft: {@code rounds} times lock, alloc, log, free, unlock. Answers a fold of the helpers' results. */
        long run() {
            long fold = 0;
            for (int r = 0; r < rounds; r++) {
                int locked = ctx.lock(0);
                long block = ctx.alloc(BLOCK);
                int logged = ctx.log(message, MESSAGE);
                int freed = ctx.free(block);
                int unlocked = ctx.unlock(0);
                fold = fold * 31 + (locked | logged | freed | unlocked) + block;
            }
            return fold;
        }

        /** A graft stopped while it holds a lock and a block, rolled back: everything must be as before. */
        private void checkRollback() {
            int id = domain.id();
            long logBefore = kernel.view().messagesLogged();
            long heapBefore = kernel.view().heapUsed(id);
            Transaction t = kernel.begin(domain);
            if (ctx.lock(0) != Status.OK || ctx.alloc(BLOCK) < 0 || ctx.log(message, MESSAGE) != Status.OK) {
                throw new IllegalStateException("the graft's helpers refused: check the domain's capabilities");
            }
            if (t.changes() == 0) {
                throw new IllegalStateException("the helpers' changes were not recorded in the undo log");
            }
            t.rollback();
            if (kernel.locksHeldBy(domain) != 0 || kernel.view().heapUsed(id) != heapBefore
                    || kernel.view().messagesLogged() != logBefore || kernel.view().lockHolder(0) != 0) {
                throw new IllegalStateException("rollback did not restore the lock, the heap and the log");
            }
            t = kernel.begin(domain);
            run();
            int words = t.changes();
            t.commit();
            if (kernel.view().messagesLogged() != logBefore + rounds || kernel.locksHeldBy(domain) != 0
                    || kernel.view().heapUsed(id) != heapBefore) {
                throw new IllegalStateException("a committed graft should leave only its log entries");
            }
            System.out.println("# graft of " + rounds + " round(s), " + 5 * rounds + " helper calls: "
                    + words + " kernel words in the undo log");
        }
    }

    @Benchmark
    public Transaction beginCommit(Host h) {
        Transaction t = h.kernel.begin(h.domain);
        t.commit();
        return t;
    }

    @Benchmark
    public Transaction beginAbort(Host h) {
        Transaction t = h.kernel.begin(h.domain);
        t.rollback();
        return t;
    }

    @Benchmark
    public long graftOnly(Graft g) {
        return g.run();
    }

    @Benchmark
    public long graftCommit(Graft g) {
        Transaction t = g.kernel.begin(g.domain);
        long result = g.run();
        t.commit();
        return result;
    }

    @Benchmark
    public long graftAbort(Graft g) {
        Transaction t = g.kernel.begin(g.domain);
        long result = g.run();
        t.rollback();
        return result;
    }
}
