package testbed.corpus.entries.kernel_interface;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;
import testbed.kernel.api.Status;

/**
 * Self-deadlock and double unlock: the filter takes a lock, takes it again, releases it, and
 * releases it again. The second lock must fail with {@code EDEADLK} (not block for ever) and the
 * second unlock with {@code EPERM}; otherwise the filter answers with a bad length. It never
 * returns holding the lock.
 *
 * <p>Represents: the synchronization fault type of the Rio fault model (Chen et al. 1996), a
 * graft re-acquiring its own lock, which VINO's lock manager must detect rather than deadlock on
 * (Seltzer et al. 1996).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}, {@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode:
 *       OK. The lock helpers detect the self-deadlock and the bad unlock in every mode.
 * </ul>
 */
@Entry(family = Family.KERNEL_INTERFACE,
        threat = "locks a lock it already holds and unlocks it twice",
        reference = "Chen et al. 1996, ASPLOS, The Rio File Cache: synchronization faults; Seltzer et al. 1996, OSDI, VINO: lock management for grafts",
        expect = {@Expect(mode = "NONE", outcome = Outcome.OK)},
        otherwise = Outcome.OK)
public final class DoubleLock implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        for (int lockId = 0; lockId < 64; lockId++) {
            if (ctx.lock(lockId) == Status.OK) {
                int again = ctx.lock(lockId);
                int first = ctx.unlock(lockId);
                int second = ctx.unlock(lockId);
                boolean right = again == Status.EDEADLK && first >= 0 && second < 0;
                return right ? length : -1;
            }
        }
        return length;
    }
}
