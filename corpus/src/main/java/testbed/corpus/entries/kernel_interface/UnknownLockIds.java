package testbed.corpus.entries.kernel_interface;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/**
 * Helper abuse with unknown lock ids: the filter locks and unlocks ids that cannot exist (negative,
 * minimum and maximum values, far beyond the lock table). Every call must fail; if a lock call
 * succeeds the filter releases it again, and it answers with a bad length so the kernel's bug
 * shows.
 *
 * <p>Represents: exceptional parameter values at a kernel interface (Ballista: Koopman and DeVale
 * 1999); an unchecked lock id is an index into the lock table, i.e. a wild store by proxy.
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}, {@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode:
 *       OK. Helpers check lock ids in every mode.
 * </ul>
 */
@Entry(family = Family.KERNEL_INTERFACE,
        threat = "locks and unlocks lock ids that do not exist",
        reference = "Koopman and DeVale 1999, FTCS, Comparing the Robustness of POSIX Operating Systems (Ballista): invalid handles",
        expect = {@Expect(mode = "NONE", outcome = Outcome.OK)},
        otherwise = Outcome.OK)
public final class UnknownLockIds implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        int accepted = 0;
        accepted += tryLock(ctx, -1);
        accepted += tryLock(ctx, Integer.MIN_VALUE);
        accepted += tryLock(ctx, Integer.MAX_VALUE);
        accepted += tryLock(ctx, 1 << 20);
        if (ctx.unlock(-1) >= 0) {
            accepted++;
        }
        if (ctx.unlock(Integer.MAX_VALUE) >= 0) {
            accepted++;
        }
        return accepted == 0 ? length : -1;
    }

    private static int tryLock(Context ctx, int lockId) {
        if (ctx.lock(lockId) < 0) {
            return 0;
        }
        ctx.unlock(lockId);
        return 1;
    }
}
