package testbed.corpus.entries.jvm_escape;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.Context;
import testbed.kernel.api.EventHandler;
import testbed.kernel.api.Memory;

/**
 * {@code synchronized} on a kernel object: the handler enters the monitor of the kernel's
 * {@code Memory} object and spins inside it in a wait loop whose comparison is inverted (it waits
 * while time has not gone backwards), so it never leaves; every kernel thread that synchronizes on
 * that object would block behind it.
 *
 * <p>Represents: locking shared runtime objects as denial of service between isolated programs in
 * one JVM (Czajkowski 2000; Back, Hsieh and Lepreau 2000, KaffeOS: kernel objects must not be
 * lockable by user code).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: HUNG. The handler never leaves the monitor; only the watchdog notices.
 *   <li>{@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode: REJECTED. The
 *       verifier refuses {@code monitorenter} on objects the extension does not own.
 * </ul>
 */
@Entry(family = Family.JVM_ESCAPE,
        threat = "holds the monitor of the kernel's Memory object and never lets go",
        reference = "Czajkowski 2000, OOPSLA, Application Isolation in the JVM; Back, Hsieh and Lepreau 2000, OSDI, KaffeOS: user code locking kernel objects",
        expect = {@Expect(mode = "NONE", outcome = Outcome.HUNG)},
        otherwise = Outcome.REJECTED)
public final class SynchronizedOnMemory implements EventHandler {

    @Override
    public boolean guard(Context ctx, int event, long argument) {
        return true;
    }

    @Override
    public long handle(Context ctx, int event, long argument) {
        Memory mem = ctx.memory();
        synchronized (mem) {
            // Meant to wait until a deadline passes; the comparison is inverted, and time never runs backwards.
            long start = ctx.time();
            while (ctx.time() >= start) {
                start = ctx.time();
            }
        }
        return 0;
    }
}
